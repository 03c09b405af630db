// session-fixation: code marks a session authenticated without login() / cycle_key().

import { defineRule } from '../../core/rule.js';
import type { PyNode } from '../../python/parser.js';
import type { PyFunction, PyModule } from '../../python/module.js';
import { codeText, dotted, field, stringValue, unparen, walkScope } from '../../python/ast.js';
import { authSurface } from '../../urls/surface.js';
import { once } from './support.js';

export type MessageIds = 'authKey' | 'customKey';

/** Django's own session keys for the logged-in user. */
const DJANGO_KEYS = /^_auth_user_(id|backend|hash)$/;
/** Custom keys that mean "this session belongs to a user". */
const CUSTOM_KEYS =
  /^(user|user_?id|user_?pk|username|uid|userid|member_?id|account_?id|customer_?id|auth|authenticated|auth_user|auth_user_id|is_authenticated|authenticated_user|logged_?in|is_logged_in|login_user|login_user_id|principal|identity|current_user|current_user_id|cert_user|cert_user_id|client_user|client_id)$/i;
/** Rotates the session key (or goes through Django's login, which does). */
const ROTATES_RE = /(?<!\bdef\s+)\b\w*login\s*\(\s*(self\.)?request\b|\bauth\.login\s*\(|\.cycle_key\s*\(|\.session\.flush\s*\(|\bsession\.flush\s*\(|\.session\.create\s*\(\s*\)|\brotate_session\w*\s*\(/;

export default defineRule<MessageIds>({
  meta: {
    id: 'session-fixation',
    layer: 'settings',
    name: 'Session fixation',
    cwe: ['CWE-384'],
    severity: 'high',
    docs: {
      summary: "Code that marks a session authenticated (`request.session['_auth_user_id']`, or custom keys such as `user_id`) without `login()` or `request.session.cycle_key()`.",
      whyBad:
        "The session id stays the one the browser had before authentication. An attacker who planted that id (a crafted link on a sibling subdomain, a shared machine, an unauthenticated page that issued it) now holds an authenticated session. Django's `login()` rotates the key for exactly this reason; writing the user id into the session by hand skips it.",
      notReported: 'Functions (or classes) that also call `login()`, `cycle_key()`, `session.flush()` or `session.create()`; keys set to `None`/`False` (logging out); keys that do not denote a user (`cart`, `theme`, …).',
      example: {
        lang: 'python',
        bad: "def cert_login(request):\n    user = lookup_user(request)\n    request.session['user_id'] = user.pk\n    return redirect('/')",
        good: "from django.contrib.auth import login\n\ndef cert_login(request):\n    user = lookup_user(request)\n    login(request, user)  # rotates the session key\n    return redirect('/')",
      },
      references: [
        'https://cwe.mitre.org/data/definitions/384.html',
        'https://docs.djangoproject.com/en/stable/topics/http/sessions/#django.contrib.sessions.backends.base.SessionBase.cycle_key',
        'https://owasp.org/www-community/attacks/Session_fixation',
      ],
    },
    fix: 'Authenticate with `django.contrib.auth.login(request, user)`, which rotates the session key; if you must keep your own session keys, call `request.session.cycle_key()` before writing them.',
    messages: {
      authKey: "`{{target}}` writes Django's login key by hand without `login()` or `cycle_key()`: the pre-login session id stays valid for the logged-in user.",
      customKey: '`{{target}}` marks the session as belonging to a user without `login()` or `cycle_key()`: the pre-login session id stays valid for the logged-in user.',
    },
  },
  check(ctx) {
    const { model } = ctx;
    const first = once();
    authSurface(model); // loads the views the URLconf names
    for (const mod of model.python.loaded) {
      if (!mod.src.includes('session')) continue;
      for (const fn of mod.allFunctions) {
        for (const hit of sessionWrites(mod, fn)) {
          if (ROTATES_RE.test(codeText(fn.cls ? fn.cls.node : fn.node, mod.src))) continue;
          if (!first(`${mod.path}:${hit.node.line}:${hit.node.col}`)) continue;
          ctx.report({
            messageId: DJANGO_KEYS.test(hit.key) ? 'authKey' : 'customKey',
            data: { target: hit.text },
            at: { file: mod.path, line: hit.node.line, column: hit.node.col, endLine: hit.node.endLine, endColumn: hit.node.endCol },
          });
        }
      }
    }
  },
});

function sessionWrites(mod: PyModule, fn: PyFunction): { node: PyNode; key: string; text: string }[] {
  const out: { node: PyNode; key: string; text: string }[] = [];
  walkScope(fn.body, (n) => {
    if (n.type !== 'assignment') return true;
    const left = unparen(field(n, 'left'));
    const right = unparen(field(n, 'right'));
    if (!left || left.type !== 'subscript' || !right) return true;
    const base = dotted(field(left, 'value'), mod.src);
    if (!base || !/(^|\.)session$/.test(base)) return true;
    const key = stringValue(field(left, 'subscript'), mod.src);
    if (key === null || !(DJANGO_KEYS.test(key) || CUSTOM_KEYS.test(key))) return true;
    if (right.type === 'none' || right.type === 'false' || (right.type === 'integer' && mod.text(right) === '0') || stringValue(right, mod.src) === '') return true;
    out.push({ node: n, key, text: mod.text(left) });
    return true;
  });
  return out;
}
