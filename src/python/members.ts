// What a name in the project is bound to, for the few library facts the analysis needs: the value
// of a class member (a class attribute, a data-class field's default or a `@property`, as the
// semantic model finds it), what a function returns, compiled regular expressions (`re.compile(...)` under any name), and Django's
// user model (`get_user_model()`, `User`, a project subclass of `AbstractBaseUser`, the model
// `AUTH_USER_MODEL` names).

import type { PyNode } from './parser.js';
import type { PyClass, PyFunction, PyModule } from './module.js';
import { qualifiedIs, type PythonProject } from './project.js';
import { dotted, field, named, stringValue, unparen, walkScope } from './ast.js';

const MAX_DEPTH = 8;

export { isProperty, returnExprs } from './semantic/members.js';

/** A member that is a value on the class: a class attribute (or a data-class field's default), or a `@property`. */
export type ClassMember = { kind: 'attr'; cls: PyClass; value: PyNode; node: PyNode } | { kind: 'property'; cls: PyClass; fn: PyFunction; node: PyNode; values: PyNode[] };

/**
 * A class member as Python finds it on an instance, as the semantic model answers it: the
 * class's own class-level assignment, data-class field default or `@property` (the later
 * definition wins), else the same through its project bases. A plain method of that name, or a
 * field without a default, is not a value: null.
 */
export function classMember(project: PythonProject, cls: PyClass, name: string): ClassMember | null {
  const m = project.semantic.classMember(cls, name);
  if (!m || m.kind === 'method') return null;
  if (m.kind === 'field') return m.value ? { kind: 'attr', cls: m.cls, value: m.value, node: m.node } : null;
  return m;
}

/** The value nodes a member evaluates to: the assigned expression, or every expression the property returns. */
export function memberValues(m: ClassMember): PyNode[] {
  return m.kind === 'attr' ? [m.value] : m.values;
}

/** The value last assigned to a plain local name inside a function (flow-insensitive). */
export function localValue(fn: PyFunction, name: string): PyNode | null {
  let found: PyNode | null = null;
  walkScope(fn.body, (n) => {
    if (n.type === 'assignment') {
      const l = field(n, 'left');
      const r = field(n, 'right');
      if (l?.type === 'identifier' && r && fn.module.text(l) === name) found = r;
    }
    return true;
  });
  return found;
}

/** Where the value of an expression comes from when it is a name: a local, a class member, a module binding. */
type Origin = { node: PyNode; mod: PyModule; cls: PyClass | null; fn: PyFunction | null };

function bindingOf(project: PythonProject, n: PyNode, mod: PyModule, cls: PyClass | null, fn: PyFunction | null): Origin | 'external' | null {
  if (n.type === 'identifier') {
    const name = mod.text(n);
    if (fn && !fn.params.includes(name)) {
      const local = localValue(fn, name);
      if (local) return { node: local, mod, cls, fn };
    }
    if (fn && fn.params.includes(name)) return null;
    const r = project.resolveNode(mod, n);
    if (r?.kind === 'assign') return { node: r.value, mod: r.mod, cls: null, fn: null };
    if (r?.kind === 'external') return 'external';
    return null;
  }
  if (n.type === 'attribute') {
    const obj = unparen(field(n, 'object'));
    const attr = field(n, 'attribute');
    if (!obj || !attr) return null;
    const an = mod.text(attr);
    let owner: PyClass | null = null;
    if (obj.type === 'identifier' && (mod.text(obj) === 'self' || mod.text(obj) === 'cls') && cls) owner = cls;
    else {
      const r = project.resolveNode(mod, obj);
      if (r?.kind === 'class') owner = r.cls;
      else if (r?.kind === 'module') {
        const m = project.resolve(r.mod, an);
        if (m?.kind === 'assign') return { node: m.value, mod: m.mod, cls: null, fn: null };
        return null;
      }
    }
    if (!owner) return null;
    const m = classMember(project, owner, an);
    if (m?.kind === 'attr') return { node: m.value, mod: m.cls.module, cls: m.cls, fn: null };
    if (m?.kind === 'property' && m.values.length === 1) return { node: m.values[0], mod: m.cls.module, cls: m.cls, fn: m.fn };
    return null;
  }
  return null;
}

/** Is `n` a compiled regular expression (`re.compile(...)`), whatever the name it is bound to? */
export function isCompiledRegex(project: PythonProject, n: PyNode | null, mod: PyModule, cls: PyClass | null, fn: PyFunction | null, depth = 0): boolean {
  const u = unparen(n);
  if (!u || depth > MAX_DEPTH) return false;
  if (u.type === 'call') {
    const f = dotted(field(u, 'function'), mod.src);
    if (!f) return false;
    const q = project.qualifyNode(mod, u) ?? f;
    return q === 're.compile' || q === 'regex.compile';
  }
  const b = bindingOf(project, u, mod, cls, fn);
  if (!b || b === 'external') return false;
  return isCompiledRegex(project, b.node, b.mod, b.cls, b.fn, depth + 1);
}

