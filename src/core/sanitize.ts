// One sanitiser for every human-facing stream (text report, progress line, `fix` plan and notes,
// error lines, probe logs, HTML). Text from a scanned tree or a server's answer may carry terminal
// control sequences (OSC 52 writes the clipboard, CSI rewrites the screen) and invisible or
// reordering characters (bidi overrides and isolates, zero-width and word-joiner characters, the
// Unicode tag block): each is shown as a visible escape instead.

/** C0 and C1 controls (tab and newline aside), DEL, and format characters that hide or reorder text. */
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\u2028\u2029]|[\u{e0000}-\u{e007f}]/gu;

function escapeChar(c: string): string {
  const cp = c.codePointAt(0)!;
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/** Visible escapes for hidden characters; tabs and newlines are kept. */
export function visible(s: string): string {
  return s.replace(HIDDEN, escapeChar);
}

/** One line for a terminal: hidden characters escaped, and newlines too (`\n`). */
export function visibleLine(s: string): string {
  return visible(s).replace(/\n/g, '\\n');
}
