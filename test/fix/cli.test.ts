// `mtls-audit fix` through the real CLI: bad input (one line, exit 2), the plan as a diff that
// `git apply` turns into exactly what --write writes (secret aside), nothing written without
// --write, a dirty git tree and existing files refused without --force, atomic writes, mode 600
// secrets, --secret-env, and a plan tailored to what the scan found.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAB_APPS, PYTHON, pythonEnv } from '../lab/harness.js';
import { REPO_ROOT, writeTree } from '../helpers/rule-tester.js';
import { cli, snapshot } from './helpers.js';

function labCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-fix-cli-'));
  cpSync(join(LAB_APPS, 'vulnerable'), join(dir, 'app'), { recursive: true });
  return join(dir, 'app');
}

function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function cleanup(app: string): void {
  rmSync(join(app, '..'), { recursive: true, force: true });
}

describe('fix: bad input', () => {
  test('a missing PATH, a file, a tree without Django settings, a bad flag: one line, exit 2', async () => {
    const tree = writeTree({ 'README.md': '# not django\n', 'tool.py': 'print("hello")\n' });
    try {
      const cases: [string[], RegExp][] = [
        [['fix', join(tree, 'nope')], /^mtls-audit: cannot read PATH .*nope: no such file or directory\n$/],
        [['fix', join(tree, 'README.md')], /^mtls-audit: PATH .*README\.md is not a directory\n$/],
        [['fix', tree], /^mtls-audit: PATH .* is not a Django project: no settings module found\n$/],
        [['fix', tree, '--secret-env', 'NOT-A-NAME'], /^mtls-audit: --secret-env NOT-A-NAME: not an environment variable name\n$/],
        [['fix', tree, '--ca', join(tree, 'missing.pem')], /^mtls-audit: --ca .*missing\.pem: no such file\n$/],
        [['fix', tree, '--proxy', 'caddy'], /^error: option '--proxy <kind>' argument 'caddy' is invalid/],
      ];
      for (const [args, re] of cases) {
        const r = await cli(args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, re, args.join(' '));
        assert.equal(r.stdout, '');
      }
      assert.deepEqual(readdirSync(tree).sort(), ['README.md', 'tool.py']);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });

  test('a file the fix would edit that does not parse: one line, exit 2, nothing written', async () => {
    const app = labCopy();
    try {
      writeFileSync(join(app, 'accounts', 'certs.py'), readFileSync(join(app, 'accounts', 'certs.py'), 'utf8') + '\ndef broken(:\n');
      const before = snapshot(app);
      for (const args of [
        ['fix', app],
        ['fix', app, '--write'],
      ]) {
        const r = await cli(args);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /^mtls-audit: cannot edit accounts\/certs\.py: syntax error: missing \) at line \d+, column \d+ \(fix it, then run fix again\)\n$/);
      }
      assert.deepEqual(snapshot(app), before);
    } finally {
      cleanup(app);
    }
  });
});

