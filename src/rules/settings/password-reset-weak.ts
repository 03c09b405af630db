// password-reset-weak: a long-lived reset link, or a custom reset token built from predictable values.

import { defineRule } from '../../core/rule.js';
import type { PyNode } from '../../python/parser.js';
import type { PyFunction } from '../../python/module.js';
import { codeText, dotted, field, named, walk } from '../../python/ast.js';
import type { PythonProject } from '../../python/project.js';
import { allImports } from '../../python/semantic/scopes.js';
import { authSurface } from '../../urls/surface.js';
import { at, duration, envNote, once, siteKey } from './support.js';

export type MessageIds = 'timeout' | 'timeoutDays' | 'predictable';

/** Values that make a token unguessable (or keyed) when they feed it. */
const STRONG_RE =
  /\bsecrets\.|\bos\.urandom\b|\burandom\s*\(|\bget_random_string\b|\buuid4\b|\bSystemRandom\b|\bsalted_hmac\b|\bhmac\.new\b|\bhmac\.digest\b|\bSECRET_KEY\b|\bsigning\.|\b\w*Signer\b|\bsuper\(\)\.|\bsuper\(\w+,\s*self\)\.|\btoken_urlsafe\b|\btoken_hex\b|\btoken_bytes\b|\bdefault_token_generator\b|\bPasswordResetTokenGenerator\(\)|\b_make_token_with_timestamp\b|\bmake_password\b|\bFernet\b/;
const TOKEN_NAME_RE = /token|reset_code|reset_key|recovery_code|reset_link/i;
const RESET_CONTEXT_RE = /reset|recover|forgot|password/i;
const NOT_GENERATOR_RE = /^(check|verify|validate|is_|has_|parse|decode|get_user|_make_hash_value|send|email|clean)/;

export default defineRule<MessageIds>({
  meta: {
    id: 'password-reset-weak',
    layer: 'settings',
    name: 'Weak password recovery',
    cwe: ['CWE-640'],
    severity: 'high',
    docs: {
      summary: 'An explicit `PASSWORD_RESET_TIMEOUT` (or `PASSWORD_RESET_TIMEOUT_DAYS`) above 1 day (configurable), or a custom password-reset token built from predictable values (user id, timestamp, the `random` module).',
      whyBad:
        'A reset link is a password: whoever has it sets a new one. Links valid for days sit in mailboxes, proxies and browser histories long enough to be found; tokens made from the user id, the time or `random` (a Mersenne Twister, predictable from its output) can be computed by an attacker, who then resets any account, including one that normally logs in with a certificate.',
      notReported:
        "Django's default timeout when the project does not set one; token generators that use Django's `PasswordResetTokenGenerator` (keyed with `SECRET_KEY`), `secrets`, `os.urandom`, `uuid4`, `get_random_string`, HMAC or signing; overriding `_make_hash_value` (Django still keys and hashes it).",
      example: {
        lang: 'python',
        bad: 'PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 7\n\ndef make_reset_token(user):\n    return f"{user.pk}-{int(time.time())}-{random.randint(0, 9999)}"',
        good: 'PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour\n\nfrom django.contrib.auth.tokens import default_token_generator\ntoken = default_token_generator.make_token(user)',
      },
      references: ['https://cwe.mitre.org/data/definitions/640.html', 'https://docs.djangoproject.com/en/stable/ref/settings/#password-reset-timeout', 'https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html'],
    },
    fix: "Set `PASSWORD_RESET_TIMEOUT` to an hour or less (e.g. `60 * 60`) and use Django's `default_token_generator` (or `secrets.token_urlsafe()` stored hashed, single use) for reset tokens.",
    options: {
      maxPasswordResetSeconds: { description: 'the longest PASSWORD_RESET_TIMEOUT accepted, in seconds.', default: 24 * 60 * 60, minimum: 60, maximum: 10 * 365 * 24 * 3600 },
    },
    messages: {
      timeout: '`PASSWORD_RESET_TIMEOUT` is {{age}} ({{seconds}} s){{env}}: reset links stay valid longer than {{max}}.',
      timeoutDays: '`PASSWORD_RESET_TIMEOUT_DAYS` is {{days}}{{env}}: reset links stay valid longer than {{max}}.',
      predictable: 'Password-reset token in `{{fn}}` is built from {{source}}, which an attacker can predict; use `default_token_generator` or `secrets`.',
    },
  },
  check(ctx) {
    const { model } = ctx;
    const first = once();
    const max = ctx.options.maxPasswordResetSeconds;
    for (const p of model.settings.profiles ?? []) {
      const t = p.get('PASSWORD_RESET_TIMEOUT');
      if (t && typeof t.value === 'number' && t.value > max && first(siteKey(t.site))) {
        ctx.report({ messageId: 'timeout', data: { age: duration(t.value), seconds: t.value, env: envNote(t.tree), max: duration(max) }, at: at(t.site) });
      }
      const d = p.get('PASSWORD_RESET_TIMEOUT_DAYS');
      if (d && typeof d.value === 'number' && d.value * 86400 > max && first(siteKey(d.site))) {
        ctx.report({ messageId: 'timeoutDays', data: { days: d.value, env: envNote(d.tree), max: duration(max) }, at: at(d.site) });
      }
    }
    // Views named by the URLconf are loaded lazily: resolve them before looking at the code.
    authSurface(model);
    // Token helpers live in modules named for them (`tokens.py`, `recovery.py`): load those the parsed code imports.
    for (const mod of [...model.python.loaded]) {
      for (const imp of allImports(mod)) {
        if (/token|reset|recover|password/i.test(`${imp.module}.${imp.name ?? ''}`) && !model.python.moduleByName(imp.name ? `${imp.module}.${imp.name}` : imp.module)) model.python.moduleByName(imp.module);
      }
    }
    for (const mod of model.python.loaded) {
      if (!TOKEN_NAME_RE.test(mod.src)) continue;
      for (const fn of mod.allFunctions) {
        if (!isTokenGenerator(model, fn)) continue;
        const body = fn.body;
        const text = codeText(body, mod.src);
        if (STRONG_RE.test(text)) continue;
        if (!/\breturn\b/.test(text)) continue;
        const weak = predictableSource(model.python, fn, body);
        if (!weak) continue;
        if (!first(`${mod.path}:${weak.node.line}:${weak.node.col}`)) continue;
        ctx.report({ messageId: 'predictable', data: { fn: fn.qualname, source: weak.what }, at: { file: mod.path, line: weak.node.line, column: weak.node.col, endLine: weak.node.endLine, endColumn: weak.node.endCol } });
      }
    }
  },
});

function isTokenGenerator(model: import('../../model/project.js').ProjectModel, fn: PyFunction): boolean {
  if (NOT_GENERATOR_RE.test(fn.name)) return false;
  if (fn.cls) {
    const anc = model.python.ancestry(fn.cls);
    if (anc.some((a) => /PasswordResetTokenGenerator$/.test(a))) return fn.name === 'make_token' || fn.name === '_make_token_with_timestamp';
  }
  if (!TOKEN_NAME_RE.test(fn.name)) return false;
  const context = `${fn.name} ${fn.cls?.name ?? ''} ${fn.module.path}`;
  if (RESET_CONTEXT_RE.test(context)) return true;
  // A token function used by a reset view/email in the same module.
  return /password_reset|reset_password|reset_link|forgot_password/i.test(fn.module.src);
}

type Hit = { node: PyNode; what: string; rank: number };

/** The first predictable value that feeds the function's result (its `return` values and the assignments they read). */
function predictableSource(python: PythonProject, fn: PyFunction, body: PyNode): { node: PyNode; what: string } | null {
  const hits: Hit[] = [];
  for (const expr of feedingExprs(fn, body)) hitsIn(python, fn.module, expr, hits);
  if (!hits.length) return null;
  hits.sort((x, y) => x.rank - y.rank || x.node.start - y.node.start);
  return hits[0];
}

function hitsIn(python: PythonProject, mod: PyFunction['module'], expr: PyNode, hits: Hit[]): void {
  walk(expr, (n) => {
    if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') return false;
    if (n.type === 'call') {
      // A cache key (`cache.get(f"reset:{user.pk}")`) names where a token is kept; it is not the token.
      const key = cacheKeyArg(n, mod);
      if (key) {
        const f = field(n, 'function');
        if (f) hitsIn(python, mod, f, hits);
        for (const a of named(field(n, 'arguments')!)) if (a !== key) hitsIn(python, mod, a, hits);
        return false;
      }
      const name = dotted(field(n, 'function'), mod.src) ?? '';
      const q = python.withoutLoading(() => python.qualifyNode(mod, n)) ?? name;
      if (/^random\.(?!SystemRandom)\w+$/.test(q)) hits.push({ node: n, what: `the \`random\` module (\`${name}()\`)`, rank: 0 });
      else if (/^(time\.time|time\.time_ns|datetime\.datetime\.now|datetime\.datetime\.utcnow|datetime\.now|django\.utils\.timezone\.now|timezone\.now)$/.test(q) || /(^|\.)(utcnow|time_ns)$/.test(name) || name === 'time.time')
        hits.push({ node: n, what: `the current time (\`${name}()\`)`, rank: 2 });
      else if (/^uuid\.uuid1$/.test(q)) hits.push({ node: n, what: '`uuid1()` (time and MAC address)', rank: 1 });
      return true;
    }
    if (n.type === 'attribute') {
      const attr = field(n, 'attribute');
      const a = attr ? mod.text(attr) : '';
      if (/^(pk|id|email|username|date_joined|last_login)$/.test(a)) {
        hits.push({ node: n, what: `the user's \`${a}\``, rank: 3 });
        return false;
      }
    }
    return true;
  });
}

/**
 * The expressions whose values reach the function's result: each `return` value, then (to a fixed
 * point) the right-hand side of every assignment to a name or attribute those expressions read.
 * A value written elsewhere (a cache entry, a log line) does not make the token.
 */
function feedingExprs(fn: PyFunction, body: PyNode): PyNode[] {
  const mod = fn.module;
  const returns: PyNode[] = [];
  const assigns: { left: PyNode; right: PyNode }[] = [];
  walk(body, (n) => {
    if (n !== body && (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda')) return false;
    if (n.type === 'return_statement') {
      const e = named(n)[0];
      if (e) returns.push(e);
    } else if (n.type === 'assignment' || n.type === 'augmented_assignment') {
      const left = field(n, 'left');
      const right = field(n, 'right');
      if (left && right) assigns.push({ left, right });
    }
    return true;
  });
  const needed = new Set<string>();
  const out: PyNode[] = [];
  const need = (e: PyNode) => {
    out.push(e);
    walk(e, (n) => {
      if (n.type === 'identifier' || n.type === 'attribute') needed.add(mod.text(n));
      return true;
    });
  };
  returns.forEach(need);
  const taken = new Set<number>();
  for (let changed = true; changed;) {
    changed = false;
    assigns.forEach((a, i) => {
      if (taken.has(i)) return;
      const targets = a.left.type === 'identifier' || a.left.type === 'attribute' || a.left.type === 'subscript' ? [a.left] : named(a.left);
      if (!targets.some((t) => needed.has(mod.text(t.type === 'subscript' ? (field(t, 'value') ?? t) : t)))) return;
      taken.add(i);
      need(a.right);
      changed = true;
    });
  }
  return out;
}

/** The key argument of a cache/redis call (`cache.get(key)`, `caches['x'].set(key, v)`, `redis.get(key)`), or null. */
function cacheKeyArg(call: PyNode, mod: PyFunction['module']): PyNode | null {
  const f = field(call, 'function');
  if (f?.type !== 'attribute') return null;
  const m = field(f, 'attribute');
  if (!m || !/^(get|set|add|delete|get_or_set|incr|decr|touch|has_key|setex|getdel|expire|exists)$/.test(mod.text(m))) return null;
  const obj = field(f, 'object');
  if (!obj || !/cache|redis/i.test(mod.text(obj))) return null;
  const args = field(call, 'arguments');
  if (!args) return null;
  const list = named(args).filter((a) => a.type !== 'comment');
  const kw = list.find((a) => a.type === 'keyword_argument' && mod.text(field(a, 'name')!) === 'key');
  return kw ?? list.find((a) => a.type !== 'keyword_argument') ?? null;
}
