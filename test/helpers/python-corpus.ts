// Generated Python for tests that need a lot of it (parallel parsing): modules of plain
// functions with a certificate-header read at the top (so the pre-filter keeps them), some with
// syntax errors or non-ASCII text.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One module of about `chars` characters; `k` varies its text. */
export function pythonModule(k: number, chars: number): string {
  const parts = [`import os\n\n\ndef cert_of_${k}(request):\n    return request.META.get("HTTP_X_SSL_CLIENT_CERT")\n`];
  let n = parts[0].length;
  for (let i = 0; n < chars; i++) {
    const f = `\n\ndef helper_${k}_${i}(a, b=${i}):\n    """Adds things: é ${i}."""\n    total = [a + b * ${i}, {"k": (a, b)}]\n    if a > ${i % 7}:\n        return total\n    return [x for x in total if x]\n`;
    parts.push(f);
    n += f.length;
  }
  if (k % 9 === 4) parts.push('\n\ndef broken(:\n    pass\n');
  return parts.join('');
}

/** Writes `files` modules of ~`chars` characters each under `dir`/`pkg`; returns their texts. */
export function writePythonPackage(dir: string, pkg: string, files: number, chars: number): string[] {
  mkdirSync(join(dir, pkg), { recursive: true });
  writeFileSync(join(dir, pkg, '__init__.py'), '');
  const texts: string[] = [];
  for (let k = 0; k < files; k++) {
    const t = pythonModule(k, chars + (k % 5) * 3000);
    writeFileSync(join(dir, pkg, `mod_${k}.py`), t);
    texts.push(t);
  }
  return texts;
}
