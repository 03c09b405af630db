// Files the pre-filter skips are still pulled in when they import a parsed module's certificate
// helper (scan/engine.ts, pullImporters). The pre-filter reads every file into one shared buffer:
// the bytes kept for pullImporters must be copies, not views later reads overwrite.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTree, removeTree } from '../cli/helpers.js';
import { runScan } from '../../src/scan/engine.js';
import type { ProjectModel } from '../../src/model/project.js';

const HELPER = "def presented_identity(request):\n    return request.META.get('HTTP_X_SSL_CLIENT_CERT', '')\n";
// No trigger word (the helper's name in lower case is only an atom): skipped by the pre-filter.
const IMPORTER = 'from app.certs import presented_identity\n\n\ndef view(request):\n    return presented_identity(request)\n';
const QUALIFIED = 'from app import certs\n\n\ndef view(request):\n    return certs.presented_identity(request)\n';
const UNRELATED = 'def view(request):\n    return None\n';

async function analysed(files: Record<string, string>, skippedKeptBytes?: number): Promise<string[]> {
  const dir = makeTree(files);
  try {
    let model: ProjectModel | null = null;
    await runScan({ path: dir, skippedKeptBytes, onModel: (m) => (model = m) });
    assert.ok(model);
    return (model as ProjectModel).analysed.map((m) => m.path).sort();
  } finally {
    removeTree(dir);
  }
}

test('a skipped file that imports a parsed certificate helper is pulled in; one that does not is not', async () => {
  assert.deepEqual(await analysed({ 'app/certs.py': HELPER, 'app/views.py': IMPORTER, 'app/other.py': UNRELATED, 'app/qualified.py': QUALIFIED }), ['app/certs.py', 'app/qualified.py', 'app/views.py']);
});

test('the kept bytes of a skipped file survive the reads after it (the read buffer is shared)', async () => {
  // The importer is read first; many larger skipped files are read into the same buffer after it.
  const files: Record<string, string> = { 'a/views.py': IMPORTER, 'app/__init__.py': '', 'app/certs.py': HELPER };
  for (let i = 0; i < 40; i++) files[`z/m${i}.py`] = `# filler ${i}\n` + UNRELATED.repeat(20 + i);
  assert.deepEqual(await analysed(files), ['a/views.py', 'app/certs.py']);
});

test('in a tree whose skipped files outgrow the bytes kept for them, none are kept: importers are found by reading again', async () => {
  const files: Record<string, string> = { 'a/views.py': IMPORTER, 'app/__init__.py': '', 'app/certs.py': HELPER, 'app/qualified.py': QUALIFIED };
  for (let i = 0; i < 40; i++) files[`z/m${i}.py`] = `# filler ${i}\n` + UNRELATED.repeat(20 + i);
  const expected = ['a/views.py', 'app/certs.py', 'app/qualified.py'];
  assert.deepEqual(await analysed(files), expected);
  // Nothing kept, and a budget the first files fit in but the tree does not.
  assert.deepEqual(await analysed(files, 0), expected);
  assert.deepEqual(await analysed(files, 2000), expected);
});
