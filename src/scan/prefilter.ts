// Which Python files are worth parsing. A file without any trigger below cannot matter to a rule
// and is never parsed (unless an analysed module imports or routes to it, see the engine).
//
// Two stages, as grep and Hyperscan do it:
//  1. one pass over the raw bytes with an Aho–Corasick automaton of literal atoms, ASCII case
//     folded, which yields the set of trigger groups whose atoms occur (a necessary condition);
//  2. the exact pattern of each group found, on that file only.
// Most files of a project (and 770 of Django's own 859) stop after stage 1, so the regular
// expressions never see them; one pass of the automaton costs the same whatever the number of
// atoms, where each extra regular expression or `includes` would be another pass over every file.

import { certKeyAtoms, certKeySourceRegExp } from '../python/vocabulary.js';

export interface TriggerGroup {
  name: string;
  /** Literals at least one of which occurs (ASCII case-insensitively) wherever `exact` matches. */
  atoms: string[];
  /** The trigger itself, run only where an atom occurs. */
  exact: RegExp;
}

export const TRIGGER_GROUPS: TriggerGroup[] = [
  {
    // A settings module named by a literal (`os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'x')`,
    // `environ['DJANGO_SETTINGS_MODULE'] = 'x'`, `{'DJANGO_SETTINGS_MODULE': 'x'}`, `'DJANGO_SETTINGS_MODULE=x'`):
    // code that only reads the variable cannot tell where the settings are.
    name: 'settings-module',
    atoms: ['django_settings_module'],
    exact: /['"]DJANGO_SETTINGS_MODULE['"]\s*(?:,|\]\s*=|:)\s*[rRuUbBfF]?['"]|DJANGO_SETTINGS_MODULE=[A-Za-z_]/,
  },
  {
    // Certificate and identity sources, parsing.
    name: 'certificate',
    atoms: [
      'client_cert',
      'client_s_dn',
      'client_i_dn',
      'client_verify',
      'client_fingerprint',
      'client_serial',
      'ssl_client',
      'forwarded_client',
      'forwarded-client',
      'client-cert',
      'ssl-client',
      'remote_user',
      'remoteuser',
      'x509',
      'load_certificate',
    ],
    exact: /CLIENT_(?:CERT|S_DN|I_DN|VERIFY|FINGERPRINT|SERIAL)|SSL_CLIENT|FORWARDED_CLIENT|Forwarded-Client|[Cc]lient-[Cc]ert|[Ss]sl-[Cc]lient|REMOTE_USER|RemoteUser|[xX]509|load_certificate/,
  },
  {
    // Authentication surface the rules read outside the routed views: session writes, throttling,
    // unrouted views opened by DRF permissions or csrf_exempt, reset-token generators, backends.
    // Uses, not definitions: Django's own `def csrf_exempt(` decides nothing. Logins (LoginView,
    // obtain_auth_token, simplejwt) and URLconfs matter only where the URL map routes to them, and
    // the URL map is followed from ROOT_URLCONF and urls.py, loading modules on demand.
    name: 'auth-surface',
    atoms: ['_auth_user_', 'ratelimit', 'throttle', 'csrf_exempt', 'allowany', 'authentication_classes', 'passwordresettokengenerator)', 'def make_token', 'reset_token', 'def authenticate('],
    // Reset-token helpers where they are defined (`def make_reset_token(`): a constant such as
    // `'_password_reset_token'` generates nothing.
    exact: /session\[\s*['"]_auth_user_|ratelimit|throttle|@csrf_exempt|(?<!def )\bcsrf_exempt\s*[,)(\]]|AllowAny|authentication_classes|PasswordResetTokenGenerator\)|def make_token|def \w*reset_token|def authenticate\(/,
  },
  {
    name: 'session-identity',
    atoms: ['.session['],
    exact: /\.session\[\s*['"](?:user|uid|auth|logged|is_auth|account|member|principal|identity|current_user|cert_user|client_user)/,
  },
  {
    // Header spellings vary in case (`X-SSL-Client-Cert`, `x-ssl-client-cert`, `X_Ssl_Client_Cert`);
    // request attributes a middleware fills from the certificate.
    name: 'request-certificate-attribute',
    atoms: ['request.'],
    exact: /request\.(?:\w*_)?(?:cert|certificate|subject|ssl|mtls|client_dn|client_cn)\w*/i,
  },
  {
    // Every certificate/identity key the classifier knows (python/vocabulary.ts, shared with
    // flow.ts), as a WSGI key or a header name in either spelling.
    name: 'certificate-header',
    atoms: certKeyAtoms(),
    exact: certKeySourceRegExp(),
  },
];

/**
 * Settings modules by name: parsed whatever they contain. A settings module with any other name is
 * the one DJANGO_SETTINGS_MODULE names, and is loaded on demand by that name; a file that merely
 * assigns setting names (Django's own global_settings.py, docs, examples) is no project's
 * settings, so assignments are not a trigger. URLconfs are loaded on demand too: from ROOT_URLCONF
 * and its include()s, or, in a Django project whose ROOT_URLCONF cannot be found, every urls.py
 * (urls/resolve.ts); a tree that is no Django project (a library, Django itself) needs none.
 */
export const ALWAYS_PARSED_RE = /(^|\/)settings\.py$|(^|\/)settings\//;
/**
 * Django's entry points: parsed when they name the settings module (`manage.py`, `wsgi.py` and
 * `asgi.py` otherwise share their names with framework modules such as django/core/handlers/wsgi.py).
 */
const ENTRY_POINT_RE = /(^|\/)(manage|wsgi|asgi)\.py$/;
const SETTINGS_MODULE_GROUP = 1 << TRIGGER_GROUPS.findIndex((g) => g.name === 'settings-module');

/**
 * A dense Aho–Corasick automaton over byte classes (ASCII letters folded to lower case). States are
 * stored premultiplied by the number of classes (`next = delta[state + class]`), and negated when
 * an atom ends there, so the hot loop is one load and one sign test per byte.
 */
interface Automaton {
  /** Byte → class (0: a byte no atom contains). */
  cls: Uint8Array;
  nClasses: number;
  delta: Int32Array;
  /** By (positive, premultiplied) state / nClasses: the bit mask of the groups whose atom ends there. */
  out: Uint32Array;
}

function build(groups: { atoms: string[] }[]): Automaton {
  if (groups.length > 31) throw new Error('at most 31 atom groups');
  const fold = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);
  const cls = new Uint8Array(256);
  let nClasses = 1;
  for (const g of groups) {
    for (const a of g.atoms) {
      for (let i = 0; i < a.length; i++) {
        const c = fold(a.charCodeAt(i));
        if (c > 127) throw new Error(`non-ASCII atom ${a}`);
        if (!cls[c]) {
          cls[c] = nClasses++;
          if (c >= 97 && c <= 122) cls[c - 32] = cls[c];
        }
      }
    }
  }
  // The trie.
  const goto: Map<number, number>[] = [new Map<number, number>()];
  const outList: number[] = [0];
  groups.forEach((g, gi) => {
    for (const a of g.atoms) {
      let s = 0;
      for (let i = 0; i < a.length; i++) {
        const k = cls[fold(a.charCodeAt(i))];
        let n = goto[s].get(k);
        if (n === undefined) {
          n = goto.length;
          goto.push(new Map());
          outList.push(0);
          goto[s].set(k, n);
        }
        s = n;
      }
      outList[s] |= 1 << gi;
    }
  });
  // Breadth-first: failure links folded into a full transition table.
  const n = goto.length;
  const delta = new Int32Array(n * nClasses);
  const fail = new Int32Array(n);
  const out = Uint32Array.from(outList);
  const queue: number[] = [];
  for (let k = 0; k < nClasses; k++) {
    const t = goto[0].get(k);
    if (t !== undefined && k !== 0) {
      delta[k] = t;
      queue.push(t);
    }
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi];
    out[s] |= out[fail[s]];
    for (let k = 0; k < nClasses; k++) {
      const t = goto[s].get(k);
      if (t !== undefined && k !== 0) {
        delta[s * nClasses + k] = t;
        fail[t] = delta[fail[s] * nClasses + k];
        queue.push(t);
      } else {
        delta[s * nClasses + k] = delta[fail[s] * nClasses + k];
      }
    }
  }
  // Premultiply and mark output states.
  for (let i = 0; i < delta.length; i++) {
    const t = delta[i];
    delta[i] = out[t] !== 0 ? -(t * nClasses) : t * nClasses;
  }
  return { cls, nClasses, delta, out };
}

/**
 * Literal atoms in up to 31 groups, matched ASCII case-insensitively in one pass over bytes:
 * `groups(bytes)` has bit i set when an atom of group i occurs.
 */
export class AtomMatcher {
  private readonly a: Automaton;
  private readonly all: number;

  constructor(groups: { atoms: string[] }[]) {
    this.a = build(groups);
    this.all = groups.length >= 31 ? 0x7fffffff : (1 << groups.length) - 1;
  }

  groups(bytes: Uint8Array): number {
    const { cls, delta, out, nClasses } = this.a;
    const all = this.all;
    let s = 0;
    let found = 0;
    for (let i = 0, len = bytes.length; i < len; i++) {
      s = delta[s + cls[bytes[i]]];
      if (s < 0) {
        s = -s;
        found |= out[s / nClasses];
        if (found === all) break;
      }
    }
    return found;
  }
}

let triggers: AtomMatcher | null = null;

/** The trigger groups' matcher, built on first use. */
export function triggerMatcher(): AtomMatcher {
  return (triggers ??= new AtomMatcher(TRIGGER_GROUPS));
}

/** Stage 1: the groups (bit i = TRIGGER_GROUPS[i]) with an atom somewhere in `bytes`. */
export function atomGroups(bytes: Uint8Array): number {
  return triggerMatcher().groups(bytes);
}

/**
 * Whether a file is parsed: its path is a Django entry point or settings module, or a trigger
 * matches. `text` gives the contents as a string (the caller decodes lazily: only files with an
 * atom are ever turned into strings here).
 */
export function wantsParse(path: string, bytes: Uint8Array, text: () => string): boolean {
  if (ALWAYS_PARSED_RE.test(path)) return true;
  const groups = atomGroups(bytes);
  if (groups === 0) return false;
  if (groups & SETTINGS_MODULE_GROUP && ENTRY_POINT_RE.test(path)) return true;
  const t = text();
  for (let i = 0; i < TRIGGER_GROUPS.length; i++) {
    if (groups & (1 << i) && TRIGGER_GROUPS[i].exact.test(t)) return true;
  }
  return false;
}

/** The same decision on a string (tests and tools that already hold the text). */
export function wantsParseText(path: string, text: string): boolean {
  return wantsParse(path, Buffer.from(text, 'utf8'), () => text);
}
