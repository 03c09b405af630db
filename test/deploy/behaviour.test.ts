// The model's header facts agree with what real proxies do. For each config, a real nginx or
// HAProxy (loopback only, own prefix, stopped by pid) forwards a request carrying forged
// `X-SSL-Client-Cert` and `X_SSL_Client_Cert` headers to a Node echo server; what arrives must be
// what `coverage()` predicts from the parsed config (dash spelling overwritten? underscore
// spelling dropped?).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discover } from '../../src/scan/discover.js';
import { buildDeployment } from '../../src/deploy/build.js';
import { coverage } from '../../src/deploy/facts.js';
import { HAPROXY, NGINX, freePort, waitListening } from './real-servers.js';

const KEY = 'HTTP_X_SSL_CLIENT_CERT';

let echo: Server;
let echoPort = 0;
let last: { raw: string[] } | null = null;

function send(port: number, path: string): Promise<IncomingHttpHeaders> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false, headers: { 'X-SSL-Client-Cert': 'forged-dash', X_SSL_Client_Cert: 'forged-underscore' }, timeout: 5000 }, (r) => {
      r.resume();
      r.on('end', () => res(r.headers));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', rej);
    req.end();
  });
}

test('start the echo backend', async () => {
  echo = createServer((req, res) => {
    last = { raw: req.rawHeaders };
    res.end('ok');
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  echoPort = (echo.address() as { port: number }).port;
});

after(() => echo?.close());

function arrived(): { dash: string[]; underscore: string[] } {
  const raw = last?.raw ?? [];
  const dash: string[] = [];
  const underscore: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() === 'x-ssl-client-cert') dash.push(raw[i + 1]);
    if (raw[i].toLowerCase() === 'x_ssl_client_cert') underscore.push(raw[i + 1]);
  }
  return { dash, underscore };
}

async function modelCoverage(dir: string, path: string) {
  const { files } = discover(dir);
  const m = buildDeployment(
    dir,
    files.filter((f) => f.kind === 'config'),
    [],
  );
  const ep = m.entryPoints.find((e) => e.name.includes(path) || e.kind === 'haproxy');
  assert.ok(ep, `no entry point for ${path}: ${m.entryPoints.map((e) => e.name).join(', ')}`);
  return coverage(ep, KEY);
}