/**
 * The model a queryset expression is on: `X` in `X.objects.filter(...)`, `X._default_manager`,
 * else the leftmost name of the chain.
 */
export function queryModelExpr(recv: PyNode, mod: PyModule): PyNode {
  let n: PyNode | null = unparen(recv);
  let last: PyNode = recv;
  while (n) {
    last = n;
    if (n.type === 'call') n = unparen(field(n, 'function'));
    else if (n.type === 'attribute') {
      const attr = field(n, 'attribute');
      const obj = unparen(field(n, 'object'));
      if (attr && /^(objects|_default_manager|_base_manager)$/.test(mod.text(attr)) && obj) return obj;
      n = obj;
    } else break;
  }
  return last;
}

/** Is the class Django's user model (a subclass of the auth base classes, or the model AUTH_USER_MODEL names)? */
function classIsUserModel(project: PythonProject, cls: PyClass, authUserModel: string | null): boolean {
  if (cls.name === 'User' || project.ancestry(cls).some((q) => qualifiedIs(q, 'AbstractBaseUser', 'AbstractUser', 'auth.models.User'))) return true;
  return namesAuthUserModel(`${cls.module.name}.${cls.qualname}`, authUserModel);
}

/** `app_label.Model` (AUTH_USER_MODEL) against a qualified class name `…app_label….models.Model`. */
function namesAuthUserModel(q: string, authUserModel: string | null): boolean {
  if (!authUserModel || !authUserModel.includes('.')) return false;
  const [label, model] = [authUserModel.slice(0, authUserModel.lastIndexOf('.')), authUserModel.slice(authUserModel.lastIndexOf('.') + 1)];
  const parts = q.split('.');
  return parts[parts.length - 1] === model && parts.slice(0, -1).includes(label);
}

/**
 * Is `n` Django's user model: `get_user_model()`, `apps.get_model(settings.AUTH_USER_MODEL)`,
 * `django.contrib.auth.models.User`, a project subclass of AbstractBaseUser/AbstractUser, the model
 * AUTH_USER_MODEL names, or a name bound to one of those? A model class named `User`, and a name
 * that cannot be resolved at all, are taken by Django's naming convention (`User`, `UserModel`).
 */
export function isUserModel(project: PythonProject, n: PyNode | null, mod: PyModule, cls: PyClass | null, fn: PyFunction | null, authUserModel: string | null, depth = 0): boolean {
  const u = unparen(n);
  if (!u || depth > MAX_DEPTH) return false;
  if (u.type === 'call') {
    const f = dotted(field(u, 'function'), mod.src) ?? '';
    const q = project.qualifyNode(mod, u) ?? f;
    if (/(^|\.)get_user_model$/.test(q)) return true;
    if (/(^|\.)get_model$/.test(q)) {
      const args = field(u, 'arguments');
      const [first, second] = args ? named(args) : [];
      if (first && /\bAUTH_USER_MODEL\b/.test(mod.text(first))) return true;
      // `get_model("app.Model")` or `get_model("app", "Model")`.
      const s1 = first ? stringValue(first, mod.src) : null;
      const s2 = second ? stringValue(second, mod.src) : null;
      const label = (s2 !== null && s1 !== null ? `${s1}.${s2}` : s1)?.toLowerCase();
      return !!label && (label === 'auth.user' || (!!authUserModel && label === authUserModel.toLowerCase()));
    }
    return false;
  }
  if (u.type === 'identifier' || u.type === 'attribute') {
    const name = dotted(u, mod.src);
    if (name && u.type === 'attribute' && /^settings\.AUTH_USER_MODEL$/.test(name)) return true;
    const resolved = name && !(u.type === 'identifier' && fn && (fn.params.includes(name) || localValue(fn, name))) && !/^(self|cls)\./.test(name) ? project.resolveNode(mod, u) : null;
    if (resolved?.kind === 'class') return classIsUserModel(project, resolved.cls, authUserModel);
    if (resolved?.kind === 'external') {
      const q = resolved.qualified;
      // A model class named `User` in a module outside the tree is, by Django's convention, the user model.
      return qualifiedIs(q, 'User', 'django.contrib.auth.models.AbstractUser', 'django.contrib.auth.models.AbstractBaseUser') || namesAuthUserModel(q, authUserModel);
    }
    if (resolved?.kind === 'function' || resolved?.kind === 'module') return false;
    const b = bindingOf(project, u, mod, cls, fn);
    if (b && b !== 'external') return isUserModel(project, b.node, b.mod, b.cls, b.fn, authUserModel, depth + 1);
    if (!b && !resolved && u.type === 'identifier' && !(fn && fn.params.includes(mod.text(u)))) return /^(User|UserModel)$/.test(mod.text(u));
    return false;
  }
  return false;
}
