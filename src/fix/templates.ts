// The files shipped under templates/ (the Django app and the proxy snippets), read at run time
// from the package root (dist/src/fix/ → ../../../templates, as in the published package).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_NAME = 'mtls_audit_django';

function findTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const cand = join(dir, 'templates');
    if (existsSync(join(cand, 'django', APP_NAME, '__init__.py'))) return cand;
    dir = dirname(dir);
  }
  throw new Error('templates/ not found next to the mtls-audit package');
}

export const TEMPLATES_DIR = findTemplatesDir();

/** Every file of the Django app, relative to the app directory (forward slashes), sorted. */
export function djangoAppFiles(): { path: string; text: string }[] {
  const root = join(TEMPLATES_DIR, 'django', APP_NAME);
  const out: { path: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== '__pycache__') walk(p);
      } else if (e.isFile() && !/\.py[co]$/.test(e.name)) {
        out.push({ path: relative(root, p).split(sep).join('/'), text: readFileSync(p, 'utf8') });
      }
    }
  };
  walk(root);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** A proxy template (`templates/proxy/<kind>/<name>`). */
export function proxyTemplate(kind: string, name: string): string {
  return readFileSync(join(TEMPLATES_DIR, 'proxy', kind, name), 'utf8');
}

export function proxyTemplateNames(kind: string): string[] {
  const d = join(TEMPLATES_DIR, 'proxy', kind);
  return existsSync(d) && statSync(d).isDirectory()
    ? readdirSync(d)
        .filter((n) => !n.startsWith('.'))
        .sort()
    : [];
}

/**
 * Fills `{{NAME}}` placeholders. A placeholder alone on its line is replaced by a block: every
 * line of the value gets that line's indentation, and an empty value removes the line.
 */
export function render(template: string, values: Record<string, string>): string {
  const missing = new Set<string>();
  const out = template
    .split('\n')
    .flatMap((line) => {
      const solo = /^(\s*)\{\{([A-Z0-9_]+)\}\}\s*$/.exec(line);
      if (solo) {
        const v = values[solo[2]];
        if (v === undefined) {
          missing.add(solo[2]);
          return [line];
        }
        if (v === '') return [];
        return v
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => (l ? solo[1] + l : l));
      }
      return [
        line.replace(/\{\{([A-Z0-9_]+)\}\}/g, (m, name: string) => {
          const v = values[name];
          if (v === undefined) {
            missing.add(name);
            return m;
          }
          return v;
        }),
      ];
    })
    .join('\n');
  if (missing.size) throw new Error(`template placeholders without a value: ${[...missing].join(', ')}`);
  return out;
}
