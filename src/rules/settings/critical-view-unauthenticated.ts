// critical-view-unauthenticated: a state-changing view that explicitly lets anonymous clients in,
// in an application that authenticates with client certificates.

import { defineRule } from '../../core/rule.js';
import type { ProjectModel } from '../../model/project.js';
import type { Route } from '../../urls/model.js';
import { authSurface } from '../../urls/surface.js';
import { certRequiredAt, usesMtls, type Protections } from '../../urls/protections.js';
import { analyseView, classList, decoList, drfAttr, endsWith, viewChecksAccess, decoratorsOf, type ViewFacts } from '../../urls/views.js';
import { at, once } from './support.js';
import { refusesAnonymous } from '../../urls/drf-authenticators.js';
import { gateMarkers, markedForGate } from '../../urls/view-gates.js';
import { credentialSerializer, secretLookup } from '../../urls/secret-gates.js';

export type MessageIds = 'allowAny' | 'noAuthentication' | 'csrfExemptNoAuth';

const isAllowAny = (q: string) => endsWith(q, 'AllowAny');

export default defineRule<MessageIds>({
  meta: {
    id: 'critical-view-unauthenticated',
    layer: 'settings',
    name: 'State-changing view open to anonymous clients',
    cwe: ['CWE-306'],
    severity: 'critical',
    diagram: { check: 'authentication' },
    docs: {
      summary:
        'A state-changing view or endpoint in a certificate-authenticated application that allows anonymous access: DRF `permission_classes = [AllowAny]` (or `[]`), `authentication_classes = []` with permissions that let anonymous users through, or `csrf_exempt` with no authentication at all.',
      whyBad:
        'The certificate authentication protects the rest of the application, but this endpoint changes data for anyone who can reach it: no certificate, no session, no token. `csrf_exempt` additionally lets any web page the victim visits submit to it.',
      notReported:
        "Read-only views; login, password-reset and token endpoints (anonymous by design); views behind `login_required`/`permission_required`/`user_passes_test`/`staff_member_required`/`otp_required`, auth mixins, Django 5.1's `LoginRequiredMiddleware`, a project middleware that refuses requests without a client certificate, or a proxy location that requires a verified certificate; views that check the user, a signature (`hmac.compare_digest`) or the certificate themselves; DRF views that rely on the project's default permissions (only explicit anonymous markers are reported); projects that do not use client certificates.",
      example: {
        lang: 'python',
        bad: 'class TransferViewSet(viewsets.ModelViewSet):\n    permission_classes = [AllowAny]\n    queryset = Transfer.objects.all()\n    serializer_class = TransferSerializer',
        good: 'class TransferViewSet(viewsets.ModelViewSet):\n    permission_classes = [IsAuthenticated]\n    queryset = Transfer.objects.all()\n    serializer_class = TransferSerializer',
      },
      references: ['https://cwe.mitre.org/data/definitions/306.html', 'https://www.django-rest-framework.org/api-guide/permissions/', 'https://docs.djangoproject.com/en/stable/ref/csrf/#django.views.decorators.csrf.csrf_exempt'],
    },
    fix: 'Require an authenticated identity on every state-changing endpoint: `permission_classes = [IsAuthenticated]` (with the certificate authentication class in `authentication_classes`), `@login_required`, or `LoginRequiredMiddleware`; keep CSRF protection on session-authenticated views; verify webhook signatures with `hmac.compare_digest`.',
    messages: {
      allowAny: '{{view}}{{route}} {{changes}} and its `permission_classes` {{perm}} ({{permSrc}}): anonymous clients can change state in a certificate-authenticated app ({{mtls}}).',
      noAuthentication: '{{view}}{{route}} {{changes}} with `authentication_classes` empty ({{authSrc}}) and permissions that admit anonymous users ({{permSrc}}): no one is authenticated here ({{mtls}}).',
      csrfExemptNoAuth: '{{view}}{{route}} {{changes}}, is `csrf_exempt` ({{csrfSrc}}) and checks no identity (no login decorator, mixin, permission or certificate check): anyone (and any web page) can call it ({{mtls}}).',
    },
  },
  check(ctx) {
    const { model } = ctx;
    const mtls = usesMtls(model);
    if (!mtls) return;
    const first = once();
    const surface = authSurface(model);
    for (const sp of surface) {
      const candidates: ViewFacts[] = [...sp.views, ...unrouted(model, sp.views)];
      for (const v of candidates) {
        if (!v.project || !v.stateChanging || v.login || v.passwordReset) continue;
        const verdict = judge(model, sp.prot, v);
        if (!verdict) continue;
        if (!first(v.key)) continue;
        const route = v.route.path ? ` (routed at \`${v.route.path}\`${v.route.path.includes('*') ? '; * is a part of the URL map the scanner could not read' : ''})` : '';
        ctx.report({ messageId: verdict.messageId, data: { view: capital(v.label), route, changes: v.changes, mtls, ...verdict.data }, at: at(v.defSite), anchor: v.key });
      }
    }
  },
});

