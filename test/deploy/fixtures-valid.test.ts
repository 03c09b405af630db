// The nginx and HAProxy fixtures (and the bundled example's nginx config) are configs the real
// servers accept: `nginx -t` and `haproxy -c` run on every one, with certificate paths pointed at
// a PKI minted for this run. Files under a `malformed/` directory are exempt (they must fail).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FIXTURES, REPO_ROOT } from '../helpers/rule-tester.js';
import { looksLikeNginx } from '../../src/deploy/nginx.js';
import { looksLikeHaproxy } from '../../src/deploy/haproxy.js';
import { looksLikeApache } from '../../src/deploy/apache.js';
import { haproxyTest, listFiles, materialise, nginxTest, testPki } from './real-servers.js';

const ROOT = join(FIXTURES, 'deploy');

interface Item {
  caseDir: string;
  rel: string;
  kind: 'nginx' | 'haproxy';
  subst?: [RegExp, string][];
}

function classify(abs: string): 'nginx' | 'haproxy' | null {
  const text = readFileSync(abs, 'utf8');
  if (looksLikeHaproxy(text)) return 'haproxy';
  if (looksLikeApache(text)) return null;
  if (looksLikeNginx(text) && /\.(conf|template)$/.test(abs)) return 'nginx';
  return null;
}

const items: Item[] = [];
for (const rel of listFiles(ROOT)) {
  if (rel.split('/').includes('malformed')) continue;
  const kind = classify(join(ROOT, rel));
  if (!kind) continue;
  // The case directory: deploy/<group>/<case>/… (files may include siblings relative to it).
  const parts = rel.split('/');
  items.push({ caseDir: join(ROOT, parts[0], parts[1]), rel: parts.slice(2).join('/'), kind });
}
const example = join(REPO_ROOT, 'examples', 'vulnerable-mtls-app');
if (existsSync(join(example, 'deploy', 'nginx.conf'))) {
  // The example proxies to the Compose service `web`; nginx -t resolves upstream names, so the
  // check points it at loopback.
  items.push({
    caseDir: example,
    rel: 'deploy/nginx.conf',
    kind: 'nginx',
    subst: [
      [/http:\/\/web:/g, 'http://127.0.0.1:'],
      [/\/etc\/nginx\/tls/g, '__PKI__'],
    ],
  });
}

test('fixtures: there are nginx and HAProxy configs to check', () => {
  assert.ok(items.some((i) => i.kind === 'nginx'));
  assert.ok(items.some((i) => i.kind === 'haproxy'));
});

for (const it of items) {
  test(`${it.kind} accepts ${it.caseDir.slice(REPO_ROOT.length + 1)}/${it.rel}`, async () => {
    const pki = await testPki();
    const subst = (it.subst ?? []).map(([re, s]) => [re, s.split('__PKI__').join(pki)] as [RegExp, string]);
    const dir = materialise(it.caseDir, pki, subst);
    try {
      const file = join(dir, it.rel);
      const r = it.kind === 'nginx' ? nginxTest(file) : haproxyTest(file);
      assert.ok(r.ok, `${it.kind} rejects ${it.rel}:\n${r.output}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('malformed fixtures are rejected by the real servers too', async () => {
  const pki = await testPki();
  const mal = join(ROOT, 'malformed');
  if (!existsSync(mal)) return;
  const dir = materialise(mal, pki);
  try {
    for (const rel of listFiles(dir)) {
      const f = join(dir, rel);
      if (/nginx.*\.conf$/.test(rel)) assert.equal(nginxTest(f).ok, false, `nginx accepts ${rel}`);
      if (/haproxy.*\.cfg$/.test(rel)) assert.equal(haproxyTest(f).ok, false, `haproxy accepts ${rel}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  void dirname;
});
