// The standard library (and Django's time helper) as data: `re` (a compiled pattern by what its
// receiver is — its value or its binding — whatever its name), `hmac`/`secrets` constant-time
// comparison, `hashlib` digests, the current time, decoders, `ipaddress`.

import type { LibEntry } from './types.js';

const RE_SEARCH = ['search', 'match', 'fullmatch', 'findall', 'finditer'];

export const REGEX: LibEntry[] = [
  { lib: 're', qualified: ['re.compile'], names: ['re.compile'], does: { t: 'compile-pattern' } },
  { lib: 're', qualified: [...RE_SEARCH, 'split', 'sub'].map((m) => `re.${m}`), names: [...RE_SEARCH, 'split', 'sub'].map((m) => `re.${m}`), does: { t: 'regex-search', subject: 1 } },
  { lib: 're: compiled pattern', receiver: 'pattern', methods: RE_SEARCH, does: { t: 'regex-search', subject: 0 } },
];

export const REGEX_MATCH: LibEntry[] = [{ lib: 're: match object', receiver: 'regex-match', methods: ['group', 'groups', 'groupdict', '__getitem__'], does: { t: 'regex-group' } }];

export const STDLIB: LibEntry[] = [
  { lib: 'hmac / secrets', qualified: ['hmac.compare_digest', 'secrets.compare_digest'], names: ['compare_digest'], does: { t: 'compare-digest' } },
  { lib: 'ipaddress', qualified: ['ipaddress.ip_address', 'ipaddress.ip_network'], lastRe: /ip_address|ip_network/, argKind: 'remote-addr', does: { t: 'remote-addr' } },
  { lib: 'datetime', qualified: ['datetime.datetime.utcnow'], names: ['utcnow'], does: { t: 'now' } },
  { lib: 'datetime', qualified: ['datetime.datetime.now'], names: ['datetime.now'], does: { t: 'now', naiveUnlessTz: true } },
  { lib: 'django.utils.timezone', qualified: ['django.utils.timezone.now'], names: ['timezone.now'], does: { t: 'now' } },
  { lib: 'time', qualified: ['time.time'], names: ['time.time'], does: { t: 'now' } },
  {
    lib: 'hashlib',
    qualified: ['sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3_224', 'sha3_256', 'sha3_384', 'sha3_512', 'md5', 'blake2b', 'blake2s', 'new'].map((h) => `hashlib.${h}`),
    needsTaint: true,
    does: { t: 'digest' },
  },
  {
    lib: 'urllib.parse / base64 / binascii',
    qualified: ['urllib.parse.unquote', 'urllib.parse.unquote_plus', 'base64.b64decode', 'base64.b64encode', 'base64.standard_b64decode', 'base64.urlsafe_b64decode', 'base64.b16decode', 'binascii.a2b_base64'],
    dottedRe: /^(unquote|unquote_plus|urllib\.parse\.unquote|parse\.unquote|b64decode|base64\.b64decode|b64encode|base64\.b64encode|bytes|b16decode|a2b_base64)$/,
    lastRe: /(unquote|b64decode|b64encode|standard_b64decode|urlsafe_b64decode)$/,
    does: { t: 'same-value' },
  },
];
