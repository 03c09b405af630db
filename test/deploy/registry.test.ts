// The reader registry (src/deploy/readers/): kinds are unique, every kind is read from at least
// one case of the deployment fixtures (test/fixtures/deploy/<rule-id>/<case>/), every proxy has
// its snippet templates.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/rule-tester.js';
import { discover } from '../../src/scan/discover.js';
import { getPythonParser } from '../../src/python/parser.js';
import { buildDeployment } from '../../src/deploy/build.js';
import { REGISTRY, PROXY_KINDS, makeRegistry, readersFor, type DeployReader } from '../../src/deploy/readers/index.js';
import { proxyTemplateNames } from '../../src/fix/templates.js';
import type { InputError } from '../../src/core/types.js';

const ROOT = join(FIXTURES, 'deploy');

test('registry: no two readers share a kind or a proxy kind', () => {
  const kinds = REGISTRY.map((r) => r.kind);
  assert.equal(new Set(kinds).size, kinds.length, `duplicate kinds: ${kinds.join(', ')}`);
  const proxies = REGISTRY.flatMap((r) => (r.fix ? [r.fix.kind] : []));
  assert.equal(new Set(proxies).size, proxies.length, `duplicate proxy kinds: ${proxies.join(', ')}`);
});

test('registry: a duplicate kind is refused', () => {
  const nginx = REGISTRY.find((r) => r.kind === 'nginx')!;
  assert.throws(() => makeRegistry([...REGISTRY, { ...nginx }]), /duplicate kind "nginx"/);
  const copy: DeployReader = { ...nginx, kind: 'nginx-copy' };
  assert.throws(() => makeRegistry([...REGISTRY, copy]), /duplicate proxy kind "nginx"/);
});

test('registry: every reader reads some syntax, and each syntax has readers', () => {
  for (const r of REGISTRY) assert.ok(r.syntax.length > 0, `${r.kind} reads no syntax`);
  for (const s of ['text', 'yaml', 'toml', 'python'] as const) assert.ok(readersFor(s).length > 0, `no reader for ${s}`);
});

test('registry: every proxy has its snippet templates', () => {
  for (const kind of PROXY_KINDS) {
    const have = new Set(proxyTemplateNames(kind));
    const fix = REGISTRY.find((r) => r.fix?.kind === kind)!.fix!;
    assert.ok(fix.files.length > 0, `${kind}: no snippet files`);
    for (const f of fix.files) assert.ok(have.has(f.name), `templates/proxy/${kind}/${f.name} missing`);
  }
});

test('registry: every kind is read from the deployment fixtures', async () => {
  const parser = await getPythonParser();
  const seen = new Map<string, string>();
  const proxiesSeen = new Set<string>();
  for (const rule of readdirSync(ROOT).sort()) {
    if (!statSync(join(ROOT, rule)).isDirectory()) continue;
    for (const c of readdirSync(join(ROOT, rule)).sort()) {
      const dir = join(ROOT, rule, c);
      if (!statSync(dir).isDirectory()) continue;
      const { files } = discover(dir);
      const errors: InputError[] = [];
      const m = buildDeployment(
        dir,
        files.filter((f) => f.kind === 'config'),
        errors,
        { parser, allFiles: files },
      );
      for (const cfg of m.configs) if (!seen.has(cfg.kind)) seen.set(cfg.kind, `${rule}/${c}`);
      for (const ep of m.entryPoints) proxiesSeen.add(ep.kind);
    }
  }
  const missing = REGISTRY.filter((r) => !seen.has(r.kind)).map((r) => r.kind);
  assert.deepEqual(missing, [], `readers without a fixture under test/fixtures/deploy/: ${missing.join(', ')}`);
  const noEntry = PROXY_KINDS.filter((k) => !proxiesSeen.has(k));
  assert.deepEqual(noEntry, [], `proxy kinds no fixture has an entry point of: ${noEntry.join(', ')}`);
});
