// header-underscore-smuggling and the app server's pinned version: gunicorn 22+ and Daphne drop
// header names with underscores; Django's ASGIRequest does from 4.2.30 / 5.2.13 / 6.0.4.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { writeTree } from '../helpers/rule-tester.js';
import { runScan } from '../../src/scan/engine.js';
import { pinsOf, atLeast } from '../../src/deploy/pins.js';

const HAPROXY = `
defaults
    mode http
frontend fe
    bind 127.0.0.1:8443 ssl crt /etc/ssl/server.pem ca-file /etc/ssl/ca.pem verify required
    http-request set-header X-SSL-Client-Cert %[ssl_c_der,base64]
    default_backend django
backend django
    server app1 127.0.0.1:8000
`;
const VIEW = `
from django.contrib.auth.models import User
from django.http import JsonResponse
def whoami(request):
    cert = request.META.get('HTTP_X_SSL_CLIENT_CERT')
    if not cert:
        return JsonResponse({'error': 'no certificate'}, status=401)
    return JsonResponse({'user': User.objects.get(profile__cert_pem=cert).username})
`;

async function underscoreFindings(files: Record<string, string>) {
  const dir = writeTree({ 'haproxy.cfg': HAPROXY, 'app/views.py': VIEW, ...files });
  try {
    return (await runScan({ path: dir, rules: ['header-underscore-smuggling'] })).findings;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('pins: requirements, PEP 621 and Poetry pyproject, poetry.lock, Pipfile.lock, uv.lock; ranges are not pins', () => {
  const dir = writeTree({
    'requirements/base.txt': 'Django==4.2.30\ngunicorn>=20\n',
    'backend/pyproject.toml': '[project]\ndependencies = ["gunicorn==23.0.0", "uvicorn[standard]==0.30.1"]\n[tool.poetry.dependencies]\npython = "^3.11"\ndaphne = "4.1.2"\n',
    'svc/Pipfile.lock': '{\n  "default": {\n    "gunicorn": {\n      "hashes": [],\n      "version": "==21.2.0"\n    }\n  }\n}\n',
    'svc2/uv.lock': '[[package]]\nname = "granian"\nversion = "1.6.0"\n',
    'svc3/poetry.lock': '[[package]]\nname = "Django"\nversion = "5.2.13"\n',
  });
  try {
    assert.deepEqual(
      pinsOf(dir, 'gunicorn')
        .map((p) => `${p.version} ${p.file}:${p.line}`)
        .sort(),
      ['21.2.0 svc/Pipfile.lock:5', '23.0.0 backend/pyproject.toml:2'],
    );
    assert.deepEqual(
      pinsOf(dir, 'django')
        .map((p) => p.version)
        .sort(),
      ['4.2.30', '5.2.13'],
    );
    assert.deepEqual(
      pinsOf(dir, 'uvicorn').map((p) => p.version),
      ['0.30.1'],
    );
    assert.deepEqual(
      pinsOf(dir, 'daphne').map((p) => p.version),
      ['4.1.2'],
    );
    assert.deepEqual(
      pinsOf(dir, 'granian').map((p) => p.version),
      ['1.6.0'],
    );
    assert.ok(atLeast('22.0.0', [22]) && !atLeast('21.2.0', [22]) && atLeast('22.0.0rc1', [22]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gunicorn 22+ pinned in a lock file: not reported; 21 pinned: reported with the pin; no pin: reported, saying the version is unknown', async () => {
  const conf = { 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n' };
  assert.equal((await underscoreFindings({ ...conf, 'uv.lock': '[[package]]\nname = "gunicorn"\nversion = "22.0.0"\n' })).length, 0);
  const old = await underscoreFindings({ ...conf, 'requirements.txt': 'gunicorn==21.2.0\n' });
  assert.equal(old.length, 1);
  assert.match(old[0].message, /gunicorn 21\.2\.0 \(pinned at requirements\.txt:1/);
  const unknown = await underscoreFindings(conf);
  assert.equal(unknown.length, 1);
  assert.match(unknown[0].message, /gunicorn \(version unknown/);
});

test('no app server in the deployment files: gunicorn 22+ as the only pinned server is not reported; another server pinned beside it still is', async () => {
  assert.equal((await underscoreFindings({ 'requirements.txt': 'gunicorn==22.0.0\nDjango==5.2.1\n' })).length, 0);
  assert.equal((await underscoreFindings({ 'requirements.txt': 'gunicorn==22.0.0\nuwsgi==2.0.26\n' })).length, 1);
});

test('Daphne drops underscore names; uvicorn is judged by the pinned Django (ASGIRequest ignores them from 4.2.30 / 5.2.13 / 6.0.4)', async () => {
  assert.equal((await underscoreFindings({ Procfile: 'web: daphne -b 127.0.0.1 -p 8000 proj.asgi:application\n' })).length, 0);
  const uv = { Procfile: 'web: uvicorn proj.asgi:application --host 127.0.0.1 --port 8000\n' };
  assert.equal((await underscoreFindings({ ...uv, 'requirements.txt': 'Django==5.2.13\n' })).length, 0);
  const old = await underscoreFindings({ ...uv, 'requirements.txt': 'Django==5.2.12\n' });
  assert.equal(old.length, 1);
  assert.match(old[0].message, /uvicorn with Django 5\.2\.12's ASGIRequest/);
  const unknown = await underscoreFindings(uv);
  assert.match(unknown[0]?.message ?? '', /Django version unknown/);
});
