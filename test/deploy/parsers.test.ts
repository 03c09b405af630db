// The config grammars: nginx tokenizer/parser, HAProxy line tokenizer and sections, Apache
// sections — values, escapes, comments, placeholders, positions, and syntax errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNginx, NgxSyntaxError } from '../../src/deploy/nginx-parse.js';
import { conditionWords } from '../../src/deploy/nginx.js';
import { parseHaproxy, tokenizeHaproxyLine, HaSyntaxError } from '../../src/deploy/haproxy.js';
import { parseApache, ApSyntaxError } from '../../src/deploy/apache.js';
import { parseYaml } from '../../src/deploy/yaml-tree.js';
import { shellWords, parseBind, uwsgiIniBinds } from '../../src/deploy/appserver.js';
import { spellings } from '../../src/deploy/facts.js';
import { wsgiKey } from '../../src/deploy/model.js';

test('nginx: directives, blocks, quoted strings with escapes, comments and positions', () => {
  const src = ['http {  # comment { not a block', '    server {', '        add_header X-A "a \\"quoted\\" {value};";', "        set $v 'single # not a comment';", '        location ~* "^/x{2}$" { return 403; }', '    }', '}'].join('\n');
  const d = parseNginx(src, 'n.conf');
  assert.equal(d.length, 1);
  const server = d[0].block![0];
  assert.equal(server.name, 'server');
  assert.equal(server.line, 2);
  assert.equal(server.column, 5);
  const add = server.block![0];
  assert.deepEqual(
    add.args.map((a) => a.value),
    ['X-A', 'a "quoted" {value};'],
  );
  assert.equal(add.args[1].line, 3);
  assert.equal(add.args[1].column, 24);
  assert.equal(server.block![1].args[1].value, 'single # not a comment');
  const loc = server.block![2];
  assert.deepEqual(
    loc.args.map((a) => a.value),
    ['~*', '^/x{2}$'],
  );
  assert.equal(loc.block![0].name, 'return');
});

test('nginx: ${VAR} envsubst placeholders and $variables do not open blocks', () => {
  const d = parseNginx('server {\n  listen ${NGINX_PORT} ssl;\n  proxy_pass http://${UPSTREAM_HOST}:8000;\n  set $x "${host}";\n}\n', 't');
  const s = d[0].block!;
  assert.equal(s[0].args[0].value, '${NGINX_PORT}');
  assert.equal(s[1].args[0].value, 'http://${UPSTREAM_HOST}:8000');
  assert.equal(s[2].args[1].value, '${host}');
});

test('nginx: a quoted string may close an if condition: `if ($v != "SUCCESS")` (nginx -t accepts it)', () => {
  const d = parseNginx('location / {\n  if ($ssl_client_verify != "SUCCESS") { return 403; }\n  if ($ssl_client_s_dn = "") { return 401; }\n}\n', 'q.conf');
  const [verify, dn] = d[0].block!;
  assert.deepEqual(
    verify.args.map((a) => a.value),
    ['($ssl_client_verify', '!=', 'SUCCESS', ')'],
  );
  assert.deepEqual(conditionWords(verify.args), ['$ssl_client_verify', '!=', 'SUCCESS']);
  assert.equal(verify.block![0].name, 'return');
  // The quoted empty string is a word of the condition, not nothing.
  assert.deepEqual(conditionWords(dn.args), ['$ssl_client_s_dn', '=', '']);
  assert.deepEqual(conditionWords(parseNginx('if ($x) { return 403; }', 'u')[0].args), ['$x']);
  assert.deepEqual(conditionWords(parseNginx('if ( $x = a ) { return 403; }', 'u')[0].args), ['$x', '=', 'a']);
});

test('nginx: OpenResty *_by_lua_block bodies are Lua, skipped to their matching brace', () => {
  const src = [
    'location / {',
    '    access_by_lua_block {',
    '        -- a comment with } and {',
    '        local t = { a = "}", b = [[ { ]] }',
    "        if ngx.var.ssl_client_verify ~= 'SUCCESS' then ngx.exit(403) end",
    '    }',
    '    proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;',
    '    proxy_pass http://127.0.0.1:8000;',
    '}',
  ].join('\n');
  const [loc] = parseNginx(src, 'lua.conf');
  assert.deepEqual(
    loc.block!.map((d) => d.name),
    ['access_by_lua_block', 'proxy_set_header', 'proxy_pass'],
  );
  assert.deepEqual(loc.block![0].block, []);
  assert.equal(loc.block![1].line, 7);
  assert.throws(() => parseNginx('content_by_lua_block {\n  local x = 1\n', 'bad'), NgxSyntaxError);
});

test('uWSGI ini: %(option) placeholders expand from the section, wherever the option is set', () => {
  const binds = uwsgiIniBinds('u.ini', '[uwsgi]\nsocket = /run/%(project)/app.sock\nproject = shop\nhttp = :%(port)\nport = 8000\nhttps = %(missing),cert.pem\n');
  assert.deepEqual(
    binds!.map((b) => b.spec),
    ['/run/shop/app.sock', ':8000', '%(missing)'],
  );
});

test('nginx: syntax errors name the line', () => {
  const cases: [string, RegExp][] = [
    ['server {\n  listen 80;\n', /unexpected end of file, expecting "}" at line 1/],
    ['server { listen 80; }\n}\n', /unexpected "}" at line 2/],
    ['server {\n  add_header X "unterminated;\n}\n', /unterminated double-quoted string at line 2/],
    ['listen 80', /expecting ";"/],
    ['server { listen 80 }', /unexpected "}" after "listen"/],
    // nginx: unexpected "}" — only whitespace, ';', '{' and ')' may follow a closing quote.
    ['server { add_header X "a"} }', /unexpected "}" after a quoted string at line 1/],
  ];
  for (const [src, re] of cases) {
    assert.throws(
      () => parseNginx(src, 'bad.conf'),
      (e: unknown) => e instanceof NgxSyntaxError && re.test(e.message),
      src,
    );
  }
});