describe('fix: plan and --write', () => {
  test('the printed plan writes nothing, and `git apply` of it gives what --write writes (the secret masked)', async () => {
    const a = labCopy();
    const b = labCopy();
    try {
      const before = snapshot(a);
      const plan = await cli(['fix', a]);
      assert.equal(plan.code, 0, plan.stderr);
      assert.deepEqual(snapshot(a), before, 'plan mode writes nothing');
      assert.match(plan.stdout, /^# mtls-audit fix: plan \(apply with --write\)\n/);
      assert.match(plan.stdout, /^# {3}certificate values the project's code reads: HTTP_X_SSL_CLIENT_S_DN \(header\), HTTP_X_SSL_CLIENT_CERT \(header\)$/m);
      assert.match(plan.stdout, /^# {3}settings module: vulnerable\.settings \(vulnerable\/settings\.py\)$/m);
      assert.match(plan.stdout, /^- {4}dn = request\.META\.get\('HTTP_X_SSL_CLIENT_S_DN'\)\n\+ {4}dn = verified_cert_value\(request, 'HTTP_X_SSL_CLIENT_S_DN', 'dn'\)$/m);
      assert.match(plan.stdout, /^\+proxy_set_header X-SSL-Client-S-DN \$ssl_client_s_dn;$/m);
      assert.doesNotMatch(plan.stdout, /[0-9a-f]{64}/, 'the secret is never printed');
      const patch = join(a, '..', 'plan.diff');
      writeFileSync(patch, plan.stdout);
      git(a, 'apply', patch);
      const w = await cli(['fix', b, '--write']);
      assert.equal(w.code, 0, w.stderr);
      const secret = readFileSync(join(b, 'deploy/mtls-audit/proxy-secret'), 'utf8').trim();
      const sa = snapshot(a);
      const sb = snapshot(b);
      assert.deepEqual(Object.keys(sa).sort(), Object.keys(sb).sort());
      for (const [f, text] of Object.entries(sb)) {
        const masked = text
          .slice(text.indexOf(' ') + 1)
          .split(secret)
          .join('<provenance secret: 64 hex characters, written by --write>');
        assert.equal(sa[f].slice(sa[f].indexOf(' ') + 1), masked, f);
      }
      // Secrets are mode 600, the rest 644; no temporary file is left behind.
      for (const [f, text] of Object.entries(sb)) {
        const mode = Number.parseInt(text.slice(0, text.indexOf(' ')), 8) & 0o777;
        assert.equal(mode, text.includes(secret) ? 0o600 : 0o644, f);
        assert.doesNotMatch(f, /\.tmp$/);
      }
      assert.match(readFileSync(join(b, 'deploy/mtls-audit/.gitignore'), 'utf8'), /^proxy-secret$/m);
    } finally {
      cleanup(a);
      cleanup(b);
    }
  });

  test('a dirty git tree is refused without --force; a clean one is written; a second run changes nothing', async () => {
    const app = labCopy();
    try {
      git(app, 'init', '-q');
      git(app, 'add', '.');
      git(app, 'commit', '-qm', 'lab app');
      writeFileSync(join(app, 'accounts', 'views.py'), readFileSync(join(app, 'accounts', 'views.py'), 'utf8') + '\n# local change\n');
      const before = snapshot(app);
      const refused = await cli(['fix', app, '--write']);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /^mtls-audit: the git tree has uncommitted changes \(accounts\/views\.py\): commit or stash them first, or use --force\n$/);
      assert.deepEqual(snapshot(app), before);
      git(app, 'checkout', '--', '.');
      const ok = await cli(['fix', app, '--write']);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /^mtls-audit fix: wrote 28 file\(s\)/);
      // The tree is now dirty with the fix itself, yet a second run is a no-op, not a refusal.
      const again = await cli(['fix', app, '--write']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout, 'mtls-audit fix: nothing to change (already applied)\n');
      assert.match(git(app, 'status', '--porcelain'), /\?\? deploy\//);
      const ignored = git(app, 'status', '--porcelain', '--ignored');
      assert.match(ignored, /^!! deploy\/mtls-audit\/proxy-secret$/m, 'the secret is git-ignored');
      assert.match(ignored, /^!! deploy\/mtls-audit\/nginx\/mtls-proxy-secret\.conf$/m);
    } finally {
      cleanup(app);
    }
  });

  test('edits go through a symlinked settings module to its target and keep each file’s permissions', async () => {
    const app = labCopy();
    try {
      // settings.py -> settings_prod.py, as deployments that switch settings by link do.
      const settings = join(app, 'vulnerable', 'settings.py');
      const real = join(app, 'vulnerable', 'settings_prod.py');
      renameSync(settings, real);
      symlinkSync('settings_prod.py', settings);
      chmodSync(real, 0o640);
      const certs = join(app, 'accounts', 'certs.py');
      chmodSync(certs, 0o755);
      const before = readFileSync(real, 'utf8');
      const ok = await cli(['fix', app, '--write', '--force']);
      assert.equal(ok.code, 0, ok.stderr);
      assert.ok(lstatSync(settings).isSymbolicLink(), 'settings.py is still a link');
      assert.equal(readlinkSync(settings), 'settings_prod.py');
      const after = readFileSync(real, 'utf8');
      assert.notEqual(after, before, 'the link target was edited');
      assert.match(after, /mtls_audit_django/);
      assert.equal(statSync(real).mode & 0o777, 0o640);
      assert.notEqual(readFileSync(certs, 'utf8'), readFileSync(join(LAB_APPS, 'vulnerable', 'accounts', 'certs.py'), 'utf8'), 'certs.py was edited');
      assert.equal(statSync(certs).mode & 0o777, 0o755);
      assert.equal(statSync(join(app, 'deploy', 'mtls-audit', 'proxy-secret')).mode & 0o777, 0o600);
    } finally {
      cleanup(app);
    }
  });

  test('an existing file with other content is not overwritten without --force; nothing at all is written then', async () => {
    const app = labCopy();
    try {
      mkdirSync(join(app, 'deploy', 'mtls-audit', 'nginx'), { recursive: true });
      writeFileSync(join(app, 'deploy', 'mtls-audit', 'nginx', 'site.conf'), '# mine\n');
      const before = snapshot(app);
      const plan = await cli(['fix', app]);
      assert.match(plan.stdout, /^# would overwrite \(needs --force\): deploy\/mtls-audit\/nginx\/site\.conf$/m);
      const refused = await cli(['fix', app, '--write']);
      assert.equal(refused.code, 2);
      assert.equal(refused.stderr, 'mtls-audit: deploy/mtls-audit/nginx/site.conf exists with other content: not overwritten (use --force)\n');
      assert.deepEqual(snapshot(app), before);
      const forced = await cli(['fix', app, '--write', '--force']);
      assert.equal(forced.code, 0, forced.stderr);
      assert.match(readFileSync(join(app, 'deploy', 'mtls-audit', 'nginx', 'site.conf'), 'utf8'), /include mtls-audit\/nginx\/mtls-server\.conf;/);
    } finally {
      cleanup(app);
    }
  });

  test('--secret-env NAME: the settings read the secret from the environment; the file still feeds the proxy', async () => {
    const app = labCopy();
    try {
      const r = await cli(['fix', app, '--write', '--secret-env', 'APP_MTLS_SECRET']);
      assert.equal(r.code, 0, r.stderr);
      const settings = readFileSync(join(app, 'vulnerable', 'settings.py'), 'utf8');
      assert.match(settings, /^MTLS_PROXY_SECRET_ENV = 'APP_MTLS_SECRET'$/m);
      assert.doesNotMatch(settings, /MTLS_PROXY_SECRET_FILE/);
      const secret = readFileSync(join(app, 'deploy/mtls-audit/proxy-secret'), 'utf8').trim();
      const env = { DJANGO_SETTINGS_MODULE: 'vulnerable.settings', DJANGO_DB_PATH: join(app, 'db.sqlite3'), MTLS_CA_FILE: '/nonexistent' };
      const check = (extra: Record<string, string>) => spawnSync(PYTHON, ['manage.py', 'check', '--deploy'], { cwd: app, env: pythonEnv({ ...env, ...extra }), encoding: 'utf8' });
      assert.match(check({}).stderr, /mtls_audit_django\.E013.*APP_MTLS_SECRET/);
      assert.doesNotMatch(check({ APP_MTLS_SECRET: secret }).stderr, /E013/);
    } finally {
      cleanup(app);
    }
  });

  test('the plan follows the tree: the example’s nginx (its CA, upstream and server name) and headers', async () => {
    const r = await cli(['fix', join(REPO_ROOT, 'examples', 'vulnerable-mtls-app')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# {3}proxy: nginx \(found in the tree\); snippets for nginx$/m);
    assert.match(r.stdout, /^# {3}settings module: mtlsapp\.settings \(mtlsapp\/settings\.py\)$/m);
    assert.match(r.stdout, /^\+ssl_client_certificate \/etc\/nginx\/tls\/client-ca\.pem;$/m);
    assert.match(r.stdout, /^\+ {8}proxy_pass http:\/\/web:8000;$/m);
    assert.match(r.stdout, /^\+ {4}server_name mtls\.example\.test;$/m);
    assert.match(r.stdout, /^# {3}- deploy\/nginx\.conf:\d+ server mtls\.example\.test \(listen 443\): include mtls-audit\/nginx\/mtls-server\.conf in this server block instead of `ssl_verify_client optional_no_ca;`/m);
    assert.match(r.stdout, /^# {3}- gunicorn\.conf\.py:\d+ gunicorn binds 0\.0\.0\.0:8000/m);
    assert.match(r.stdout, /^\+ {4}return unquote\(verified_cert_value\(request, 'HTTP_X_SSL_CLIENT_CERT', 'pem', ''\)\)$/m);
    // Not on loopback (Compose service): no gunicorn.conf.py is proposed.
    assert.doesNotMatch(r.stdout, /deploy\/mtls-audit\/gunicorn\.conf\.py/);
    assert.ok(!existsSync(join(REPO_ROOT, 'examples', 'vulnerable-mtls-app', 'deploy', 'mtls-audit')));
  });

  test('snippets for every proxy kind parse with the deployment layer, with no deployment finding but Traefik’s missing CRL', async () => {
    for (const kind of ['nginx', 'haproxy', 'apache', 'envoy', 'traefik', 'ingress-nginx']) {
      const app = labCopy();
      try {
        const w = await cli(['fix', app, '--write', '--proxy', kind]);
        assert.equal(w.code, 0, `${kind}: ${w.stderr}`);
        const s = await cli(['scan', app, '--format', 'json']);
        const report = JSON.parse(s.stdout) as { findings: { ruleId: string; layer: string; location: { file?: string } }[]; errors: unknown[] };
        assert.deepEqual(report.errors, [], kind);
        const notSettings = report.findings.filter((f) => f.layer !== 'settings').map((f) => `${f.ruleId} ${f.location.file}`);
        assert.deepEqual(notSettings, kind === 'traefik' ? ['proxy-revocation-missing deploy/mtls-audit/traefik/dynamic.yml'] : [], kind);
        const files = readdirSync(join(app, 'deploy', 'mtls-audit', kind));
        assert.ok(files.length > 0, kind);
        for (const f of files) {
          const text = readFileSync(join(app, 'deploy', 'mtls-audit', kind, f), 'utf8');
          if (/[0-9a-f]{64}/.test(text)) assert.equal(statSync(join(app, 'deploy', 'mtls-audit', kind, f)).mode & 0o777, 0o600, `${kind}/${f}`);
        }
      } finally {
        cleanup(app);
      }
    }
  });
});
