// DRF permission classes of a view, resolved through the module's imports (aliases included):
// does the method an entry point handles already require an authenticated user?

import type { PyNode } from '../../python/parser.js';
import type { PyClass, PyFunction, PyModule } from '../../python/module.js';
import type { PythonProject } from '../../python/project.js';
import { qualifiedIs } from '../../python/project.js';
import { dotted, field, named, unparen } from '../../python/ast.js';
import type { ProjectModel } from '../../model/project.js';
import { entry, isUnknown, stringItems } from '../../settings/model.js';

/** Which methods a permission requires an authenticated user for. */
type Needs = 'all' | 'unsafe' | 'none' | 'unknown';

/** Handler names DRF calls for safe (read-only) HTTP methods. */
const SAFE_HANDLERS = new Set(['get', 'head', 'options', 'list', 'retrieve']);
const UNSAFE_HANDLERS = new Set(['post', 'put', 'patch', 'delete', 'create', 'update', 'partial_update', 'destroy']);

const ALWAYS = ['IsAuthenticated', 'IsAdminUser', 'DjangoModelPermissions', 'DjangoObjectPermissions'];
const UNSAFE_ONLY = ['IsAuthenticatedOrReadOnly', 'DjangoModelPermissionsOrAnonReadOnly'];

function byQualified(q: string): Needs {
  if (qualifiedIs(q, ...UNSAFE_ONLY)) return 'unsafe';
  if (qualifiedIs(q, ...ALWAYS)) return 'all';
  if (qualifiedIs(q, 'AllowAny')) return 'none';
  return 'unknown';
}

function classNeeds(python: PythonProject, cls: PyClass): Needs {
  // A project permission with its own test decides for itself: not known here.
  if (cls.methods.has('has_permission')) return 'unknown';
  for (const q of python.ancestry(cls)) {
    const n = byQualified(q);
    if (n !== 'unknown') return n;
  }
  return 'unknown';
}

/** What one permission expression (`IsAuthenticated`, `alias`, `A | B`, `A & B`) requires. */
function exprNeeds(python: PythonProject, mod: PyModule, n: PyNode): Needs {
  const u = unparen(n);
  if (!u) return 'unknown';
  if (u.type === 'binary_operator') {
    const l = field(u, 'left');
    const r = field(u, 'right');
    const op = u.children.find((c) => !c.named);
    const a = l ? exprNeeds(python, mod, l) : 'unknown';
    const b = r ? exprNeeds(python, mod, r) : 'unknown';
    if (op && mod.text(op) === '&') return strongest([a, b]);
    if (op && mod.text(op) === '|') return weakest(a, b);
    return 'unknown';
  }
  const name = dotted(u, mod.src);
  if (!name) return 'unknown';
  const r = python.resolveNode(mod, u);
  if (r?.kind === 'class') return classNeeds(python, r.cls);
  return byQualified(python.qualifyNode(mod, u) ?? name);
}

/** All of the list must pass (DRF ANDs permission classes). */
function strongest(xs: Needs[]): Needs {
  if (xs.includes('all')) return 'all';
  if (xs.includes('unsafe')) return 'unsafe';
  if (xs.includes('unknown')) return 'unknown';
  return 'none';
}

/** Either may pass (`A | B`). */
function weakest(a: Needs, b: Needs): Needs {
  if (a === 'none' || b === 'none') return 'none';
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  if (a === 'unsafe' || b === 'unsafe') return 'unsafe';
  return 'all';
}

function isDrfView(python: PythonProject, cls: PyClass): boolean {
  return python.ancestry(cls).some((q) => /^rest_framework\.(views|generics|viewsets|mixins)\./.test(q) || qualifiedIs(q, 'APIView', 'GenericAPIView', 'ViewSet', 'GenericViewSet', 'ModelViewSet', 'ReadOnlyModelViewSet'));
}

