// A view that admits only a caller who knows a secret: it looks a record up by a key, token or
// secret taken from the request (`PairingKey.objects.get(key=serializer.validated_data['key'])`,
// `get_object_or_404(Invite, token=request.POST['token'])`), so an unknown value ends in
// DoesNotExist / 404. Such an endpoint (enrolment keys, invitation tokens) is not anonymous in
// the sense of critical-view-unauthenticated: the secret is the credential.

import { codeText, dotted, field, named, walk } from '../python/ast.js';
import type { PyNode } from '../python/parser.js';
import type { PyClass, PyModule } from '../python/module.js';
import type { PythonProject } from '../python/project.js';
import type { ViewFacts } from './views.js';

/** Keyword names that hold a secret looked up in the database. */
const SECRET_KW = /^(key|token|secret|code|nonce|otp|pairing_key|enroll(ment)?_(key|token)|claim_token|invite_token|invitation_token|api_key|activation_key|signup_token)$/;
/** Where a value the client sends is read. */
const FROM_REQUEST = /\brequest\.(data|POST|GET|query_params|body)\b|\bvalidated_data\b|\bcleaned_data\b/;
const LOOKUPS = /^(get|aget|get_object_or_404|aget_object_or_404)$/;

export function secretLookup(v: ViewFacts): string | null {
  const node = v.cls?.node ?? v.fn?.node ?? null;
  const mod: PyModule | undefined = v.cls?.module ?? v.fn?.module;
  if (!node || !mod) return null;
  let found: string | null = null;
  walk(node, (n: PyNode) => {
    if (found) return false;
    if (n.type !== 'call') return true;
    const name = dotted(field(n, 'function'), mod.src) ?? '';
    if (!LOOKUPS.test(name.split('.').pop() ?? '')) return true;
    const args = field(n, 'arguments');
    for (const a of args ? named(args) : []) {
      if (a.type !== 'keyword_argument') continue;
      const k = mod.text(field(a, 'name')!);
      const val = field(a, 'value');
      if (SECRET_KW.test(k) && val && FROM_REQUEST.test(mod.text(val))) found = `a lookup by a secret the client must know (\`${k}=\`)`;
    }
    return true;
  });
  return found;
}

/** Calls that verify a credential the client presents: a signed token, a MAC, a password. */
const VERIFY_CALL =
  /\b(authenticate\s*\((?:[^()]|\([^()]*\))*\bpassword\b|jwt\.decode|jws\.verify|jwk\w*\.verify|verify_jw[st]\w*|verify_(signature|token|jwt|id_token|credential)\w*|validate_(signature|token|jwt)\w*|compare_digest|check_password|signing\.loads|TimestampSigner\b|Signer\b)/;

/**
 * The view hands the request body to a project serializer that verifies a credential (a JWT
 * against the issuer's keys, an HMAC, a password) and raises a ValidationError when it does not
 * verify, and writes only when `is_valid()` passed: the credential is the authentication (an OIDC
 * token exchange, a signed enrolment request). Returns the serializer's name, or null.
 */
export function credentialSerializer(python: PythonProject, v: ViewFacts): string | null {
  const node = v.cls?.node ?? v.fn?.node ?? null;
  const mod: PyModule | undefined = v.cls?.module ?? v.fn?.module;
  if (!node || !mod) return null;
  const text = mod.text(node);
  if (!/\.is_valid\s*\(/.test(text)) return null;
  const names = new Set<string>();
  walk(node, (n: PyNode) => {
    if (n.type === 'call') {
      const name = dotted(field(n, 'function'), mod.src) ?? '';
      if (/Serializer$/.test(name.split('.').pop() ?? '')) names.add(name);
    }
    return true;
  });
  if (v.cls) {
    const a = python.classAttr(v.cls, 'serializer_class');
    const name = a ? dotted(a.value, a.cls.module.src) : null;
    if (a && name) {
      const r = python.resolve(a.cls.module, name);
      if (r?.kind === 'class' && verifies(python, r.cls)) return r.cls.name;
    }
  }
  for (const name of names) {
    const r = python.resolve(mod, name);
    if (r?.kind === 'class' && verifies(python, r.cls)) return r.cls.name;
  }
  return null;
}

function verifies(python: PythonProject, cls: PyClass, seen = new Set<PyClass>()): boolean {
  if (seen.has(cls)) return false;
  seen.add(cls);
  for (const m of cls.methods.values()) {
    if (m.name !== 'validate' && !m.name.startsWith('validate_')) continue;
    const t = codeText(m.node, m.module.src);
    if (VERIFY_CALL.test(t) && /\braise\b/.test(t)) return true;
  }
  for (const b of cls.bases) {
    const r = python.resolve(cls.module, b);
    if (r?.kind === 'class' && verifies(python, r.cls, seen)) return true;
  }
  return false;
}