async function runProxy(kind: 'nginx' | 'haproxy', conf: (port: number, prefix: string) => string, path: string) {
  const prefix = mkdtempSync(join(tmpdir(), `mtls-audit-${kind}-`));
  const port = await freePort();
  const file = join(prefix, kind === 'nginx' ? 'nginx.conf' : 'haproxy.cfg');
  writeFileSync(file, conf(port, prefix));
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const args = kind === 'nginx' ? ['-c', file, '-p', prefix, '-e', join(prefix, 'logs', 'error.log')] : ['-f', file, '-db'];
  const child: ChildProcess = spawn(kind === 'nginx' ? NGINX : HAPROXY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  try {
    await waitListening(port, child);
    last = null;
    await send(port, path);
    assert.ok(last, `the request did not reach the backend: ${stderr}`);
    const got = arrived();
    const predicted = await modelCoverage(prefix, path);
    return { got, predicted };
  } finally {
    if (child.pid) process.kill(child.pid, kind === 'nginx' ? 'SIGQUIT' : 'SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    rmSync(prefix, { recursive: true, force: true });
  }
}

const nginxConf = (server: string) => (port: number, prefix: string) => `
daemon off;
pid ${prefix}/nginx.pid;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path ${prefix}/body;
    proxy_temp_path ${prefix}/proxy;
    fastcgi_temp_path ${prefix}/fastcgi;
    uwsgi_temp_path ${prefix}/uwsgi;
    scgi_temp_path ${prefix}/scgi;
    server {
        listen 127.0.0.1:${port};
${server.replace(/ECHO/g, String(echoPort))}
    }
}
`;

const NGINX_CASES: { name: string; server: string; path: string; dash: boolean; underscore: boolean }[] = [
  { name: 'set header, default underscore handling', server: 'location / { proxy_set_header X-SSL-Client-Cert "proxy"; proxy_pass http://127.0.0.1:ECHO; }', path: '/', dash: true, underscore: true },
  { name: 'underscores_in_headers on', server: 'underscores_in_headers on;\nlocation / { proxy_set_header X-SSL-Client-Cert "proxy"; proxy_pass http://127.0.0.1:ECHO; }', path: '/', dash: true, underscore: false },
  { name: 'ignore_invalid_headers off', server: 'ignore_invalid_headers off;\nlocation / { proxy_set_header X-SSL-Client-Cert "proxy"; proxy_pass http://127.0.0.1:ECHO; }', path: '/', dash: true, underscore: false },
  {
    name: 'a location with its own proxy_set_header inherits none',
    server: 'proxy_set_header X-SSL-Client-Cert "proxy";\nlocation /api/ { proxy_set_header X-Other 1; proxy_pass http://127.0.0.1:ECHO; }',
    path: '/api/',
    dash: false,
    underscore: true,
  },
  { name: 'inherited from the server level', server: 'proxy_set_header X-SSL-Client-Cert "proxy";\nlocation /api/ { proxy_pass http://127.0.0.1:ECHO; }', path: '/api/', dash: true, underscore: true },
  { name: 'empty value removes the header', server: 'location / { proxy_set_header X-SSL-Client-Cert ""; proxy_pass http://127.0.0.1:ECHO; }', path: '/', dash: true, underscore: true },
  {
    name: 'include proxy_params gives the location a proxy_set_header list of its own',
    server: 'proxy_set_header X-SSL-Client-Cert "proxy";\nlocation / { include /etc/nginx/proxy_params; proxy_pass http://127.0.0.1:ECHO; }',
    path: '/',
    dash: false,
    underscore: true,
  },
  { name: 'proxy_pass_request_headers off', server: 'underscores_in_headers on;\nlocation / { proxy_pass_request_headers off; proxy_pass http://127.0.0.1:ECHO; }', path: '/', dash: true, underscore: true },
];

for (const c of NGINX_CASES) {
  test(`real nginx agrees with the model: ${c.name}`, async () => {
    const { got, predicted } = await runProxy('nginx', nginxConf(c.server), c.path);
    assert.equal(!got.dash.includes('forged-dash'), c.dash, `dash spelling ${JSON.stringify(got)}`);
    assert.equal(!got.underscore.includes('forged-underscore'), c.underscore, `underscore spelling ${JSON.stringify(got)}`);
    assert.equal(predicted.dash, c.dash, 'model: dash');
    assert.equal(predicted.underscore, c.underscore, 'model: underscore');
  });
}

const haConf =
  (rules: string, defaults = '') =>
  (port: number) => `
defaults
    mode http
    timeout connect 5s
    timeout client 10s
    timeout server 10s
${defaults}
frontend fe
    bind 127.0.0.1:${port}
${rules}
    default_backend be
backend be
    server echo 127.0.0.1:${echoPort}
`;

const HA_CASES: { name: string; rules: string; defaults?: string; dash: boolean; underscore: boolean }[] = [
  { name: 'set-header overwrites, underscores pass by default', rules: '    http-request set-header X-SSL-Client-Cert proxy', dash: true, underscore: false },
  { name: 'add-header keeps the client copy', rules: '    http-request add-header X-SSL-Client-Cert proxy', dash: false, underscore: false },
  { name: 'http-restrict-req-hdr-names delete drops underscores', rules: '    http-request set-header X-SSL-Client-Cert proxy', defaults: '    option http-restrict-req-hdr-names delete', dash: true, underscore: true },
  { name: 'del-header by regex removes every spelling', rules: '    http-request del-header ^x.ssl.client.cert$ -m reg\n    http-request set-header X-SSL-Client-Cert proxy', dash: true, underscore: true },
];

for (const c of HA_CASES) {
  test(`real HAProxy agrees with the model: ${c.name}`, async () => {
    const { got, predicted } = await runProxy('haproxy', (p) => haConf(c.rules, c.defaults)(p), '/');
    assert.equal(!got.dash.includes('forged-dash'), c.dash, `dash spelling ${JSON.stringify(got)}`);
    assert.equal(!got.underscore.includes('forged-underscore'), c.underscore, `underscore spelling ${JSON.stringify(got)}`);
    assert.equal(predicted.dash, c.dash, 'model: dash');
    assert.equal(predicted.underscore, c.underscore, 'model: underscore');
  });
}
