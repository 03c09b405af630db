// PythonProject: modules found by dotted name (a suffix of the name the file's path gives it),
// loaded on demand.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getPythonParser } from '../../src/python/parser.js';
import { PythonProject } from '../../src/python/project.js';
import type { DiscoveredFile } from '../../src/scan/discover.js';
import type { InputError } from '../../src/core/types.js';

test('moduleByName: exact names, dotted suffixes, packages, dotted file stems; a part of a component is no match', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'mtls-audit-project-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const paths = ['app/views.py', 'app/__init__.py', 'other/app/views.py', 'views.py', 'proj/settings/__init__.py', 'proj/settings/prod.py', 'conf/settings.prod.py', 'my.pkg/__init__.py', '__init__.py'];
  const files: DiscoveredFile[] = paths.map((p) => {
    const abs = join(root, p);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, `NAME = ${JSON.stringify(p)}\n`);
    return { path: p, abs, size: -1, kind: 'python' };
  });
  const errors: InputError[] = [];
  const project = new PythonProject(await getPythonParser(), files, errors);
  const found = (name: string) => project.moduleByName(name)?.path ?? null;
  assert.equal(found('app.views'), 'app/views.py', 'the exact name wins over other/app/views.py');
  assert.equal(found('other.app.views'), 'other/app/views.py');
  assert.equal(found('views'), 'views.py');
  assert.equal(found('app'), 'app/__init__.py', 'a package is its __init__.py');
  assert.equal(found('proj.settings'), 'proj/settings/__init__.py');
  assert.equal(found('settings'), 'proj/settings/__init__.py');
  assert.equal(found('settings.prod'), 'proj/settings/prod.py', 'the shortest path among suffix matches');
  assert.equal(found('conf.settings.prod'), 'conf/settings.prod.py', 'a dotted file stem');
  assert.equal(found('prod'), 'proj/settings/prod.py');
  assert.equal(found('pkg'), 'my.pkg/__init__.py', 'a dotted directory name');
  assert.equal(found('iews'), null, 'not a component');
  assert.equal(found('app.view'), null);
  assert.equal(found('nothing.here'), null);
  assert.deepEqual(errors, []);
});
