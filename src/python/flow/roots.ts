// Entry points: which project functions are views, middleware, authentication backends or DRF
// authentication classes, and the middleware classes MIDDLEWARE lists.

import type { ProjectModel } from '../../model/project.js';
import type { PyClass, PyFunction } from '../module.js';
import { stringValue, walk } from '../ast.js';
import { qualifiedIs, type PythonProject } from '../project.js';
import type { RootKind } from './values.js';

export const VIEW_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'dispatch', 'list', 'create', 'retrieve', 'update', 'partial_update', 'destroy']);
export const MIDDLEWARE_METHODS = new Set(['__call__', 'process_request', 'process_view', '__acall__']);

export function rootKindOf(fn: PyFunction, project: PythonProject): RootKind | null {
  const cls = fn.cls;
  if (cls) {
    const anc = project.ancestry(cls);
    const isDrfAuth = anc.some((q) => qualifiedIs(q, 'BaseAuthentication', 'rest_framework.authentication.BaseAuthentication', 'RemoteUserAuthentication', 'TokenAuthentication', 'SessionAuthentication'));
    if (fn.name === 'authenticate' && isDrfAuth) return 'drf-auth';
    if (fn.name === 'authenticate' && fn.params.includes('request')) {
      if (anc.some((q) => /BaseAuthentication$/.test(q))) return 'drf-auth';
      return 'backend';
    }
    if (fn.name === 'authenticate' && /Authentication$/.test(cls.name)) return 'drf-auth';
    if (fn.name === 'authenticate') return 'backend';
    // Django calls RemoteUserBackend.clean_username with the asserted user name.
    if ((fn.name === 'clean_username' || fn.name === 'configure_user') && fn.params.length >= 2 && anc.some((q) => qualifiedIs(q, 'RemoteUserBackend'))) return 'backend';
    if (fn.name === 'has_permission' || fn.name === 'has_object_permission') return 'view';
    if (MIDDLEWARE_METHODS.has(fn.name) && fn.params.length >= 2) return 'middleware';
    if (VIEW_METHODS.has(fn.name) && fn.params.length >= 2) return 'view';
    // A DRF ViewSet's extra action (`@action(detail=True, methods=['post'])`, DRF < 3.9 `@detail_route`/`@list_route`): routed like a handler.
    if (fn.params.length >= 2 && fn.decorators.some((d) => isDrfAction(project, fn, d))) return 'view';
    return null;
  }
  if (fn.outer) {
    // Function-style middleware: def middleware(request) inside def factory(get_response)
    if (fn.params[0] === 'request' && fn.outer.params.includes('get_response')) return 'middleware';
    // View decorators: def require_cert(view): def wrapper(request, *args, **kwargs): ...
    if ((fn.params[0] === 'request' || fn.params[0] === 'req') && !fn.outer.cls) return 'view';
    return null;
  }
  if (fn.params[0] === 'request' || fn.params[0] === 'req') return 'view';
  return null;
}

function isDrfAction(project: PythonProject, fn: PyFunction, deco: string): boolean {
  const name = deco.replace(/\(.*$/s, '').trim();
  const q = project.withoutLoading(() => project.qualify(fn.module, name)) ?? name;
  return /(^|\.)(action|detail_route|list_route)$/.test(q) && (q.startsWith('rest_framework.') || !q.includes('.') || /(^|\.)decorators\.(action|detail_route|list_route)$/.test(q));
}

/** Project middleware classes listed in a MIDDLEWARE setting. */
export function listedMiddleware(model: ProjectModel): Set<PyClass> {
  const out = new Set<PyClass>();
  const names: string[] = [];
  const s = model.settings.get('MIDDLEWARE') ?? model.settings.get('MIDDLEWARE_CLASSES');
  if (s && Array.isArray(s.value)) for (const v of s.value) if (typeof v === 'string') names.push(v);
  for (const mod of model.analysed) {
    for (const a of mod.assigns) {
      if (a.name !== 'MIDDLEWARE' && a.name !== 'MIDDLEWARE_CLASSES') continue;
      walk(a.value, (n) => {
        const v = stringValue(n, mod.src);
        if (v) names.push(v);
        return n.type !== 'string';
      });
    }
  }
  for (const dottedPath of names) {
    const i = dottedPath.lastIndexOf('.');
    if (i < 0) continue;
    const r = model.python.resolveIn(dottedPath.slice(0, i), dottedPath.slice(i + 1));
    if (r?.kind === 'class') out.add(r.cls);
  }
  return out;
}
