// Stable finding fingerprints for baselines and SARIF `partialFingerprints`: a hash of the rule id,
// the file and the normalised text of the flagged line (or the rule's anchor), plus an occurrence
// index among identical ones. Line numbers are not part of it, so unrelated edits keep it stable.

import { sha256 } from '../core/hash.js';
import type { Finding } from '../core/types.js';

export function assignFingerprints(findings: Finding[], lineOf: (file: string, line: number) => string): void {
  const counts = new Map<string, number>();
  for (const f of findings) {
    const anchor = (f as Finding & { _anchor?: string })._anchor;
    const text = anchor ?? (f.location.file && f.location.line ? lineOf(f.location.file, f.location.line) : '');
    const norm = text.replace(/\s+/g, ' ').trim();
    const base = `${f.ruleId}\u0000${f.location.file ?? f.location.url ?? ''}\u0000${f.location.case ?? ''}\u0000${norm}`;
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    f.fingerprint = sha256(`${base}\u0000${n}`, 'hex').slice(0, 32);
  }
}
