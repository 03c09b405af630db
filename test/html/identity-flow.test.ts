// The identity-flow model behind the HTML diagrams (src/report/identity-flow.ts), built by the real
// scan engine on real trees: which proxy routes are drawn, which Django views each one forwards to
// (nginx prefix / exact locations, proxy_pass URI rewrites), the state of every link, the checks of
// every handler, and that each finding a flow points to is a reported finding.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runScan } from '../../src/scan/engine.js';
import { probeIdentityFlows, probeLeg } from '../../src/report/identity-flow.js';
import { findingKey, type IdentityFlow } from '../../src/core/identity-flow.js';
import type { Report } from '../../src/core/types.js';
import { REPO_ROOT, writeTree } from '../helpers/rule-tester.js';

const NGINX = (bind: string) => `
events {}
http {
  server {
    listen 443 ssl;
    server_name secure.test;
    ssl_certificate /etc/tls/server.pem;
    ssl_certificate_key /etc/tls/server.key;
    ssl_client_certificate /etc/tls/ca.pem;
    ssl_verify_client on;
    ssl_crl /etc/tls/ca.crl;
    location /api/ {
      proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
      proxy_pass http://${bind};
    }
    location = /login {
      proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
      proxy_pass http://${bind};
    }
    location /v1/ {
      proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
      proxy_pass http://${bind}/api/;
    }
    location /static/ {
      proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
      proxy_pass http://${bind};
    }
  }
}
`;

const VIEWS = `
import hashlib
from urllib.parse import unquote
from cryptography import x509
from django.http import JsonResponse
from app.models import CertBinding


def _user(request):
    pem = unquote(request.META.get('HTTP_X_SSL_CLIENT_CERT', ''))
    if not pem:
        return None
    cert = x509.load_pem_x509_certificate(pem.encode())
    fp = cert.fingerprint(hashes.SHA256()).hex()
    binding = CertBinding.objects.filter(fingerprint=fp, revoked=False).first()
    return binding.user if binding else None


def me(request):
    user = _user(request)
    if user is None:
        return JsonResponse({'error': 'forbidden'}, status=403)
    return JsonResponse({'user': user.username})


def login_view(request):
    user = _user(request)
    if user is None:
        return JsonResponse({'error': 'forbidden'}, status=403)
    return JsonResponse({'user': user.username})


def other(request):
    user = _user(request)
    if user is None:
        return JsonResponse({'error': 'forbidden'}, status=403)
    return JsonResponse({'user': user.username})
`;

function project(bind: string, withProxy = true): Record<string, string> {
  const files: Record<string, string> = {
    'manage.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n",
    'proj/__init__.py': '',
    'proj/settings.py': "ROOT_URLCONF = 'proj.urls'\nSECRET_KEY = 'x'\nINSTALLED_APPS = ['app']\n",
    'proj/urls.py': "from django.urls import path\nfrom app import views\nurlpatterns = [\n    path('api/me', views.me),\n    path('login', views.login_view),\n    path('other', views.other),\n]\n",
    'app/__init__.py': '',
    'app/views.py': VIEWS,
  };
  if (withProxy) {
    files['deploy/nginx.conf'] = NGINX(bind);
    files['gunicorn.conf.py'] = `bind = "${bind}"\n`;
  }
  return files;
}

