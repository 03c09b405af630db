// SHA-256 for fingerprints and CSP hashes; node:crypto is loaded on the first hash (lazy.ts).

import { crypto } from './lazy.js';

export function sha256(data: string, encoding: 'hex' | 'base64'): string {
  return crypto().createHash('sha256').update(data, 'utf8').digest(encoding);
}
