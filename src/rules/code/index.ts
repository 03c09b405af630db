// Registry of the code-layer rules (one module per rule id, RULES.md "Code rules").
import type { AnyRule } from '../../core/rule.js';
import certPresenceOnly from './cert-presence-only.js';
import spoofableCertHeader from './spoofable-cert-header.js';
import certChainUnverified from './cert-chain-unverified.js';
import certSubjectUnchecked from './cert-subject-unchecked.js';
import certValidityUnchecked from './cert-validity-unchecked.js';
import certEkuUnchecked from './cert-eku-unchecked.js';
import certRevocationUnchecked from './cert-revocation-unchecked.js';
import certWeakIdentityBinding from './cert-weak-identity-binding.js';
import certUserAutocreate from './cert-user-autocreate.js';
import dnStringMatch from './dn-string-match.js';
import certCheckFailOpen from './cert-check-fail-open.js';
import sessionNotBoundToCert from './session-not-bound-to-cert.js';
import remoteUserHeader from './remote-user-header.js';
import persistentRemoteUser from './persistent-remote-user.js';
import xfccUntrustedElement from './xfcc-untrusted-element.js';

export const codeRules: AnyRule[] = [
  certPresenceOnly,
  spoofableCertHeader,
  certChainUnverified,
  certSubjectUnchecked,
  certValidityUnchecked,
  certEkuUnchecked,
  certRevocationUnchecked,
  certWeakIdentityBinding,
  certUserAutocreate,
  dnStringMatch,
  certCheckFailOpen,
  sessionNotBoundToCert,
  remoteUserHeader,
  persistentRemoteUser,
  xfccUntrustedElement,
] as AnyRule[];
