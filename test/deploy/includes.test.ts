// nginx includes the tree cannot show, and includes that include each other: what nginx would read
// is either known (Debian's packaged proxy_params, uwsgi_params, …) or unknown — and an unknown
// route proves nothing, yet no finding about the proxy is claimed on it. Expansion is bounded.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanFiles } from '../helpers/rule-tester.js';
import { buildDeployment } from '../../src/deploy/build.js';
import { discover } from '../../src/scan/discover.js';
import { provesProvenance, verifiedAtProxy } from '../../src/deploy/facts.js';
import { writeTree } from '../helpers/rule-tester.js';
import { rmSync } from 'node:fs';
import type { InputError } from '../../src/core/types.js';
import { getPythonParser } from '../../src/python/parser.js';

const VIEW = `
from django.http import JsonResponse
from .models import Binding

def whoami(request):
    fp = request.META.get('HTTP_X_SSL_CLIENT_FINGERPRINT', '')
    binding = Binding.objects.get(fingerprint=fp, revoked=False)
    return JsonResponse({'user': binding.user.username})
`;

const server = (location: string) => `
events {}
http {
    server {
        listen 443 ssl;
        ssl_certificate /etc/nginx/tls/server.pem;
        ssl_certificate_key /etc/nginx/tls/server.key;
        ssl_client_certificate /etc/nginx/tls/ca.pem;
        ssl_crl /etc/nginx/tls/ca.crl;
        ssl_verify_client on;
        proxy_set_header X-SSL-Client-Fingerprint $ssl_client_fingerprint;
        location / {
${location}
            proxy_pass http://unix:/run/app.sock;
        }
    }
}
`;

async function deployOf(files: Record<string, string>) {
  const dir = writeTree(files);
  try {
    const errors: InputError[] = [];
    const { files: found } = discover(dir);
    const m = buildDeployment(
      dir,
      found.filter((f) => f.kind === 'config'),
      errors,
      { parser: await getPythonParser(), allFiles: found },
    );
    return { m, errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an include of a file not in the tree makes the route unknown: provenance and verification unproven, no proxy finding claimed', async () => {
  const files = { 'deploy/nginx.conf': server('            include snippets/client-cert-headers.conf;'), 'deploy/gunicorn.conf.py': 'bind = "unix:/run/app.sock"\n', 'app/views.py': VIEW };
  const { m } = await deployOf(files);
  const [ep] = m.entryPoints;
  assert.match(ep.unknown?.reason ?? '', /not in the scanned tree/);
  assert.equal(ep.unknown?.site.line, 12);
  const p = provesProvenance(m, 'HTTP_X_SSL_CLIENT_FINGERPRINT');
  assert.equal(p.proven, false);
  assert.match(p.reason, /unknown/);
  assert.equal(verifiedAtProxy(m, 'HTTP_X_SSL_CLIENT_FINGERPRINT').verified, false);
  const report = await scanFiles(files);
  const ids = report.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`);
  assert.ok(ids.includes('spoofable-cert-header app/views.py:5'), ids.join('\n'));
  assert.ok(!ids.some((i) => /^(proxy-|header-underscore)/.test(i)), ids.join('\n'));
});

test('the same include resolved in the tree is read: the location sets its own headers and inherits none', async () => {
  const files = {
    'deploy/nginx.conf': server('            include snippets/client-cert-headers.conf;'),
    'deploy/snippets/client-cert-headers.conf': 'proxy_set_header X-Request-Id $request_id;\n',
    'deploy/gunicorn.conf.py': 'bind = "unix:/run/app.sock"\n',
    'app/views.py': VIEW,
  };
  const { m } = await deployOf(files);
  const [ep] = m.entryPoints;
  assert.equal(ep.unknown, undefined);
  assert.deepEqual(
    ep.headers.map((h) => h.name),
    ['X-Request-Id'],
  );
  assert.equal(provesProvenance(m, 'HTTP_X_SSL_CLIENT_FINGERPRINT').proven, false);
});

test("Debian's packaged proxy_params is known: including it replaces the server's proxy_set_header list", async () => {
  for (const inc of ['include proxy_params;', 'include /etc/nginx/proxy_params;']) {
    const { m } = await deployOf({ 'deploy/nginx.conf': server(`            ${inc}`), 'deploy/gunicorn.conf.py': 'bind = "unix:/run/app.sock"\n' });
    const [ep] = m.entryPoints;
    assert.equal(ep.unknown, undefined, inc);
    assert.deepEqual(
      ep.headers.map((h) => h.name),
      ['Host', 'X-Real-IP', 'X-Forwarded-For', 'X-Forwarded-Proto'],
      inc,
    );
    assert.equal(ep.headers[0].site.line, 12, 'sited at the include');
  }
});

test('a glob include matching nothing adds nothing and leaves the route known', async () => {
  const { m } = await deployOf({ 'deploy/nginx.conf': server('            include /etc/nginx/mtls.d/*.conf;'), 'deploy/gunicorn.conf.py': 'bind = "unix:/run/app.sock"\n' });
  assert.equal(m.entryPoints[0].unknown, undefined);
  assert.equal(provesProvenance(m, 'HTTP_X_SSL_CLIENT_FINGERPRINT').proven, true);
});

test('files that include each other (include *.conf) are expanded within a budget: an errors entry, unknown routes, and the code findings stay', async () => {
  const files: Record<string, string> = { 'app/views.py': VIEW, 'deploy/gunicorn.conf.py': 'bind = "unix:/run/app.sock"\n' };
  for (let i = 0; i < 10; i++) files[`deploy/conf.d/part${i}.conf`] = `include conf.d/*.conf;\nproxy_set_header X-Part-${i} ${i};\n`;
  files['deploy/nginx.conf'] = server('            include conf.d/*.conf;');
  const t0 = Date.now();
  const report = await scanFiles(files);
  const ms = Date.now() - t0;
  assert.ok(ms < 20_000, `took ${ms} ms`);
  assert.ok(
    report.errors.some((e) => /include expansion stopped/.test(e.message)),
    JSON.stringify(report.errors),
  );
  const ids = report.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`);
  assert.ok(ids.includes('spoofable-cert-header app/views.py:5'), ids.join('\n'));
});
