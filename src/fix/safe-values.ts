// Values from the scanned tree (a header name the code reads, a CA or CRL path, an upstream, a
// server name) end up inside generated proxy configuration. A value that is not what its grammar
// allows (`;`, braces, quotes, a newline, `$`, `#`) would write new directives into the config the
// user installs, so each is checked against a conservative grammar before any template is rendered,
// and refused with a message saying which value and why — never interpolated.

import { UsageError } from '../core/errors.js';
import { visibleLine } from '../core/sanitize.js';

/** HTTP header names as every proxy's config accepts them unquoted. */
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
/** File paths: no whitespace, quotes, `;`, braces, `$`, `#`, backslash or control characters. */
const PATH = /^[A-Za-z0-9._/@%+=,:~-]{1,1024}$/;
/** `unix:/run/app.sock`, `http://host:port`, `host:port`, `[::1]:8000`. */
const UPSTREAM = /^(unix:[A-Za-z0-9._/@+-]{1,1024}|(https?:\/\/)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,253})(:\d{1,5})?)$/;
/** DNS names, wildcards allowed. */
const SERVER_NAME = /^[A-Za-z0-9*][A-Za-z0-9.*_-]{0,252}$/;

export type SafeKind = 'header name' | 'path' | 'upstream' | 'server name';

const GRAMMAR: Record<SafeKind, RegExp> = { 'header name': HEADER_NAME, path: PATH, upstream: UPSTREAM, 'server name': SERVER_NAME };

/** Returns `value` when it fits its grammar; otherwise throws a UsageError naming it. */
export function safeValue(kind: SafeKind, what: string, value: string): string {
  if (!GRAMMAR[kind].test(value)) {
    throw new UsageError(`${what} ${JSON.stringify(visibleLine(value))} is not a plain ${kind} (it would be written into generated proxy configuration as is): fix it in the tree or pass it explicitly`);
  }
  return value;
}
