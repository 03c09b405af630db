// codeText: the few checks that still read source text see code, not comments — and a `#` inside a
// string is not a comment (the `replace(/#.*$/gm, '')` strippers it replaces cut strings short).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPythonParser } from '../../src/python/parser.js';
import { PythonProject } from '../../src/python/project.js';
import { codeText } from '../../src/python/ast.js';

test('codeText blanks comment nodes, keeps # in strings, and keeps offsets and lines', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'mtls-audit-codetext-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const src = ['def view(request):  # PermissionDenied is raised elsewhere', '    key = "login#" + request.POST["u"]  # counts attempts', '    # return HttpResponseForbidden()', '    return cache.incr(key)', ''].join('\n');
  writeFileSync(join(root, 'views.py'), src);
  const project = new PythonProject(await getPythonParser(), [{ path: 'views.py', abs: join(root, 'views.py'), size: -1, kind: 'python' }], []);
  const mod = project.moduleByName('views')!;
  const fn = mod.allFunctions[0];
  const text = codeText(fn.node, mod.src);
  assert.equal(text.length, mod.text(fn.node).length, 'same length: offsets keep their meaning');
  assert.equal(text.split('\n').length, 4);
  assert.ok(!/PermissionDenied|HttpResponseForbidden|counts attempts/.test(text), text);
  assert.match(text, /"login#" \+ request\.POST\["u"\]/);
  assert.match(text, /cache\.incr\(key\)/);
});
