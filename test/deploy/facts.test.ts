// Deployment facts used by the code rules (RULES.md "Facts from the deployment that code rules
// use"), on whole trees, and their effect on the code rules: provenance silences
// spoofable-cert-header only when every route overwrites both spellings and the app server is
// reachable only from the proxy; a CRL at the proxy silences cert-revocation-unchecked.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { writeTree, scanFiles } from '../helpers/rule-tester.js';
import { discover } from '../../src/scan/discover.js';
import { getPythonParser } from '../../src/python/parser.js';
import { buildDeployment } from '../../src/deploy/build.js';
import { provesProvenance, revocationAtProxy, verifiedAtProxy } from '../../src/deploy/facts.js';
import type { DeploymentModel } from '../../src/deploy/model.js';

async function deployOf(files: Record<string, string>): Promise<DeploymentModel> {
  const dir = writeTree(files);
  try {
    const { files: found } = discover(dir);
    return buildDeployment(
      dir,
      found.filter((f) => f.kind === 'config'),
      [],
      { parser: await getPythonParser(), allFiles: found },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const KEY = 'HTTP_X_SSL_CLIENT_CERT';

function nginx(opts: { verify?: string; crl?: boolean; underscores?: boolean; set?: boolean; upstream?: string } = {}): string {
  return `
    events {}
    http {
        server {
            listen 443 ssl;
            ssl_client_certificate /etc/nginx/ca.pem;
            ssl_verify_client ${opts.verify ?? 'on'};
            ${opts.crl ? 'ssl_crl /etc/nginx/ca.crl;' : ''}
            ${opts.underscores ? 'underscores_in_headers on;' : ''}
            location / {
                ${opts.set === false ? '' : 'proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;'}
                proxy_pass ${opts.upstream ?? 'http://unix:/run/gunicorn.sock'};
            }
        }
    }
  `;
}
const unixGunicorn = '[Service]\nExecStart=/venv/bin/gunicorn --bind unix:/run/gunicorn.sock app.wsgi\n';

test('provenance: overwrite on every route + unix socket app server is proven, with the directives cited', async () => {
  const d = await deployOf({ 'deploy/nginx.conf': nginx(), 'deploy/app.service': unixGunicorn });
  const v = provesProvenance(d, KEY);
  assert.equal(v.proven, true, v.reason);
  assert.ok(
    v.related.some((r) => r.file === 'deploy/nginx.conf' && r.line === 10),
    JSON.stringify(v.related),
  );
  assert.ok(v.related.some((r) => r.file === 'deploy/app.service'));
  assert.equal(verifiedAtProxy(d, KEY).verified, true);
  assert.equal(revocationAtProxy(d, KEY).checked, false);
  const withCrl = await deployOf({ 'deploy/nginx.conf': nginx({ crl: true }), 'deploy/app.service': unixGunicorn });
  assert.equal(revocationAtProxy(withCrl, KEY).checked, true);
});

test('provenance is not proven: no proxy, no bind in the tree, underscores passed, header not set, published or cluster-wide app', async () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['no proxy config', { 'deploy/app.service': unixGunicorn }, /no proxy route/],
    ['no app server bind', { 'deploy/nginx.conf': nginx() }, /no app server bind/],
    ['underscores passed', { 'deploy/nginx.conf': nginx({ underscores: true }), 'deploy/app.service': unixGunicorn }, /underscores/],
    ['header not set', { 'deploy/nginx.conf': nginx({ set: false }), 'deploy/app.service': unixGunicorn }, /does not overwrite/],
    ['published port', { 'deploy/nginx.conf': nginx({ upstream: 'http://web:8000' }), 'docker-compose.yml': 'services:\n  web:\n    command: gunicorn app.wsgi -b 0.0.0.0:8000\n    ports: ["8000:8000"]\n' }, /reachable without the proxy/],
    [
      'ClusterIP service',
      {
        'k8s/app.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: web\n          command: ["gunicorn", "app.wsgi", "-b", "0.0.0.0:8000"]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 8000}]\n',
        'k8s/ingress.yaml':
          'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    nginx.ingress.kubernetes.io/auth-tls-secret: default/ca\n    nginx.ingress.kubernetes.io/auth-tls-pass-certificate-to-upstream: "true"\nspec:\n  defaultBackend: {service: {name: web, port: {number: 8000}}}\n',
      },
      /ClusterIP/,
    ],
  ];
  for (const [name, files, re] of cases) {
    const d = await deployOf(files);
    const v = provesProvenance(d, name === 'ClusterIP service' ? 'HTTP_SSL_CLIENT_CERT' : KEY);
    assert.equal(v.proven, false, name);
    assert.match(v.reason, re, name);
    assert.equal(verifiedAtProxy(d, KEY).verified, false, name);
  }
});

test('provenance: Compose app port only exposed inside the network; uwsgi_param HTTP_ covers every spelling even with underscores on', async () => {
  const compose = await deployOf({
    'deploy/nginx.conf': nginx({ upstream: 'http://web:8000' }),
    'docker-compose.yml': 'services:\n  web:\n    command: gunicorn app.wsgi -b 0.0.0.0:8000\n    expose: ["8000"]\n  proxy:\n    image: nginx\n    ports: ["443:443"]\n',
  });
  assert.equal(provesProvenance(compose, KEY).proven, true, provesProvenance(compose, KEY).reason);
  const uwsgi = await deployOf({
    'deploy/nginx.conf':
      'events {}\nhttp { server { listen 443 ssl; ssl_verify_client on; ssl_client_certificate /ca.pem; underscores_in_headers on;\n location / { uwsgi_param HTTP_X_SSL_CLIENT_CERT $ssl_client_escaped_cert; uwsgi_pass unix:/run/uwsgi.sock; } } }\n',
    'uwsgi.ini': '[uwsgi]\nsocket = /run/uwsgi.sock\nmodule = app.wsgi\n',
  });
  assert.equal(provesProvenance(uwsgi, KEY).proven, true, provesProvenance(uwsgi, KEY).reason);
  assert.equal(verifiedAtProxy(uwsgi, KEY).verified, true);
});

test('verified at the proxy: optional counts only when enforced; optional_no_ca and ignored errors never', async () => {
  const opt = await deployOf({ 'deploy/nginx.conf': nginx({ verify: 'optional' }), 'deploy/app.service': unixGunicorn });
  assert.equal(verifiedAtProxy(opt, KEY).verified, false);
  const enforced = await deployOf({
    'deploy/nginx.conf': nginx({ verify: 'optional' }).replace('location / {', 'location / {\n if ($ssl_client_verify != SUCCESS) { return 403; }'),
    'deploy/app.service': unixGunicorn,
  });
  assert.equal(verifiedAtProxy(enforced, KEY).verified, true);
  const noCa = await deployOf({ 'deploy/nginx.conf': nginx({ verify: 'optional_no_ca' }), 'deploy/app.service': unixGunicorn });
  assert.equal(verifiedAtProxy(noCa, KEY).verified, false);
  assert.equal(provesProvenance(noCa, KEY).proven, true, 'provenance is about the header, not the verify mode');
});

test('environ keys set by the server (mod_ssl ExportCertData under mod_wsgi) are verified at the proxy, with the CRL', async () => {
  const d = await deployOf({
    'apache2/app.conf':
      '<VirtualHost *:443>\n  SSLVerifyClient require\n  SSLCACertificateFile /ca.pem\n  SSLCARevocationFile /ca.crl\n  SSLCARevocationCheck chain\n  SSLOptions +ExportCertData\n  WSGIScriptAlias / /srv/app/wsgi.py\n</VirtualHost>\n',
  });
  assert.equal(verifiedAtProxy(d, 'SSL_CLIENT_CERT').verified, true);
  assert.equal(revocationAtProxy(d, 'SSL_CLIENT_CERT').checked, true);
  assert.equal(provesProvenance(d, 'SSL_CLIENT_CERT').proven, true);
});

const VIEW = `
  from django.contrib.auth.models import User
  from django.http import JsonResponse
  from cryptography import x509


  def whoami(request):
      pem = request.META.get('HTTP_X_SSL_CLIENT_CERT')
      if not pem:
          return JsonResponse({'error': 'no client certificate'}, status=401)
      cert = x509.load_pem_x509_certificate(pem.encode())
      user = User.objects.get(profile__fingerprint=cert.fingerprint(hashes.SHA256()).hex())
      request.user = user
      return JsonResponse({'user': user.username})
`;

test('code rules take the deployment into account: spoofable-cert-header and cert-revocation-unchecked', async () => {
  const rules = ['spoofable-cert-header', 'cert-revocation-unchecked'];
  const proven = await scanFiles({ 'app/views.py': VIEW, 'deploy/nginx.conf': nginx({ crl: true }), 'deploy/app.service': unixGunicorn }, rules);
  assert.deepEqual(
    proven.findings.filter((f) => rules.includes(f.ruleId)).map((f) => f.ruleId),
    [],
  );
  const exposed = await scanFiles({ 'app/views.py': VIEW, 'deploy/nginx.conf': nginx({ upstream: 'http://127.0.0.1:8000' }), 'deploy/app.service': '[Service]\nExecStart=/venv/bin/gunicorn --bind 0.0.0.0:8000 app.wsgi\n' }, rules);
  const ids = exposed.findings.map((f) => f.ruleId).sort();
  assert.deepEqual(ids, ['cert-revocation-unchecked', 'spoofable-cert-header']);
  const spoof = exposed.findings.find((f) => f.ruleId === 'spoofable-cert-header')!;
  assert.ok(
    spoof.related?.some((r) => r.file === 'deploy/app.service'),
    JSON.stringify(spoof.related),
  );
});
