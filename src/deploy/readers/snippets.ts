// Helpers the proxy readers' snippet values share (their templates are under templates/proxy/).

import { parseTarget } from '../common.js';

/** Every spelling of a dash header name with at least one underscore (`X_SSL-Client-Cert`, …). */
export function underscoreSpellings(dash: string): string[] {
  const parts = dash.split('-');
  const n = parts.length - 1;
  const out: string[] = [];
  for (let mask = 1; mask < 1 << n && n <= 6; mask++) {
    let s = parts[0];
    for (let i = 1; i < parts.length; i++) s += (mask & (1 << (i - 1)) ? '_' : '-') + parts[i];
    out.push(s);
  }
  return out;
}

export function hostPort(upstream: string): { host: string; port: number; unix?: string } {
  const t = parseTarget(upstream);
  if (t.unix) return { host: '127.0.0.1', port: 8000, unix: t.unix };
  return { host: t.host ?? '127.0.0.1', port: t.port ?? 8000 };
}

export function httpUrl(upstream: string): string {
  const t = hostPort(upstream);
  if (t.unix) return `http://unix:${t.unix}:`;
  return `http://${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
}

/** The default place of the CA, CRL and key pair for a proxy that reads absolute paths. */
export const ETC_DIR = '/etc/mtls-audit';
