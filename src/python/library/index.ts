// Library knowledge, by the order the interpreter consults it: certificate parsing and the methods
// of certificate values first (before string methods on raw values), then regex match objects,
// then calls of library functions and methods (regex, verification, revocation, stdlib).

import { CERTIFICATE_ATTRIBUTES, CERTIFICATE_METHODS, PARSING, VERIFICATION } from './certificates.js';
import { REGEX, REGEX_MATCH, STDLIB } from './stdlib.js';
import type { AttrEntry, LibEntry } from './types.js';

export type { AttrAction, AttrEntry, LibAction, LibEntry, CheckWhat } from './types.js';
export { PARSE_FNS } from './certificates.js';

export const CERTIFICATE_VALUES: readonly LibEntry[] = [...PARSING, ...CERTIFICATE_METHODS];
export const MATCH_OBJECTS: readonly LibEntry[] = REGEX_MATCH;
export const ATTRIBUTES: readonly AttrEntry[] = CERTIFICATE_ATTRIBUTES;
export const LIBRARY_CALLS: readonly LibEntry[] = [...REGEX, ...VERIFICATION, ...STDLIB];