test('HAProxy: words, quotes, escapes, comments, sections', () => {
  const w = tokenizeHaproxyLine('    http-request set-header X-Cert "%[ssl_c_der,base64]" if { ssl_c_used } # trailing', 1);
  assert.deepEqual(
    w.map((x) => x.value),
    ['http-request', 'set-header', 'X-Cert', '%[ssl_c_der,base64]', 'if', '{', 'ssl_c_used', '}'],
  );
  assert.equal(w[0].column, 5);
  assert.deepEqual(
    tokenizeHaproxyLine("acl a hdr(x) -m str 'a b' \\#c", 1).map((x) => x.value),
    ['acl', 'a', 'hdr(x)', '-m', 'str', 'a b', '#c'],
  );
  const secs = parseHaproxy('global\n  maxconn 10\n\nfrontend fe\n  bind :443 ssl crt /x.pem verify required\n  default_backend be\nbackend be\n  server s1 127.0.0.1:8000\n');
  assert.deepEqual(
    secs.map((s) => `${s.kind}:${s.name}:${s.line.line}`),
    ['global::1', 'frontend:fe:4', 'backend:be:7'],
  );
  assert.throws(
    () => parseHaproxy('frontend fe\n  http-request set-header X "oops\n'),
    (e: unknown) => e instanceof HaSyntaxError && /line 2/.test(e.message),
  );
  assert.throws(() => parseHaproxy('  bind :80\n'), HaSyntaxError);
});

test('Apache: a section whose arguments contain ">" ends at the last ">" (<IfVersion >= 2.4>, <If "… != …">)', () => {
  const d = parseApache('<IfVersion >= 2.4>\n  <If "%{SSL_CLIENT_VERIFY} != \'SUCCESS\'">\n    Require all denied\n  </If>\n  SSLVerifyClient require\n</IfVersion>\n', 'v.conf');
  assert.equal(d[0].name, 'IfVersion');
  assert.deepEqual(d[0].args, ['>=', '2.4']);
  assert.equal(d[0].block![0].name, 'If');
  assert.equal(d[0].block![1].name, 'SSLVerifyClient');
});

test('Apache: nested sections, continuations, quoted args, unbalanced tags', () => {
  const d = parseApache('<IfModule mod_ssl.c>\n<VirtualHost *:443>\n  RequestHeader set X-Cert \\\n     "%{SSL_CLIENT_CERT}s"\n  <Location /api>\n    SSLVerifyClient require\n  </Location>\n</VirtualHost>\n</IfModule>\n', 'a.conf');
  const vh = d[0].block![0];
  assert.equal(vh.name, 'VirtualHost');
  assert.deepEqual(vh.block![0].args, ['set', 'X-Cert', '%{SSL_CLIENT_CERT}s']);
  assert.equal(vh.block![0].line, 3);
  assert.equal(vh.block![1].block![0].name, 'SSLVerifyClient');
  assert.throws(
    () => parseApache('<VirtualHost *:443>\n  SSLEngine on\n', 'a'),
    (e: unknown) => e instanceof ApSyntaxError && /never closed/.test(e.message),
  );
  assert.throws(() => parseApache('<VirtualHost *:443>\n</Location>\n', 'a'), ApSyntaxError);
});

test('YAML: multi-document with positions; syntax errors with a line', () => {
  const y = parseYaml('a: 1\n---\nkind: Service\nspec:\n  type: NodePort\n');
  assert.equal(y.docs.length, 2);
  const spec = y.docs[1].kind === 'map' ? y.docs[1].entries.get('spec')! : null;
  assert.equal(spec?.keyLine, 4);
  const bad = parseYaml('services:\n  web:\n    ports: [8000\n');
  assert.ok(bad.errors.length > 0);
});

test('command lines and binds', () => {
  assert.deepEqual(shellWords(`sh -c "gunicorn app.wsgi --bind 0.0.0.0:\${PORT}" && echo 'x y'`), ['sh', '-c', 'gunicorn app.wsgi --bind 0.0.0.0:${PORT}', '&&', 'echo', 'x y']);
  assert.deepEqual(parseBind('uwsgi', ':8000'), { host: '0.0.0.0', port: 8000 });
  assert.deepEqual(parseBind('gunicorn', 'unix:/run/app.sock'), { unix: '/run/app.sock' });
  assert.deepEqual(parseBind('runserver', '8000'), { host: '127.0.0.1', port: 8000 });
  assert.deepEqual(parseBind('runserver', '0:8000'), { host: '0.0.0.0', port: 8000 });
  assert.deepEqual(parseBind('gunicorn', '[::]:8000'), { host: '::', port: 8000 });
});

test('WSGI key normalisation and the spellings a proxy must cover', () => {
  assert.equal(wsgiKey('X-SSL-Client-Cert'), 'HTTP_X_SSL_CLIENT_CERT');
  assert.equal(wsgiKey('X_SSL_Client_Cert'), 'HTTP_X_SSL_CLIENT_CERT');
  const s = spellings('HTTP_X_SSL_CLIENT_CERT');
  assert.equal(s.dash, 'X-SSL-Client-Cert');
  assert.ok(s.underscore.includes('X_SSL_Client_Cert'));
  assert.ok(s.underscore.includes('X-SSL_Client-Cert'));
  assert.ok(s.underscore.every((u) => wsgiKey(u) === 'HTTP_X_SSL_CLIENT_CERT'));
});