async function scan(files: Record<string, string>): Promise<Report> {
  const dir = writeTree(files);
  try {
    return await runScan({ path: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function flow(report: Report, location: string): IdentityFlow {
  const f = report.identityFlows!.find((x) => x.title.endsWith(`> ${location}`));
  assert.ok(f, `a flow for ${location}: ${report.identityFlows!.map((x) => x.title).join(' | ')}`);
  return f;
}

const handlers = (f: IdentityFlow) => f.django.handlers.map((h) => `${h.qualname} ${h.routes.join(',')}`).sort();
const checks = (f: IdentityFlow, qualname: string) => Object.fromEntries(f.django.handlers.find((h) => h.qualname === qualname)!.checks.map((c) => [c.name, c.state]));

function assertKeysResolve(report: Report): void {
  const keys = new Set(report.findings.map(findingKey));
  for (const f of report.identityFlows ?? []) {
    const all = [...Object.values(f.links).flatMap((l) => l.findings), ...f.django.findings, ...f.django.handlers.flatMap((h) => [...h.findings, ...h.checks.flatMap((c) => c.findings)])];
    for (const k of all) assert.ok(keys.has(k), `${f.title}: ${k} is a reported finding`);
  }
}

describe('identity flows of a secure deployment', () => {
  test('every link holds; the proxy does chain, expiry and EKU; the code binds the fingerprint', async () => {
    const r = await scan(project('127.0.0.1:8000'));
    assert.deepEqual(r.findings, [], 'no finding on the secure tree');
    assert.equal(r.identityFlows!.length, 4, 'one flow per nginx location');
    const api = flow(r, 'location /api/');
    assert.deepEqual(Object.fromEntries(Object.entries(api.links).map(([k, l]) => [k, l.state])), { tls: 'ok', headers: 'ok', wsgi: 'neutral', bypass: 'ok' });
    assert.match(api.links.bypass.summary, /only from the proxy \(loopback\)/);
    assert.deepEqual(checks(api, 'me'), { chain: 'at-proxy', validity: 'at-proxy', eku: 'at-proxy', revocation: 'done', identity: 'done' });
    const read = api.django.handlers[0].reads[0];
    assert.equal(read.label, 'HTTP_X_SSL_CLIENT_CERT');
    assert.equal(read.state, 'ok');
    assert.equal(api.django.state, 'ok');
  });

  test('each location forwards to the views its paths reach (prefix, exact, rewrite)', async () => {
    const r = await scan(project('127.0.0.1:8000'));
    assert.deepEqual(handlers(flow(r, 'location /api/')), ['me /api/me']);
    assert.deepEqual(handlers(flow(r, 'location = /login')), ['login_view /login']);
    assert.deepEqual(handlers(flow(r, 'location /v1/')), ['me /api/me'], 'proxy_pass …/api/ rewrites /v1/ onto /api/');
    assert.deepEqual(handlers(flow(r, 'location /static/')), []);
    for (const f of r.identityFlows!) assert.ok(!f.django.handlers.some((h) => h.qualname === 'other'), `/other is reached by no location (${f.title})`);
  });

  test('a published app server breaks the way around the proxy, and the code checks become missing', async () => {
    const r = await scan(project('0.0.0.0:8000'));
    const rules = new Set(r.findings.map((f) => f.ruleId));
    assert.ok(rules.has('backend-exposed') && rules.has('spoofable-cert-header'), [...rules].join(', '));
    const api = flow(r, 'location /api/');
    assert.equal(api.links.tls.state, 'ok', 'the proxy still verifies');
    assert.equal(api.links.headers.state, 'ok', 'and still overwrites the header');
    assert.equal(api.links.bypass.state, 'broken');
    const bypassRules = new Set(api.links.bypass.findings.map((k) => r.findings.find((f) => findingKey(f) === k)!.ruleId));
    assert.deepEqual([...bypassRules].sort(), ['backend-exposed', 'spoofable-cert-header']);
    assert.equal(checks(api, 'me').provenance, 'missing');
    // The proxy's chain check no longer protects, but the code pins the certificate by its SHA-256
    // fingerprint to an enrolled record: no chain is needed (RULES.md, cert-chain-unverified).
    assert.equal(checks(api, 'me').chain, 'done', 'pinned by fingerprint, not "at the proxy" once the proxy can be bypassed');
    assert.equal(checks(api, 'me').validity, 'missing', 'dates are not checked once the proxy can be bypassed');
    assert.equal(api.appServer.state, 'broken');
    assertKeysResolve(r);
  });
});

describe('identity flows without a proxy in the tree', () => {
  test('one flow; the proxy and the way around it are unproven; the header is client-controlled', async () => {
    const r = await scan(project('', false));
    assert.equal(r.identityFlows!.length, 1);
    const f = r.identityFlows![0];
    assert.match(f.title, /no proxy configuration/);
    assert.equal(f.links.tls.state, 'unknown');
    assert.equal(f.links.bypass.state, 'unknown');
    assert.equal(f.proxy.state, 'unknown');
    assert.deepEqual(handlers(f), ['login_view /login', 'me /api/me', 'other /other']);
    assert.ok(f.django.handlers.every((h) => h.reads.every((x) => x.state === 'warn')));
    assertKeysResolve(r);
  });

  test('a tree with neither proxy nor certificate code has no flow', async () => {
    const r = await scan({ 'app/views.py': 'def index(request):\n    return None\n' });
    assert.deepEqual(r.identityFlows, []);
  });
});

describe('identity flows of the bundled example', () => {
  test('/api/ passes the client copies of the headers; both routes share the unverified proxy', async () => {
    const r = await runScan({ path: join(REPO_ROOT, 'examples', 'vulnerable-mtls-app') });
    assertKeysResolve(r);
    const api = flow(r, 'location /api/');
    const rootRoute = flow(r, 'location /');
    assert.deepEqual(
      api.links.headers.details.map((d) => `${d.label} ${d.state}`),
      ['X-SSL-Client-Cert bad', 'X-SSL-Client-S-DN bad'],
    );
    assert.ok(
      api.proxy.facts.some((x) => x.label === 'identity headers' && x.state === 'bad'),
      'no identity header set on /api/',
    );
    assert.equal(rootRoute.links.tls.state, 'broken');
    assert.match(rootRoute.links.tls.summary, /any issuer/);
    assert.equal(checks(api, 'certificate_login').session, 'missing');
    // The unauthenticated transfer view is routed through /api/ only.
    const has = (f: IdentityFlow, rule: string) => f.django.findings.some((k) => r.findings.find((x) => findingKey(x) === k)?.ruleId === rule);
    assert.equal(has(api, 'critical-view-unauthenticated'), true);
    assert.equal(has(rootRoute, 'critical-view-unauthenticated'), false);
    // The admin login is under / only.
    assert.equal(has(rootRoute, 'login-not-throttled'), true);
    assert.equal(has(api, 'login-not-throttled'), false);
  });
});

describe('probe flows', () => {
  test('case ids map to the leg they attack', () => {
    assert.equal(probeLeg('expired-cert /api/'), 'tls');
    assert.equal(probeLeg('no-cert /api/'), 'tls');
    assert.equal(probeLeg('no-cert-backend /api/'), 'bypass');
    assert.equal(probeLeg('spoofed-header:backend:HTTP_X_SSL_CLIENT_CERT'), 'bypass');
    assert.equal(probeLeg('spoofed-headers:proxy /api/'), 'headers');
    assert.equal(probeLeg('dn-injection-o /api/'), 'app');
    assert.equal(probeLeg('server-certificate'), 'client');
  });

  test('a probe report draws the legs its findings break and the cases that passed', () => {
    const report: Report = {
      tool: { name: 'mtls-audit', version: 't' },
      kind: 'probe',
      target: 'https://127.0.0.1:8443/api/me',
      findings: [
        { ruleId: 'accepts-untrusted-ca', severity: 'critical', cwe: ['CWE-295'], message: 'm', location: { url: 'https://127.0.0.1:8443/api/me', case: 'unrelated-ca' } },
        { ruleId: 'accepts-spoofed-cert-header', severity: 'critical', cwe: ['CWE-290'], message: 'm', location: { url: 'http://127.0.0.1:8000/api/me', case: 'spoofed-header:backend:HTTP_X_SSL_CLIENT_CERT' } },
        { ruleId: 'session-id-not-rotated', severity: 'high', cwe: ['CWE-384'], message: 'm', location: { url: 'https://127.0.0.1:8443/login', case: 'session-id-not-rotated' } },
      ],
      errors: [],
      stats: { durationMs: 1, requestsSent: 40 },
      notes: [
        { case: 'expired-cert /api/me', status: 'passed', reason: 'refused' },
        { case: 'spoofed-headers:proxy /api/me', status: 'passed', reason: 'refused' },
      ],
    };
    const [f] = probeIdentityFlows(report);
    assert.equal(f.links.tls.state, 'broken');
    assert.equal(f.links.headers.state, 'ok');
    assert.equal(f.links.bypass.state, 'broken');
    assert.equal(f.django.state, 'broken');
    assert.deepEqual(
      f.django.handlers[0].checks.map((c) => `${c.name} ${c.state}`),
      ['session missing'],
    );
    assert.ok(f.links.tls.details.some((d) => d.label === 'expired certificate' && d.state === 'ok'));
    assert.deepEqual(
      f.links.tls.details.find((d) => d.label === 'unrelated CA'),
      { label: 'unrelated CA', value: 'accepted on /api/me', state: 'bad' },
    );
  });
});
