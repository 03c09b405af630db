// The shape of library knowledge as data. An entry says which calls it is about — by what the
// receiver *is* in the value domain (a parsed certificate, its subject, a compiled pattern…), or by
// the qualified name the semantic model resolves the callee to (aliases and re-exports included) —
// and what such a call does: the kind of value it returns and the check or event it stands for.
// src/python/flow/library-calls.ts interprets the entries; this folder holds no code that decides.

import type { VKind } from '../flow/values.js';

export type CheckWhat = 'chain' | 'validity' | 'eku' | 'revocation' | 'provenance';

export type LibAction =
  /** Parses certificate bytes (PEM/DER) taken from the request: a certificate, a parse site. */
  | { t: 'parse-cert' }
  /** The same certificate in another library's type (`X509.from_cryptography(c)`, `c.to_cryptography()`). */
  | { t: 'same-cert'; from: 'args' | 'receiver' }
  /** A value derived from the receiver, of these kinds (none: derived, kinds dropped). */
  | { t: 'derive'; kinds: VKind[] }
  /** Reads the certificate's validity bound: a `validity-read` event. */
  | { t: 'validity-read'; which: 'after' | 'before' }
  /** A check of the receiver's certificate (`has_expired()`, `verify_directly_issued_by(ca)`). */
  | { t: 'check-receiver'; what: CheckWhat; detail: string; unlessArgTainted?: boolean }
  /** A verification call: each check it performs; the result is verified. */
  | { t: 'verify'; checks: { what: CheckWhat; detail: string; onlyMethod?: string }[] }
  /** A signature verification with a key (`key.verify(cert.signature, cert.tbs_certificate_bytes, …)`). */
  | { t: 'signature-verify' }
  /** A revocation check (CRL, OCSP). */
  | { t: 'revocation' }
  /** A constant-time comparison: a session re-check of a certificate value, else provenance. */
  | { t: 'compare-digest' }
  /** Compiles a regular expression: a pattern. */
  | { t: 'compile-pattern' }
  /** A regex search over argument `subject`: a DN/XFCC parse when the subject is one. */
  | { t: 'regex-search'; subject: number }
  /** A group of a regex match: the matched text. */
  | { t: 'regex-group' }
  /** The current time: aware, or naive unless a time zone is given. */
  | { t: 'now'; naiveUnlessTz?: boolean }
  /** A digest of its input: a fingerprint over certificate bytes, else still the named value. */
  | { t: 'digest' }
  /** A decoder/encoder (`unquote`, `b64decode`): the result is what the input is. */
  | { t: 'same-value' }
  /** An address type built from `REMOTE_ADDR` (`ip_address(...)`): still the client address. */
  | { t: 'remote-addr' };

/** What reading an attribute of a library value gives. */
export type AttrAction =
  /** A value derived from the object, of these kinds (none: derived, kinds dropped). */
  | { t: 'derive'; kinds: VKind[] }
  /** Those of these kinds the object has (a subject attribute's `.value` is still one). */
  | { t: 'keep'; kinds: VKind[] }
  /** The certificate's validity bound (`not_valid_after`; `_utc`: timezone-aware). */
  | { t: 'validity-read'; which: 'after' | 'before'; aware?: boolean };

export interface AttrEntry {
  lib: string;
  /** The object is a value of this kind. */
  receiver: VKind;
  /** Attribute names; `*` is any attribute. */
  attrs: string[];
  does: AttrAction;
}

export interface LibEntry {
  /** What the library is (for the reader and the docs). */
  lib: string;
  /** Calls on a receiver that is a value of this kind (the receiver's value, or its binding: a `re.compile` object under any name). */
  receiver?: VKind;
  /** Method names for `receiver` entries; `*` is any method. */
  methods?: string[];
  /** Qualified names of the callee, as the semantic model resolves it (`x.*`: anything under module x). */
  qualified?: string[];
  /**
   * Text fallbacks, for callees the model cannot name (an attribute of a call's result, a local
   * holding a context, a module used without a visible import): a plain name is the method or
   * function name (`verify_certificate`), a dotted one a suffix of the callee's text
   * (`timezone.now`). A project function or method of that name is analysed instead.
   */
  names?: string[];
  /** The same, as patterns on the callee's last name and on its dotted text. */
  lastRe?: RegExp;
  dottedRe?: RegExp;
  /** Only when the text of an argument matches (`get_extension_for_class(ExtendedKeyUsage)`). */
  argText?: RegExp;
  /** Only when the call's arguments carry request data. */
  needsTaint?: boolean;
  /** Only when an argument is this kind of value. */
  argKind?: VKind;
  does: LibAction;
}