/** The permission classes in force on a DRF class-based view: its own (through bases) or the project default. */
function viewNeeds(model: ProjectModel, cls: PyClass): Needs | null {
  const python = model.python;
  // `get_permissions()` overridden: the classes depend on the request, not known here.
  if (python.findMethod(cls, 'get_permissions')) return null;
  const own = python.classAttr(cls, 'permission_classes');
  if (own) {
    const u = unparen(own.value);
    if (!u || (u.type !== 'list' && u.type !== 'tuple')) return null;
    return strongest(
      named(u)
        .filter((x) => x.type !== 'comment')
        .map((x) => exprNeeds(python, own.cls.module, x)),
    );
  }
  if (!isDrfView(python, cls)) return null;
  return defaultNeeds(model);
}

/** REST_FRAMEWORK['DEFAULT_PERMISSION_CLASSES'] (AllowAny when the setting leaves it out); null when unknown. */
function defaultNeeds(model: ProjectModel): Needs | null {
  const rf = model.settings.get('REST_FRAMEWORK');
  if (!rf || isUnknown(rf.value) || !rf.tree.entries) return null;
  const dflt = entry(rf.tree, 'DEFAULT_PERMISSION_CLASSES');
  if (!dflt) return 'none';
  if (!dflt.items || isUnknown(dflt.value)) return null;
  return strongest(stringItems(dflt).map(byQualified));
}

/**
 * Do the DRF permission classes in force on the view method `fn` require an authenticated user
 * for the requests it handles? `IsAuthenticatedOrReadOnly` leaves safe methods anonymous.
 * Null when the view has no (resolvable) DRF permissions.
 */
export function drfRequiresUser(model: ProjectModel, fn: PyFunction): boolean | null {
  if (!fn.cls) return functionViewRequiresUser(model, fn);
  const needs = viewNeeds(model, fn.cls);
  if (needs === null) return null;
  if (needs === 'all') return true;
  if (needs === 'unsafe') return UNSAFE_HANDLERS.has(fn.name) && !SAFE_HANDLERS.has(fn.name);
  return false;
}

/** The decorator calls of a function (`@api_view([...])`, `@permission_classes([...])`): last name → call node. */
function decoratorCalls(fn: PyFunction): Map<string, PyNode> {
  const out = new Map<string, PyNode>();
  if (fn.node.type !== 'decorated_definition') return out;
  for (const d of fn.node.children.filter((c) => c.type === 'decorator')) {
    const e = unparen(named(d)[0] ?? null);
    if (e?.type !== 'call') continue;
    const name = dotted(field(e, 'function'), fn.module.src);
    if (name) out.set(name.slice(name.lastIndexOf('.') + 1), e);
  }
  return out;
}

function firstArg(call: PyNode): PyNode | null {
  const args = field(call, 'arguments');
  return args ? (named(args).find((a) => a.type !== 'keyword_argument' && a.type !== 'comment') ?? null) : null;
}

/** A function view under `@api_view`: `@permission_classes([...])` or the project default, for the methods it accepts. */
function functionViewRequiresUser(model: ProjectModel, fn: PyFunction): boolean | null {
  const decos = decoratorCalls(fn);
  const api = decos.get('api_view');
  if (!api) return null;
  const python = model.python;
  let needs: Needs | null;
  const perms = decos.get('permission_classes');
  if (perms) {
    const list = unparen(firstArg(perms));
    if (!list || (list.type !== 'list' && list.type !== 'tuple')) return null;
    needs = strongest(
      named(list)
        .filter((x) => x.type !== 'comment')
        .map((x) => exprNeeds(python, fn.module, x)),
    );
  } else needs = defaultNeeds(model);
  if (needs === null) return null;
  if (needs === 'all') return true;
  if (needs !== 'unsafe') return false;
  // `@api_view()` accepts GET only; a list of methods that are all unsafe needs a user.
  const methods = unparen(firstArg(api));
  if (!methods || (methods.type !== 'list' && methods.type !== 'tuple')) return false;
  const names = named(methods).map((m) =>
    fn.module
      .text(m)
      .replace(/^['"]|['"]$/g, '')
      .toLowerCase(),
  );
  return names.length > 0 && names.every((m) => UNSAFE_HANDLERS.has(m));
}
