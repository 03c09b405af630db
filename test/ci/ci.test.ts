// The CI integrations: the GitHub Actions example (docs/ci/github-actions.yml) and the pre-commit
// hook definition (.pre-commit-hooks.yaml). Both parse and have the keys their consumers need, and
// their commands really run: the workflow's `run:` steps execute under bash -eo pipefail (as on a
// GitHub runner) in a copy of a checkout, with `mtls-audit` on PATH pointing at this repository's
// CLI; the hook's entry runs as pre-commit runs it (split into words, no shell, repository root as
// working directory). Exit codes, the SARIF they write (checked with sarif-multitool, the validator
// GitHub documents) and the upload conditions are checked.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, parseDocument } from 'yaml';
import { CLI, MEDIUM_ONLY, REPO_ROOT, VULN_VIEW, makeTree, removeTree } from '../cli/helpers.js';
import { validateSarif } from '../report/helpers.js';

const WORKFLOW = join(REPO_ROOT, 'docs', 'ci', 'github-actions.yml');
const HOOKS = join(REPO_ROOT, '.pre-commit-hooks.yaml');
const EXAMPLE = join(REPO_ROOT, 'examples', 'vulnerable-mtls-app');
const PKG = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string>; engines: { node: string } };

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number>;
}

interface Workflow {
  name: string;
  on: { push?: unknown; pull_request?: unknown };
  permissions?: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; permissions?: Record<string, string>; steps: Step[] }>;
}

/** A directory holding an `mtls-audit` executable that runs this repository's CLI. */
let shimDir: string;

before(() => {
  shimDir = mkdtempSync(join(tmpdir(), 'mtls-audit-shim-'));
  const shim = join(shimDir, Object.keys(PKG.bin)[0]);
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(shim, 0o755);
});

after(() => rmSync(shimDir, { recursive: true, force: true }));

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, PATH: `${shimDir}:${process.env.PATH ?? ''}` };
  delete e.MTLS_AUDIT_STATS;
  delete e.MTLS_AUDIT_DEBUG;
  return e;
}