function judge(model: ProjectModel, prot: Protections, v: ViewFacts): { messageId: MessageIds; data: Record<string, string> } | null {
  if (prot.loginRequiredMiddleware && !v.decos.some((d) => endsWith(d.q, 'login_not_required'))) return null;
  if (prot.certMiddleware) return null;
  if (markedForGate(model, v, gateMarkers(model, prot.middleware))) return null;
  if (secretLookup(v)) return null;
  if (credentialSerializer(model.python, v)) return null;
  if (v.route.path && certRequiredAt(model, v.route.path)) return null;
  if (viewChecksAccess(v)) return null;
  const python = model.python;
  if (v.drf) {
    if (v.cls && (python.findMethod(v.cls, 'get_permissions') || python.findMethod(v.cls, 'check_permissions') || python.findMethod(v.cls, 'get_authenticators') || python.findMethod(v.cls, 'initial'))) return null;
    const ownPerm = decoList(python, v, 'permission_classes') ?? listAttr(model, v, 'permission_classes');
    const ownAuth = decoList(python, v, 'authentication_classes') ?? listAttr(model, v, 'authentication_classes');
    if (ownPerm === 'unknown' || ownAuth === 'unknown') return null;
    // An authentication class that refuses requests without a credential leaves no anonymous caller.
    const auths = ownAuth ?? prot.drf.authentications ?? [];
    if (auths.some((q) => refusesAnonymous(python, q))) return null;
    const permSrc = evidenceOf(model, v, 'permission_classes') ?? `the project default, \`DEFAULT_PERMISSION_CLASSES\` (DRF's \`AllowAny\` when unset): ${(prot.drf.permissions ?? []).map((q) => q.split('.').pop()).join(', ') || 'empty'}`;
    if (ownPerm && (ownPerm.length === 0 || ownPerm.every(isAllowAny))) {
      return { messageId: 'allowAny', data: { perm: ownPerm.length ? 'allow any client' : 'are empty', permSrc } };
    }
    if (ownAuth && ownAuth.length === 0) {
      const perms = ownPerm ?? prot.drf.permissions;
      if (perms && (perms.length === 0 || perms.every(isAllowAny))) return { messageId: 'noAuthentication', data: { permSrc, authSrc: evidenceOf(model, v, 'authentication_classes') ?? '`authentication_classes = []`' } };
    }
    return null;
  }
  const csrf = v.decos.find((d) => endsWith(d.q, 'csrf_exempt') && (!d.method || ['dispatch', 'post', 'put', 'patch', 'delete'].includes(d.method)));
  if (csrf) return { messageId: 'csrfExemptNoAuth', data: { csrfSrc: `${csrf.mod.path}:${csrf.node.line}` } };
  return null;
}

/** Where a DRF list comes from, as written: `@permission_classes([AllowAny])` at file:line, or `permission_classes = [...]` at file:line. */
function evidenceOf(model: ProjectModel, v: ViewFacts, name: string): string | null {
  const d = v.decos.find((x) => endsWith(x.q, name) && x.node.type === 'call');
  if (d) return `\`@${d.mod.text(d.node).split('\n')[0].slice(0, 70)}\` at ${d.mod.path}:${d.node.line}`;
  const a = drfAttr(model.python, v, name);
  if (a) return `\`${name} = ${a.mod.text(a.node).split('\n')[0].slice(0, 70)}\` at ${a.mod.path}:${a.node.line}`;
  return null;
}

function listAttr(model: ProjectModel, v: ViewFacts, name: string): string[] | null | 'unknown' {
  const a = drfAttr(model.python, v, name);
  if (!a) return null;
  return classList(model.python, a.mod, a.node) ?? 'unknown';
}

/** Views the URL map does not reach but that carry an anonymous marker (the map may be incomplete). */
function unrouted(model: ProjectModel, routed: ViewFacts[]): ViewFacts[] {
  const keys = new Set(routed.map((v) => v.key));
  const out: ViewFacts[] = [];
  for (const mod of model.analysed) {
    if (!/AllowAny|authentication_classes|permission_classes|csrf_exempt/.test(mod.src)) continue;
    for (const cls of mod.allClasses) {
      const text = mod.text(cls.node);
      if (!/AllowAny|authentication_classes|permission_classes|csrf_exempt/.test(text)) continue;
      const v = analyseView(model.python, pseudoRoute(mod.path, cls.node, { kind: 'class', cls, qualified: `${mod.name}.${cls.qualname}`, initkwargs: new Map() }));
      if (v && !keys.has(v.key) && (v.drf || v.ancestry.some((a) => /View$|ViewSet$/.test(a)))) out.push(v);
    }
    for (const fn of mod.allFunctions) {
      if (fn.cls || fn.outer) continue;
      const decos = decoratorsOf(model.python, mod, fn.node);
      if (!decos.some((d) => endsWith(d.q, 'csrf_exempt', 'api_view', 'permission_classes', 'authentication_classes'))) continue;
      const v = analyseView(model.python, pseudoRoute(mod.path, fn.node, { kind: 'function', fn, qualified: `${mod.name}.${fn.qualname}` }));
      if (v && !keys.has(v.key)) out.push(v);
    }
  }
  return out;
}

function pseudoRoute(file: string, node: import('../../python/parser.js').PyNode, view: Route['view']): Route {
  return { path: '', site: { file, line: node.line, column: node.col }, file, view, wrappers: [], includes: [] };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
