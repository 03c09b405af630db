// HTML building blocks shared by the HTML report and its identity-flow diagrams. Every string that
// comes from a report (file names, messages, source lines, HTTP evidence) is attacker-influenced:
// it goes through `esc`, which escapes markup and shows control and bidirectional-override
// characters as visible `\uXXXX` escapes (a hostile file must not hide or reorder what is shown).

import { visible } from '../core/sanitize.js';

export { visible };

/** Text and attribute-value escaping (`&<>"'`), after `visible`. */
export function esc(value: unknown): string {
  return visible(String(value ?? '')).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Escaped text with `backtick` spans as <code> (remediation and messages use Markdown-style code). */
export function inlineCode(s: string): string {
  return esc(s).replace(/`([^`\n]+)`/g, '<code>$1</code>');
}

/** A token safe inside a class name or id: lower-case letters, digits and dashes only. */
export function token(s: string): string {
  return (
    String(s)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'x'
  );
}

export function plural(n: number, word: string, pl = `${word}s`): string {
  return `${n} ${n === 1 ? word : pl}`;
}

/** Small inline SVG icons (no external assets). */
export const ICON = {
  ok: '<svg class="ic" viewBox="0 0 16 16" aria-hidden="true"><path d="M3.5 8.5l3 3 6-7" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  bad: '<svg class="ic" viewBox="0 0 16 16" aria-hidden="true"><path d="M4 4l8 8M12 4l-8 8" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>',
  warn: '<svg class="ic" viewBox="0 0 16 16" aria-hidden="true"><path d="M8 3.5v5.5M8 11.6v.9" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>',
  dot: '<svg class="ic" viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="3" fill="currentColor"/></svg>',
  shield:
    '<svg class="logo" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 2.5l8 3v6c0 5-3.4 8.6-8 10-4.6-1.4-8-5-8-10v-6z" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linejoin="round"/><path d="M8.5 12l2.4 2.4 4.6-5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>',
};