/** Runs a workflow `run:` script as a GitHub runner does (`bash --noprofile --norc -eo pipefail`). */
function runStep(script: string, cwd: string): { code: number | null; out: string } {
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env: env(), encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The value of `--output` in a command line. */
function outputOf(cmd: string): string {
  const m = /--output\s+(\S+)/.exec(cmd);
  assert.ok(m, `--output in ${cmd}`);
  return m[1];
}

/** `if:` conditions of the form `always() && hashFiles('F') != ''`: true when F exists. */
function condition(cond: string | undefined, cwd: string): boolean {
  if (!cond) return true;
  assert.match(cond, /^always\(\)( && hashFiles\('([^']+)'\) != '')?$/, `a condition this test understands: ${cond}`);
  const m = /hashFiles\('([^']+)'\)/.exec(cond);
  return m ? existsSync(join(cwd, m[1])) : true;
}

describe('GitHub Actions example', () => {
  const text = readFileSync(WORKFLOW, 'utf8');
  const wf = parseYaml(text, { uniqueKeys: true }) as Workflow;
  const job = wf.jobs.scan;
  const step = (pred: (s: Step) => boolean) => job.steps.find(pred);
  const scanStep = () => step((s) => !!s.run && s.run.includes('--format sarif'))!;
  const htmlStep = () => step((s) => !!s.run && s.run.includes('--format html'))!;
  const uploadStep = () => step((s) => (s.uses ?? '').startsWith('github/codeql-action/upload-sarif@'))!;
  const artifactStep = () => step((s) => (s.uses ?? '').startsWith('actions/upload-artifact@'))!;

  test('parses as one YAML document with the keys GitHub needs', () => {
    assert.equal(parseDocument(text).errors.length, 0);
    assert.ok(wf.on.push && 'pull_request' in wf.on, 'runs on push and pull_request');
    assert.equal(job['runs-on'], 'ubuntu-latest');
    assert.equal(job.permissions?.['security-events'], 'write', 'upload-sarif needs security-events: write');
    assert.equal(wf.permissions?.contents, 'read', 'least privilege by default');
    assert.ok(
      step((s) => (s.uses ?? '').startsWith('actions/checkout@')),
      'checks the code out',
    );
    const node = step((s) => (s.uses ?? '').startsWith('actions/setup-node@'));
    assert.ok(node, 'sets up Node');
    assert.ok(Number(node.with?.['node-version']) >= Number(/\d+/.exec(PKG.engines.node)![0]), 'a Node the package supports');
    const install = step((s) => /npm install --global/.test(s.run ?? ''))!;
    assert.match(install.run!, new RegExp(`npm install --global ${PKG.name}(@|\\s|$)`), 'installs this package');
    assert.ok(uploadStep(), 'uploads SARIF with github/codeql-action/upload-sarif');
    assert.equal(uploadStep().with?.sarif_file, outputOf(scanStep().run!), 'uploads the file the scan writes');
    assert.equal(artifactStep().with?.path, outputOf(htmlStep().run!), 'keeps the HTML the scan writes');
    for (const s of [htmlStep(), uploadStep(), artifactStep()]) assert.match(s.if ?? '', /^always\(\)/, `${s.name} runs even when the scan step fails on findings`);
  });

  test('its steps run on a checkout with findings: the gate fails, the SARIF is valid and uploaded, the HTML is kept', () => {
    const work = mkdtempSync(join(tmpdir(), 'mtls-audit-gha-'));
    try {
      cpSync(EXAMPLE, work, { recursive: true });
      const scan = runStep(scanStep().run!, work);
      assert.equal(scan.code, 1, `high findings fail the job: ${scan.out}`);
      const sarifFile = join(work, outputOf(scanStep().run!));
      const sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as { version: string; runs: { results: unknown[] }[] };
      assert.equal(sarif.version, '2.1.0');
      assert.ok(sarif.runs[0].results.length > 0);
      const v = validateSarif(readFileSync(sarifFile, 'utf8'));
      assert.deepEqual(v.errors, [], v.console);
      const html = runStep(htmlStep().run!, work);
      assert.equal(html.code, 0, `the HTML step tolerates findings: ${html.out}`);
      assert.match(readFileSync(join(work, outputOf(htmlStep().run!)), 'utf8'), /<article class="finding/);
      assert.equal(condition(uploadStep().if, work), true, 'the SARIF upload runs');
      assert.equal(condition(artifactStep().if, work), true, 'the HTML is kept');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('a clean checkout passes; an invalid config fails with no SARIF to upload', () => {
    const clean = makeTree({ 'app/views.py': 'def index(request):\n    return None\n' });
    try {
      assert.equal(runStep(scanStep().run!, clean).code, 0);
      assert.equal(condition(uploadStep().if, clean), true);
    } finally {
      removeTree(clean);
    }
    const broken = makeTree({ 'app/views.py': VULN_VIEW, '.mtls-audit.yml': 'failOn: sometimes\n' });
    try {
      const r = runStep(scanStep().run!, broken);
      assert.equal(r.code, 2, r.out);
      assert.match(r.out, /invalid config .*\.mtls-audit\.yml: failOn/);
      assert.equal(condition(uploadStep().if, broken), false, 'nothing to upload');
      assert.notEqual(runStep(htmlStep().run!, broken).code, 0, 'the HTML step does not hide a usage error');
    } finally {
      removeTree(broken);
    }
  });
});

describe('pre-commit hook definition', () => {
  const text = readFileSync(HOOKS, 'utf8');
  const hooks = parseYaml(text, { uniqueKeys: true }) as Record<string, unknown>[];
  const hook = hooks[0] as { id: string; name: string; entry: string; language: string; pass_filenames?: boolean; files?: string; require_serial?: boolean };
  // The keys pre-commit's manifest schema knows (pre-commit/clientlib.py MANIFEST_HOOK_DICT).
  const KNOWN = [
    'id',
    'name',
    'entry',
    'language',
    'alias',
    'files',
    'exclude',
    'types',
    'types_or',
    'exclude_types',
    'additional_dependencies',
    'args',
    'always_run',
    'fail_fast',
    'pass_filenames',
    'description',
    'language_version',
    'log_file',
    'minimum_pre_commit_version',
    'require_serial',
    'stages',
    'verbose',
  ];

  test('parses and has the keys pre-commit requires', () => {
    assert.ok(Array.isArray(hooks) && hooks.length === 1);
    for (const k of Object.keys(hook)) assert.ok(KNOWN.includes(k), `${k} is a pre-commit hook key`);
    for (const k of ['id', 'name', 'entry', 'language']) assert.equal(typeof (hook as unknown as Record<string, unknown>)[k], 'string', `${k} is set`);
    assert.equal(hook.id, 'mtls-audit');
    assert.equal(hook.language, 'node');
    assert.equal(hook.entry, 'mtls-audit scan');
    assert.ok(Object.keys(PKG.bin).includes(hook.entry.split(' ')[0]), 'the entry is the package binary');
    assert.equal(hook.pass_filenames, false, 'the scan takes the tree, not file names');
  });

  test('its files pattern selects what the scan reads', () => {
    const re = new RegExp(hook.files!);
    for (const p of [
      'app/views.py',
      'settings.py',
      'deploy/nginx.conf',
      'docker-compose.yml',
      'k8s/ingress.yaml',
      'Dockerfile',
      'docker/Dockerfile.prod',
      'Procfile',
      'gunicorn.conf.py',
      'uwsgi.ini',
      'traefik.toml',
      'envoy.json',
      'app.service',
      '.mtls-audit.yml',
    ])
      assert.ok(re.test(p), `${p} triggers the hook`);
    for (const p of ['README.md', 'static/logo.png', 'app/templates/index.html']) assert.ok(!re.test(p), `${p} does not`);
  });

  function runHook(dir: string, args: string[] = []): { code: number | null; stdout: string; stderr: string } {
    // pre-commit splits `entry` into words (shlex), appends `args` (and, with pass_filenames, the
    // file names), and runs it from the repository root without a shell.
    const [bin, ...rest] = hook.entry.split(/\s+/);
    const r = spawnSync(join(shimDir, bin), [...rest, ...args], { cwd: dir, env: env(), encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  test('its command fails a commit with findings and passes a clean one', () => {
    const bad = makeTree({ 'app/views.py': VULN_VIEW });
    const medium = makeTree({ 'app/middleware.py': MEDIUM_ONLY });
    const clean = makeTree({ 'app/views.py': 'def index(request):\n    return None\n' });
    try {
      const r = runHook(bad);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /cert-presence-only/);
      assert.equal(runHook(clean).code, 0);
      assert.equal(runHook(medium).code, 1, 'default --fail-on low');
      assert.equal(runHook(medium, ['--fail-on', 'high']).code, 0, 'args from .pre-commit-config.yaml');
    } finally {
      for (const d of [bad, medium, clean]) removeTree(d);
    }
  });
});
