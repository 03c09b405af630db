// Queries over the code model shared by the code rules (not a rule itself).

import type { RelatedLocation } from '../../core/types.js';
import type { PyNode } from '../../python/parser.js';
import type { PyModule } from '../../python/module.js';
import type { AVal, CertFlow, FlowEvent, ParseSite, SourceRead } from '../../python/flow.js';
import { derivesFrom, isFingerprintish, isIssuerish, isSerialish, isSubjectish, pinnedByFingerprint } from '../../python/flow.js';

export { derivesFrom, isFingerprintish, isIssuerish, isSerialish, isSubjectish, pinnedByFingerprint };
import { provenanceDenies, tainted } from '../../python/flow.js';
import type { ProjectModel } from '../../model/project.js';
import { provesProvenance, revocationAtProxy, verifiedAtProxy } from '../../deploy/facts.js';
import { drfRequiresUser } from './drf-permissions.js';

export type Ev<T extends FlowEvent['t']> = Extract<FlowEvent, { t: T }>;

export function events<T extends FlowEvent['t']>(flow: CertFlow, t: T): Ev<T>[] {
  return flow.events.filter((e): e is Ev<T> => e.t === t);
}

export function at(module: PyModule, node: PyNode) {
  return { file: module.path, line: node.line, column: node.col, endLine: node.endLine, endColumn: node.endCol };
}

export function rel(module: PyModule, node: PyNode, message: string): RelatedLocation {
  return { file: module.path, line: node.line, column: node.col, message };
}

/** Flows that decide something about access (grant it somewhere). */
export function deciding(model: ProjectModel): CertFlow[] {
  return model.code.flows.filter((f) => f.grants.length > 0);
}

/** Certificate reads other than the REMOTE_USER-style identity variables. */
export function certReads(flow: CertFlow): SourceRead[] {
  return flow.reads.filter((r) => r.kind !== 'user');
}

export { tainted };

/** Does the flow decide on the *contents* of a certificate value (not only its presence)? */
export function hasIdentityDecision(flow: CertFlow): boolean {
  return flow.events.some((e) => {
    switch (e.t) {
      case 'lookup':
        // A deny-list query refuses listed certificates; it decides no identity.
        return !e.denyList;
      case 'parse':
      case 'dnop':
        return true;
      case 'compare':
        return !e.presenceLike && e.vals.some(tainted);
      case 'session-compare':
        return true;
      case 'cond':
        // A decision on what a library made of the certificate (`if not verify_with_lib(pem)`).
        return (e.denies || e.grants) && e.val.kinds.has('opaque') && tainted(e.val);
      default:
        return false;
    }
  });
}

export function grantRelated(flow: CertFlow): RelatedLocation[] {
  const g = flow.grants[0];
  const out: RelatedLocation[] = [];
  if (g) out.push({ file: g.file, line: g.line, message: `access granted here (${g.kind})` });
  return out;
}

/** Does something in the code prove where the certificate came from? */
export function codeProvenance(model: ProjectModel, flow: CertFlow): FlowEvent | null {
  const local = flow.events.find((e) => e.t === 'check' && e.what === 'provenance' && provenanceDenies(flow, e));
  if (local) return local;
  return model.code.globalProvenance[0] ?? null;
}

export function deployProvenance(model: ProjectModel, key: string) {
  return provesProvenance(model.deploy, key);
}

export function parseKeys(p: ParseSite): string[] {
  return [...new Set([...p.reads].map((r) => (r.origin === 'copied' && r.copiedFrom ? r.copiedFrom.key : r.key)))];
}

/** Every certificate feeding the parse comes through a proxy that verifies client certificates. */
export function proxyVerifies(model: ProjectModel, p: ParseSite): { verified: boolean; related: RelatedLocation[] } {
  const keys = parseKeys(p);
  if (!keys.length) return { verified: false, related: [] };
  const related: RelatedLocation[] = [];
  for (const k of keys) {
    const v = verifiedAtProxy(model.deploy, k);
    if (!v.verified) return { verified: false, related: [] };
    related.push(...v.related);
  }
  return { verified: true, related };
}

