// Suppressions as Semgrep/Bandit users expect them: an inline `# mtls-audit: ignore[rule-id] reason`
// on the flagged line or the line above it, and `--baseline FILE` (an earlier JSON report) whose
// fingerprints hide the findings it already holds. Suppressed findings are kept (SARIF shows them
// as dismissed), never silently dropped.

import { readFileSync, statSync } from 'node:fs';
import type { Finding } from '../core/types.js';
import { UsageError } from '../core/errors.js';

const SUPPRESS_RE = /#\s*mtls-audit:\s*ignore(?:\[([a-z0-9,\s-]*)\])?\s*(.*)$/;

export function parseSuppression(line: string): { rules: string[]; reason: string } | null {
  const m = SUPPRESS_RE.exec(line);
  if (!m) return null;
  return {
    rules: (m[1] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    reason: m[2].trim(),
  };
}

export function applyInlineSuppressions(findings: Finding[], lineOf: (file: string, line: number) => string): Finding[] {
  const kept: Finding[] = [];
  for (const f of findings) {
    const { file, line } = f.location;
    let hit: { rules: string[]; reason: string } | null = null;
    if (file && line) {
      for (const l of [line, line - 1]) {
        if (l < 1) continue;
        const s = parseSuppression(lineOf(file, l));
        if (s && (s.rules.length === 0 || s.rules.includes(f.ruleId))) {
          hit = s;
          break;
        }
      }
    }
    if (hit) f.suppression = { kind: 'inSource', justification: hit.reason || 'suppressed inline' };
    else kept.push(f);
  }
  return kept;
}

/** A baseline is a report: 256 MiB is far beyond any real one, and a bound on what is read. */
export const MAX_BASELINE_BYTES = 256 * 1024 * 1024;

export function loadBaseline(path: string): Set<string> {
  let data: unknown;
  try {
    // A regular file only: a FIFO would block the scan, /dev/zero would never end.
    const st = statSync(path);
    if (!st.isFile()) throw new UsageError(`baseline ${path} is not a regular file`);
    if (st.size > MAX_BASELINE_BYTES) throw new UsageError(`baseline ${path} is larger than ${MAX_BASELINE_BYTES / 1024 / 1024} MiB`);
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read baseline ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (data === null || typeof data !== 'object') throw new UsageError(`baseline ${path} is not an mtls-audit JSON report (not an object)`);
  const findings = (data as { findings?: unknown }).findings;
  if (!Array.isArray(findings)) throw new UsageError(`baseline ${path} is not an mtls-audit JSON report (no findings array)`);
  const out = new Set<string>();
  const fp = (f: unknown): string | null => (f && typeof f === 'object' && typeof (f as { fingerprint?: unknown }).fingerprint === 'string' ? (f as { fingerprint: string }).fingerprint : null);
  for (const f of findings as unknown[]) {
    const k = fp(f);
    if (k) out.add(k);
  }
  const sup = (data as { suppressed?: unknown }).suppressed;
  if (Array.isArray(sup)) {
    for (const f of sup as unknown[]) {
      const k = fp(f);
      if (k) out.add(k);
    }
  }
  return out;
}

export function applyBaseline(findings: Finding[], path: string): { kept: Finding[]; suppressed: Finding[] } {
  const known = loadBaseline(path);
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const f of findings) {
    if (f.fingerprint && known.has(f.fingerprint)) {
      f.suppression = { kind: 'external', justification: `present in baseline ${path}` };
      suppressed.push(f);
    } else kept.push(f);
  }
  return { kept, suppressed };
}
