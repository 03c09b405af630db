// SHA-256 for fingerprints and CSP hashes. node:crypto costs ~5 ms to load, so it is required on
// the first hash, not at start-up: a scan without findings never pays for it.

import { createRequire } from 'node:module';

type Crypto = typeof import('node:crypto');
let crypto: Crypto | null = null;

export function sha256(data: string, encoding: 'hex' | 'base64'): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as Crypto;
  return crypto.createHash('sha256').update(data, 'utf8').digest(encoding);
}