export function proxyChecksRevocation(model: ProjectModel, p: ParseSite): boolean {
  const keys = parseKeys(p);
  return keys.length > 0 && keys.every((k) => revocationAtProxy(model.deploy, k).checked);
}

/** Events in `flow` that concern the certificate parsed at `p` (or any certificate when the event carries none). */
export function checks(flow: CertFlow, what: Ev<'check'>['what']): Ev<'check'>[] {
  return events(flow, 'check').filter((e) => e.what === what);
}

export function uniqueBy<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function nodeKey(module: PyModule, node: PyNode): string {
  return `${module.path}:${node.start}`;
}

const SESSION_AUTH_DECORATOR = /login_required|permission_required|staff_member_required|user_passes_test|superuser_required/;
const SESSION_AUTH_MIXIN = /LoginRequiredMixin|PermissionRequiredMixin|UserPassesTestMixin|IsAuthenticated/;

/** The entry point is already protected by Django's own (session) authentication. */
export function rootBehindLogin(model: ProjectModel, flow: CertFlow): boolean {
  const fn = flow.root.fn;
  if (fn.decorators.some((d) => SESSION_AUTH_DECORATOR.test(d))) return true;
  if (fn.cls) {
    if (fn.cls.decorators.some((d) => SESSION_AUTH_DECORATOR.test(d))) return true;
    // DRF permission classes, resolved (aliases, bases, the project default) and per method.
    if (drfRequiresUser(model, fn) === true) return true;
    if (model.python.ancestry(fn.cls).some((q) => SESSION_AUTH_MIXIN.test(q))) return true;
  } else if (drfRequiresUser(model, fn) === true) return true;
  return false;
}

/** Does `v` carry the read `r` (directly or through a parse of it)? */
export function carries(v: AVal, r: SourceRead): boolean {
  if (v.reads.has(r)) return true;
  for (const p of v.parses) if (p.reads.has(r)) return true;
  return false;
}

/** Is the parsed certificate trusted for the decision (its data decides, or it is the only gate)? */
export function parseTrusted(model: ProjectModel, flow: CertFlow, p: ParseSite): boolean {
  const feeds = flow.events.some((e) => {
    switch (e.t) {
      case 'lookup':
        return [...e.kw.values(), ...e.args].some((v) => derivesFrom(v, p));
      case 'compare':
        return e.vals.some((v) => derivesFrom(v, p));
      case 'cond':
        return (e.denies || e.grants) && derivesFrom(e.val, p);
      case 'dnop':
        return derivesFrom(e.val, p);
      case 'login':
        return derivesFrom(e.user, p);
      case 'session-write':
        return derivesFrom(e.val, p);
      default:
        return false;
    }
  });
  return feeds || !rootBehindLogin(model, flow);
}

/** Is the read used to decide access (not only logged or displayed)? */
export function readDecides(model: ProjectModel, flow: CertFlow, r: SourceRead): boolean {
  return flow.events.some((e) => {
    switch (e.t) {
      case 'lookup':
        return [...e.kw.values(), ...e.args].some((v) => carries(v, r));
      case 'compare':
        return !e.presenceLike && e.vals.some((v) => carries(v, r));
      case 'cond':
        return (e.denies || e.grants) && carries(e.val, r);
      case 'dnop':
        return carries(e.val, r);
      case 'login':
        return carries(e.user, r);
      case 'session-write':
        return carries(e.val, r);
      case 'parse':
        return e.parse.reads.has(r) && parseTrusted(model, flow, e.parse);
      default:
        return false;
    }
  });
}

/** Some other flow (or RemoteUser authentication) makes the identity decision for the project. */
export function identityDecidedElsewhere(model: ProjectModel, flow: CertFlow): boolean {
  if (model.code.flows.some((f) => f !== flow && f.grants.length > 0 && hasIdentityDecision(f))) return true;
  for (const mod of model.analysed) {
    for (const a of mod.assigns) {
      if ((a.name === 'MIDDLEWARE' || a.name === 'AUTHENTICATION_BACKENDS') && /RemoteUser/.test(mod.text(a.value))) return true;
    }
  }
  return false;
}
