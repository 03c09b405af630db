// A view that admits only a caller who knows a secret: it looks a record up by a key, token or
// secret taken from the request (`PairingKey.objects.get(key=serializer.validated_data['key'])`,
// `get_object_or_404(Invite, token=request.POST['token'])`), so an unknown value ends in
// DoesNotExist / 404. Such an endpoint (enrolment keys, invitation tokens) is not anonymous in
// the sense of critical-view-unauthenticated: the secret is the credential.

import { dotted, field, named, walk } from '../python/ast.js';
import type { PyNode } from '../python/parser.js';
import type { PyModule } from '../python/module.js';
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
