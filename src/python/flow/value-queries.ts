// Questions about what a value is and where it came from, asked by the rules and by the
// identity-flow builder: derived from a given certificate parse, subject-, issuer-, serial- or
// fingerprint-like, and whether a certificate decides only through its pinned fingerprint.

import { rawKinds, type AVal, type CertFlow, type ParseSite } from './values.js';

export function derivesFrom(v: AVal, p: ParseSite): boolean {
  return v.parses.has(p) || [...v.parses].some((q) => q.node === p.node);
}

export function isSubjectish(v: AVal): boolean {
  if (v.kinds.has('subject-attr') || v.kinds.has('subject')) return true;
  if (v.kinds.has('dn-string') && !v.kinds.has('issuer')) return true;
  const rk = rawKinds(v);
  return rk.has('dn') || rk.has('cn');
}

export function isFingerprintish(v: AVal): boolean {
  return v.kinds.has('fingerprint') || rawKinds(v).has('fingerprint');
}

export function isSerialish(v: AVal): boolean {
  return v.kinds.has('serial') || rawKinds(v).has('serial');
}

export function isIssuerish(v: AVal): boolean {
  return v.kinds.has('issuer') || v.kinds.has('issuer-attr') || rawKinds(v).has('issuer-dn');
}

/**
 * The certificate parsed at `p` decides only through its fingerprint matched against something
 * enrolled (a binding row, a pinned value, the fingerprint stored in the session): a self-minted
 * certificate cannot match, so the exact certificate is the trust anchor. Any decision on its
 * subject, issuer or serial (deny-lists and presence tests aside) takes that away.
 */
export function pinnedByFingerprint(flow: CertFlow, p: ParseSite): boolean {
  const fromP = (v: AVal) => derivesFrom(v, p);
  const nameUse = (v: AVal) => fromP(v) && !isFingerprintish(v) && (isSubjectish(v) || isIssuerish(v) || isSerialish(v));
  const pin = (v: AVal) => fromP(v) && isFingerprintish(v);
  let pinned = false;
  for (const e of flow.events) {
    switch (e.t) {
      case 'lookup': {
        if (e.denyList) break;
        const vals = [...e.kw.entries()]
          .filter(([k]) => !/revoked|active|enabled|disabled/.test(k))
          .map(([, v]) => v)
          .concat(e.args);
        if (vals.some(nameUse)) return false;
        if (vals.some(pin)) pinned = true;
        break;
      }
      case 'session-compare':
        if (pin(e.other)) pinned = true;
        break;
      case 'compare':
        if (e.presenceLike) break;
        if (e.vals.some(nameUse)) return false;
        if (/^(==|!=|in|not in|compare_digest)$/.test(e.op) && e.vals.some(pin)) pinned = true;
        break;
      case 'dnop':
        if (fromP(e.val)) return false;
        break;
      case 'cond':
        if (!e.presence && !e.truthiness && (e.denies || e.grants) && nameUse(e.val)) return false;
        break;
      default:
        break;
    }
  }
  return pinned;
}
