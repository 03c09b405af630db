// The deployment model built from whole trees: what each reader extracts (verify modes, CA/CRL,
// headers, enforcement, underscores, upstreams, app-server exposure), include resolution,
// templates, and malformed configs reported in `errors` while the scan goes on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { writeTree, scanFiles } from '../helpers/rule-tester.js';
import { discover } from '../../src/scan/discover.js';
import { getPythonParser } from '../../src/python/parser.js';
import { buildDeployment } from '../../src/deploy/build.js';
import type { DeploymentModel, EntryPoint } from '../../src/deploy/model.js';
import type { InputError } from '../../src/core/types.js';

async function deployOf(files: Record<string, string>): Promise<DeploymentModel & { allErrors: InputError[] }> {
  const dir = writeTree(files);
  try {
    const { files: found } = discover(dir);
    const errors: InputError[] = [];
    const parser = await getPythonParser();
    const m = buildDeployment(
      dir,
      found.filter((f) => f.kind === 'config'),
      errors,
      { parser, allFiles: found },
    );
    return Object.assign(m, { allErrors: errors });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const hdr = (ep: EntryPoint, name: string) => ep.headers.find((h) => h.name.toLowerCase() === name.toLowerCase());

test('nginx: includes (relative glob, absolute path by suffix) are expanded once; proxy_set_header inheritance', async () => {
  const m = await deployOf({
    'deploy/nginx/nginx.conf': `
      events {}
      http {
          include /etc/nginx/conf.d/*.conf;
      }
    `,
    'deploy/nginx/conf.d/app.conf': `
      server {
          listen 443 ssl;
          ssl_verify_client on;
          ssl_client_certificate /etc/nginx/ca.pem;
          include snippets/headers.conf;
          location / { proxy_pass http://127.0.0.1:8000; }
          location /api/ {
              proxy_set_header Host $host;
              proxy_pass http://127.0.0.1:8000;
          }
      }
    `,
    'deploy/nginx/conf.d/snippets/headers.conf': `
      proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
    `,
  });
  assert.deepEqual(m.allErrors, []);
  assert.equal(m.entryPoints.length, 2, m.entryPoints.map((e) => e.name).join('\n'));
  const [root, api] = m.entryPoints;
  assert.equal(root.verify, 'on');
  assert.equal(root.caFile, '/etc/nginx/ca.pem');
  assert.equal(hdr(root, 'X-SSL-Client-Cert')?.source, '$ssl_client_escaped_cert');
  assert.equal(hdr(root, 'X-SSL-Client-Cert')?.site.file, 'deploy/nginx/conf.d/snippets/headers.conf');
  assert.equal(hdr(api, 'X-SSL-Client-Cert'), undefined, 'a location with its own proxy_set_header inherits none');
  assert.ok(hdr(api, 'Host'));
  assert.equal(root.passesUnderscoreHeaders, false);
  assert.equal(root.upstreamSite?.line, 6);
});

test('nginx: verify enforcement through if and map, in either polarity; upstream blocks', async () => {
  const m = await deployOf({
    'nginx.conf': `
      events {}
      http {
          map $ssl_client_verify $cert_ok { SUCCESS 1; default 0; }
          upstream django { server 127.0.0.1:8000; server 127.0.0.1:8001; }
          server {
              listen 443 ssl;
              ssl_verify_client optional;
              location /a/ { if ($cert_ok = 0) { return 403; } proxy_pass http://django; }
              location /b/ { if ($ssl_client_verify = NONE) { return 401; } proxy_pass http://django; }
              location /c/ { if ($ssl_client_verify = SUCCESS) { return 403; } proxy_pass http://django; }
              location /d/ { proxy_set_header X-Verify $ssl_client_verify; proxy_pass http://django; }
          }
      }
    `,
  });
  const by = (p: string) => m.entryPoints.find((e) => e.name.includes(`location ${p}`))!;
  assert.equal(by('/a/').verifyEnforced, true);
  assert.equal(by('/b/').verifyEnforced, true);
  assert.equal(by('/c/').verifyEnforced, false, 'refusing SUCCESS enforces nothing');
  assert.equal(by('/d/').verifyEnforced, false);
  assert.equal(by('/d/').verifyForwarded?.name, 'X-Verify');
  assert.deepEqual(by('/a/').upstreamTargets, ['127.0.0.1:8000', '127.0.0.1:8001']);
});

test('nginx: *.conf.template with envsubst placeholders is read; a Jinja template that does not parse is skipped quietly', async () => {
  const m = await deployOf({
    'templates/default.conf.template': `
      server {
          listen \${NGINX_PORT} ssl;
          ssl_verify_client \${VERIFY_MODE};
          underscores_in_headers on;
          location / { proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert; proxy_pass http://\${APP_HOST}:8000; }
      }
    `,
    'templates/site.conf.j2': `
      server {
      {% if mtls %}
          ssl_verify_client on;
      {% endif %}
          location / { proxy_pass http://app; }
    `,
  });
  assert.deepEqual(m.allErrors, []);
  assert.equal(m.entryPoints.length, 1);
  assert.equal(m.entryPoints[0].verify, 'unknown');
  assert.equal(m.entryPoints[0].passesUnderscoreHeaders, true);
  assert.equal(m.entryPoints[0].reachesApp, true);
});

test('HAProxy: bind options, header actions in order, named-ACL enforcement, underscore restriction, backends', async () => {
  const m = await deployOf({
    'haproxy/haproxy.cfg': `
      defaults
          mode http
          option http-restrict-req-hdr-names delete
      frontend fe
          bind :443 ssl crt /etc/ssl/server.pem ca-file /etc/ssl/ca.pem crl-file /etc/ssl/ca.crl verify optional
          bind :8443 ssl crt /etc/ssl/server.pem ca-file /etc/ssl/ca.pem verify required
          acl has_cert ssl_c_used
          http-request deny if !has_cert
          http-request del-header X-SSL-Client-S-DN
          http-request add-header X-Forwarded-Cert %[ssl_c_der,base64]
          http-request set-header X-SSL-Client-Verify %[ssl_c_verify]
          use_backend api if { path_beg /api }
          default_backend web
      backend web
          server w1 127.0.0.1:8000 check
      backend api
          http-request set-header X-SSL-Client-Cert %{+Q}[ssl_c_der,base64]
          server a1 unix@/run/api.sock
    `,
  });
  assert.deepEqual(m.allErrors, []);
  assert.equal(m.entryPoints.length, 4);
  const e443web = m.entryPoints.find((e) => e.name.includes('bind :443') && e.name.includes('backend web'))!;
  assert.equal(e443web.verify, 'optional');
  assert.equal(e443web.verifyEnforced, true);
  assert.equal(e443web.enforceSite?.line, 8);
  assert.ok(e443web.crl);
  assert.equal(e443web.passesUnderscoreHeaders, false);
  assert.equal(hdr(e443web, 'X-Forwarded-Cert')?.overwrites, false);
  assert.equal(hdr(e443web, 'X-SSL-Client-S-DN')?.action, 'remove');
  assert.equal(e443web.verifyForwarded?.name, 'X-SSL-Client-Verify');
  assert.deepEqual(e443web.upstreamTargets, ['127.0.0.1:8000']);
  const e8443api = m.entryPoints.find((e) => e.name.includes('bind :8443') && e.name.includes('backend api'))!;
  assert.equal(e8443api.verify, 'on');
  assert.equal(e8443api.crl, undefined);
  assert.equal(hdr(e8443api, 'X-SSL-Client-Cert')?.overwrites, true);
  assert.equal(hdr(e443web, 'X-SSL-Client-Cert'), undefined);
});

test('Apache: vhost verify, CRL only with SSLCARevocationCheck, RequestHeader actions, mod_wsgi environ', async () => {
  const m = await deployOf({
    'apache2/sites-available/app.conf': `
      <VirtualHost *:443>
          SSLEngine on
          SSLVerifyClient require
          SSLCACertificateFile /etc/ssl/ca.pem
          SSLCARevocationFile /etc/ssl/ca.crl
          SSLCARevocationCheck chain
          SSLOptions +StdEnvVars +ExportCertData
          RequestHeader unset X-SSL-Client-Cert
          RequestHeader set X-SSL-Client-S-DN "%{SSL_CLIENT_S_DN}s"
          WSGIDaemonProcess app python-path=/srv/app
          WSGIScriptAlias / /srv/app/app/wsgi.py
          <Location /legacy>
              SSLVerifyClient optional
              ProxyPass http://127.0.0.1:9000/
          </Location>
      </VirtualHost>
    `,
  });
  assert.deepEqual(m.allErrors, []);
  const wsgi = m.entryPoints.find((e) => e.inProcess)!;
  assert.equal(wsgi.verify, 'on');
  assert.ok(wsgi.crl);
  assert.equal(wsgi.passesUnderscoreHeaders, false);
  const env = wsgi.headers.find((h) => h.wsgiKey === 'SSL_CLIENT_CERT');
  assert.ok(env?.environ && env.coversAllSpellings);
  assert.equal(hdr(wsgi, 'X-SSL-Client-Cert')?.action, 'remove');
  const legacy = m.entryPoints.find((e) => e.name.includes('/legacy'))!;
  assert.equal(legacy.verify, 'optional');
  assert.equal(legacy.passesUnderscoreHeaders, true);
});

test('Envoy: TLS context, XFCC mode, underscore action, header append semantics, clusters', async () => {
  const m = await deployOf({
    'envoy/envoy.yaml': `
      static_resources:
        listeners:
          - name: https
            filter_chains:
              - transport_socket:
                  name: envoy.transport_sockets.tls
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                    require_client_certificate: true
                    common_tls_context:
                      validation_context:
                        trusted_ca: { filename: /etc/envoy/ca.pem }
                        crl: { filename: /etc/envoy/ca.crl }
                filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      forward_client_cert_details: APPEND_FORWARD
                      route_config:
                        request_headers_to_add:
                          - header: { key: X-A, value: "%DOWNSTREAM_PEER_SUBJECT%" }
                            append: false
                        virtual_hosts:
                          - name: app
                            domains: ["*"]
                            request_headers_to_add:
                              - header: { key: X-B, value: "%DOWNSTREAM_PEER_FINGERPRINT_256%" }
                                append_action: ADD_IF_ABSENT
                            routes:
                              - match: { prefix: "/" }
                                route: { cluster: django }
        clusters:
          - name: django
            load_assignment:
              endpoints:
                - lb_endpoints:
                    - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 8000 } } }
    `,
  });
  assert.deepEqual(m.allErrors, []);
  const [ep] = m.entryPoints;
  assert.equal(ep.kind, 'envoy');
  assert.equal(ep.verify, 'on');
  assert.ok(ep.crl);
  assert.equal(ep.xfcc?.mode, 'APPEND_FORWARD');
  assert.equal(hdr(ep, 'x-forwarded-client-cert')?.action, 'append');
  assert.equal(hdr(ep, 'X-A')?.overwrites, true);
  assert.equal(hdr(ep, 'X-B')?.action, 'add-if-absent');
  assert.equal(ep.passesUnderscoreHeaders, true);
  assert.deepEqual(ep.upstreamTargets, ['127.0.0.1:8000']);
});

test('Traefik: dynamic YAML + TOML options across files, Docker labels in Compose', async () => {
  const m = await deployOf({
    'traefik/dynamic.toml': `
      [tls.options.default.clientAuth]
        caFiles = ["/ca.pem"]
        clientAuthType = "RequireAndVerifyClientCert"
    `,
    'traefik/routers.yml': `
      http:
        routers:
          app:
            rule: Host(\`a\`)
            service: app
            middlewares: [cert@file]
            tls: {}
        middlewares:
          cert:
            passTLSClientCert:
              pem: true
        services:
          app:
            loadBalancer:
              servers:
                - url: http://127.0.0.1:8000
    `,
    'docker-compose.yml': `
      services:
        api:
          image: example/api
          command: gunicorn api.wsgi -b 0.0.0.0:9000
          labels:
            - traefik.http.routers.api.rule=Host(\`api\`)
            - traefik.http.routers.api.tls.options=optional@file
            - traefik.http.routers.api.middlewares=apicert
            - traefik.http.middlewares.apicert.passtlsclientcert.pem=true
            - traefik.http.services.api.loadbalancer.server.port=9000
    `,
    'traefik/optional.yml': `
      tls:
        options:
          optional:
            clientAuth:
              clientAuthType: VerifyClientCertIfGiven
    `,
  });
  assert.deepEqual(m.allErrors, []);
  const app = m.entryPoints.find((e) => e.name === 'router app')!;
  assert.equal(app.verify, 'on');
  assert.equal(app.caFile, '/ca.pem');
  assert.equal(hdr(app, 'X-Forwarded-Tls-Client-Cert')?.overwrites, true);
  const api = m.entryPoints.find((e) => e.name === 'router api')!;
  assert.equal(api.verify, 'optional');
  assert.equal(hdr(api, 'X-Forwarded-Tls-Client-Cert')?.overwrites, false, 'set only when a certificate was presented');
  assert.deepEqual(api.upstreamTargets, ['api:9000']);
  assert.equal(api.reachesApp, true);
});

test('Traefik: caFiles without clientAuthType means RequireAndVerifyClientCert (Traefik sets it when CA files are given)', async () => {
  const m = await deployOf({
    'traefik/dynamic.yml': `
      http:
        routers:
          app:
            rule: Host(\`a\`)
            service: app
            middlewares: [cert]
            tls:
              options: pinned
        middlewares:
          cert:
            passTLSClientCert:
              pem: true
        services:
          app:
            loadBalancer:
              servers:
                - url: http://127.0.0.1:8000
      tls:
        options:
          pinned:
            clientAuth:
              caFiles:
                - /etc/traefik/clients-ca.pem
          plain:
            minVersion: VersionTLS12
    `,
  });
  assert.deepEqual(m.allErrors, []);
  const app = m.entryPoints.find((e) => e.name === 'router app')!;
  assert.equal(app.verify, 'on');
  assert.equal(app.verifyEnforced, true);
  assert.equal(app.caFile, '/etc/traefik/clients-ca.pem');
  assert.equal(hdr(app, 'X-Forwarded-Tls-Client-Cert')?.overwrites, true, 'a certificate is always presented');
});

test('Kubernetes: multi-document manifests, Service types, ingress annotations and configuration-snippet', async () => {
  const m = await deployOf({
    'k8s/all.yaml': `
      apiVersion: apps/v1
      kind: Deployment
      metadata: { name: web }
      spec:
        template:
          metadata: { labels: { app: web } }
          spec:
            containers:
              - name: web
                image: x
                args: ["gunicorn", "app.wsgi", "--bind=0.0.0.0:8000"]
      ---
      apiVersion: v1
      kind: Service
      metadata: { name: web }
      spec:
        selector: { app: web }
        ports: [{ port: 80, targetPort: 8000 }]
      ---
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: web
        annotations:
          nginx.ingress.kubernetes.io/auth-tls-secret: default/ca
          nginx.ingress.kubernetes.io/auth-tls-verify-client: "optional"
          nginx.ingress.kubernetes.io/configuration-snippet: |
            proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
            if ($ssl_client_verify != SUCCESS) { return 403; }
      spec:
        defaultBackend: { service: { name: web, port: { number: 80 } } }
    `,
  });
  assert.deepEqual(m.allErrors, []);
  assert.equal(m.appServers.length, 1);
  assert.equal(m.appServers[0].exposure, 'cluster');
  const ing = m.entryPoints[0];
  assert.equal(ing.kind, 'ingress-nginx');
  assert.equal(ing.verify, 'optional');
  assert.equal(ing.verifyEnforced, true);
  assert.equal(ing.enforceSite?.line, 29);
  assert.equal(hdr(ing, 'X-SSL-Client-Cert')?.site.line, 28);
  assert.equal(hdr(ing, 'ssl-client-verify')?.overwrites, true);
  assert.equal(ing.reachesApp, true);
});

test('Kubernetes: one document that does not parse (a CRD with an under-indented quoted rule) costs that document only', async () => {
  const m = await deployOf({
    'k8s/all.yaml': `
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: { name: things.example.com }
      spec:
        validations:
          - rule: 'self.all(p1, p1.kind
        == p2.kind)'
      ---
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: web
        annotations:
          nginx.ingress.kubernetes.io/auth-tls-secret: default/ca
          nginx.ingress.kubernetes.io/auth-tls-verify-client: "on"
      spec:
        defaultBackend: { service: { name: web, port: { number: 80 } } }
    `,
  });
  assert.equal(m.allErrors.length, 1);
  assert.match(m.allErrors[0].message, /^YAML syntax error at line \d+, column \d+: .*; 1 of 2 documents skipped, the others read$/);
  assert.equal(m.entryPoints.length, 1);
  assert.equal(m.entryPoints[0].kind, 'ingress-nginx');
  assert.equal(m.entryPoints[0].verify, 'on');
});

test('app servers: gunicorn conf.py (-c and default), $PORT, uWSGI ini socket, runserver default, systemd, Compose network_mode host', async () => {
  const m = await deployOf({
    'svc/gunicorn.conf.py': 'import os\nbind = ["unix:/run/app.sock", os.getenv("EXTRA_BIND", "127.0.0.1:8001")]\n',
    'svc/app.service': '[Service]\nExecStart=/venv/bin/gunicorn -c /srv/svc/gunicorn.conf.py app.wsgi\n',
    Procfile: 'web: gunicorn app.wsgi\nworker: celery -A app worker\ndev: python manage.py runserver\n',
    'uwsgi.ini': '[uwsgi]\nsocket = /run/uwsgi.sock\n',
    'heroku/Procfile': 'web: gunicorn app.wsgi --workers 2 --log-file - --bind 0.0.0.0:$PORT\n',
  });
  const binds = m.appServers.map((a) => `${a.kind} ${a.bind} ${a.exposure} ${a.site.file}:${a.site.line}`).sort();
  assert.deepEqual(binds, [
    'gunicorn 0.0.0.0:$PORT all-interfaces heroku/Procfile:1',
    'gunicorn 127.0.0.1:8000 loopback Procfile:1',
    'gunicorn 127.0.0.1:8001 loopback svc/gunicorn.conf.py:2',
    'gunicorn unix:/run/app.sock unix svc/gunicorn.conf.py:2',
    'runserver 127.0.0.1:8000 loopback Procfile:3',
    'uwsgi /run/uwsgi.sock unix uwsgi.ini:2',
  ]);
  const host = await deployOf({
    'docker-compose.yml': 'services:\n  web:\n    image: app\n    network_mode: host\n    command: ["gunicorn", "app.wsgi", "--bind", "0.0.0.0:8000"]\n',
  });
  assert.equal(host.appServers[0].exposure, 'all-interfaces');
});

test('app servers: granian, hypercorn, uvicorn, daphne and waitress binds and defaults', async () => {
  const m = await deployOf({
    Procfile:
      [
        'web: granian --interface wsgi --host 0.0.0.0 --port 8000 paperless.wsgi:application',
        'asgi: hypercorn --bind unix:/run/app.sock app.asgi:application',
        'api: uvicorn app.asgi:application --uds /run/api.sock',
        'ws: daphne -b 0.0.0.0 -p 9001 app.asgi:application',
        'legacy: waitress-serve --listen=127.0.0.1:8081 app.wsgi:application',
        'plain: waitress-serve app.wsgi:application',
        'local: granian --interface asgi app.asgi:application',
      ].join('\n') + '\n',
  });
  const binds = m.appServers.map((a) => `${a.kind} ${a.bind} ${a.exposure} ${a.mapsUnderscoreHeaders}`).sort();
  assert.deepEqual(binds, [
    'daphne 0.0.0.0:9001 all-interfaces false', // Daphne skips header names with underscores when it builds the ASGI scope
    'granian 0.0.0.0:8000 all-interfaces true',
    'granian 127.0.0.1:8000 loopback true',
    'hypercorn unix:/run/app.sock unix true',
    'uvicorn unix:/run/api.sock unix true',
    'waitress 0.0.0.0:8080 all-interfaces false',
    'waitress 127.0.0.1:8081 loopback false',
  ]);
});

test('routes whose concrete upstream is no known app server do not reach the app', async () => {
  const m = await deployOf({
    'nginx.conf': 'events {}\nhttp { server { listen 80; location / { proxy_pass http://127.0.0.1:8000; } location /metrics { proxy_pass http://127.0.0.1:9090; } location /dyn { proxy_pass http://$backend; } } }\n',
    'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n',
  });
  const reach = Object.fromEntries(m.entryPoints.map((e) => [e.name.split('> ').pop(), e.reachesApp]));
  assert.deepEqual(reach, { 'location /': true, 'location /metrics': false, 'location /dyn': true });
});

test('malformed configs are reported in errors with their file, and the rest of the scan goes on', async () => {
  const view = `
    from django.http import JsonResponse

    def whoami(request):
        cert = request.META.get('HTTP_X_SSL_CLIENT_CERT')
        if not cert:
            return JsonResponse({'error': 'no cert'}, status=401)
        return JsonResponse({'authenticated': True})
  `;
  const report = await scanFiles({
    'app/views.py': view,
    'deploy/broken-nginx.conf': 'http {\n  server {\n    listen 443 ssl;\n    location / { proxy_pass http://127.0.0.1:8000;\n}\n',
    'deploy/broken-quote.conf': 'server {\n  add_header X "unterminated;\n}\n',
    'deploy/haproxy.cfg': 'frontend fe\n    bind :443 ssl crt /x.pem\n    http-request set-header X "oops\n    default_backend be\nbackend be\n    server s 127.0.0.1:8000\n',
    'docker-compose.yml': 'services:\n  web:\n    ports: ["8000:8000"\n',
    'traefik.toml': '[http.routers.app\nrule = "x"\n',
    'apache2/site.conf': '<VirtualHost *:443>\n  SSLVerifyClient require\n',
    'k8s/bad.yaml': 'apiVersion: v1\nkind: Service\nspec:\n  type: [NodePort\n',
    'deploy/good-nginx.conf': 'server {\n  listen 443 ssl;\n  ssl_verify_client optional_no_ca;\n  location / { proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert; proxy_pass http://127.0.0.1:8000; }\n}\n',
  });
  const byFile = new Map(report.errors.map((e) => [e.file, e.message]));
  assert.match(byFile.get('deploy/broken-nginx.conf') ?? '', /nginx configuration syntax error: unexpected end of file.*line 2/);
  assert.match(byFile.get('deploy/broken-quote.conf') ?? '', /unterminated double-quoted string at line 2/);
  assert.match(byFile.get('deploy/haproxy.cfg') ?? '', /HAProxy configuration syntax error: unmatched double quote at line 3/);
  assert.match(byFile.get('docker-compose.yml') ?? '', /YAML syntax error/);
  assert.match(byFile.get('traefik.toml') ?? '', /TOML syntax error/);
  assert.match(byFile.get('apache2/site.conf') ?? '', /<VirtualHost> is never closed/);
  assert.match(byFile.get('k8s/bad.yaml') ?? '', /YAML syntax error/);
  const ids = report.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`);
  assert.ok(ids.includes('proxy-verify-optional-no-ca deploy/good-nginx.conf:3'), ids.join('\n'));
  assert.ok(
    ids.some((i) => i.startsWith('cert-presence-only app/views.py')),
    ids.join('\n'),
  );
});

test('Compose: an override file adds ports to the service its base file runs', async () => {
  const m = await deployOf({
    'docker-compose.yml': 'services:\n  web:\n    command: gunicorn app.wsgi --bind 0.0.0.0:8000\n    expose: ["8000"]\n',
    'docker-compose.override.yml': 'services:\n  web:\n    ports:\n      - "8000:8000"\n',
  });
  assert.equal(m.appServers.length, 1);
  assert.equal(m.appServers[0].exposure, 'published');
  assert.equal(m.appServers[0].exposureSites[0].file, 'docker-compose.override.yml');
});

test('Envoy: combined_validation_context and SDS validation contexts carry the CA; a default_filter_chain is another way in', async () => {
  const m = await deployOf({
    'envoy/envoy.yaml': `
      static_resources:
        secrets:
          - name: clients-ca
            validation_context:
              trusted_ca: { filename: /etc/envoy/clients-ca.pem }
              crl: { filename: /etc/envoy/clients-ca.crl }
        listeners:
          - name: combined
            filter_chains:
              - transport_socket:
                  name: envoy.transport_sockets.tls
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                    require_client_certificate: true
                    common_tls_context:
                      combined_validation_context:
                        default_validation_context:
                          match_typed_subject_alt_names: []
                        validation_context_sds_secret_config: { name: clients-ca }
                filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      forward_client_cert_details: SANITIZE_SET
                      route_config:
                        virtual_hosts:
                          - name: app
                            domains: ["*"]
                            request_headers_to_add:
                              - header: { key: X-Client-Cert, value: "%DOWNSTREAM_PEER_CERT%" }
                                append_action: OVERWRITE_IF_EXISTS_OR_ADD
                            routes:
                              - match: { prefix: "/" }
                                route: { cluster: django }
          - name: remote-sds
            filter_chains:
              - transport_socket:
                  name: envoy.transport_sockets.tls
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                    require_client_certificate: true
                    common_tls_context:
                      validation_context_sds_secret_config:
                        name: spiffe://example.org
                        sds_config: { ads: {} }
                filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      forward_client_cert_details: SANITIZE_SET
                      route_config:
                        virtual_hosts:
                          - name: app
                            domains: ["*"]
                            request_headers_to_add:
                              - header: { key: X-Client-Cert, value: "%DOWNSTREAM_PEER_CERT%" }
                                append_action: OVERWRITE_IF_EXISTS_OR_ADD
                            routes:
                              - match: { prefix: "/" }
                                route: { cluster: django }
            default_filter_chain:
              filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      forward_client_cert_details: SANITIZE_SET
                      route_config:
                        virtual_hosts:
                          - name: app
                            domains: ["*"]
                            request_headers_to_add:
                              - header: { key: X-Client-Cert, value: "%DOWNSTREAM_PEER_CERT%" }
                                append_action: OVERWRITE_IF_EXISTS_OR_ADD
                            routes:
                              - match: { prefix: "/" }
                                route: { cluster: django }
        clusters:
          - name: django
            load_assignment:
              endpoints:
                - lb_endpoints:
                    - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 8000 } } }
    `,
  });
  assert.deepEqual(m.allErrors, []);
  const byName = (re: RegExp) => m.entryPoints.filter((e) => re.test(e.name));
  const [combined] = byName(/^listener combined /);
  assert.equal(combined.verify, 'on', 'the CA comes from the SDS secret of the combined context');
  assert.equal(combined.caFile, '/etc/envoy/clients-ca.pem');
  assert.ok(combined.crl, 'the CRL comes with it');
  const remote = byName(/^listener remote-sds /);
  assert.equal(remote.length, 2, 'the filter chain and the default filter chain');
  const [viaSds, fallback] = [remote.find((e) => !/default filter chain/.test(e.name))!, remote.find((e) => /default filter chain/.test(e.name))!];
  assert.equal(viaSds.verify, 'on', 'an SDS validation context served elsewhere still names a CA');
  assert.match(viaSds.caFile ?? '', /SDS secret spiffe/);
  assert.equal(viaSds.crl, undefined);
  assert.equal(viaSds.crlUnknown, true, 'whether that secret has a CRL is unknown');
  assert.equal(fallback.verify, 'off', 'the default filter chain has no TLS context');
});

test('Envoy configuration written as JSON is read', async () => {
  const m = await deployOf({
    'envoy/envoy.json': JSON.stringify(
      {
        static_resources: {
          listeners: [
            {
              name: 'https',
              filter_chains: [
                {
                  filters: [
                    {
                      name: 'envoy.filters.network.http_connection_manager',
                      typed_config: { forward_client_cert_details: 'FORWARD_ONLY', route_config: { virtual_hosts: [{ name: 'a', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'app' } }] }] } },
                    },
                  ],
                },
              ],
            },
          ],
        },
      },
      null,
      2,
    ),
  });
  assert.equal(m.entryPoints.length, 1);
  assert.equal(m.entryPoints[0].xfcc?.mode, 'FORWARD_ONLY');
});
