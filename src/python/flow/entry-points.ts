// The code model: the entry points analysed, the flows found, and what applies across them.

import type { ProjectModel } from '../../model/project.js';
import type { PyFunction } from '../module.js';
import { dotted, field, walk } from '../ast.js';
import { rawKinds, type CertFlow, type CodeModel, type FlowEvent, type RootKind, type SourceRead } from './values.js';
import { listedMiddleware, MIDDLEWARE_METHODS, rootKindOf } from './roots.js';
import { MAX_DEPTH } from './state.js';
import { FlowAnalyzer } from './analyzer.js';
import { provenanceDenies } from './provenance.js';
import { remoteUserHeaders } from './remote-user.js';

export { provenanceDenies };

export function buildCodeModel(model: ProjectModel): CodeModel {
  const project = model.python;
  const analyser = new FlowAnalyzer(project, model);

  // Call graph over the analysed modules: functions called by other project functions are not roots.
  const called = new Set<PyFunction>();
  const candidates: { fn: PyFunction; kind: RootKind }[] = [];
  // Callees in modules not parsed yet are never candidates (those come from analysed modules).
  project.withoutLoading(() => {
    for (const mod of model.analysed) {
      for (const fn of mod.allFunctions) {
        const kind = rootKindOf(fn, project);
        if (kind) candidates.push({ fn, kind });
      }
    }
    // Only a call that can land on a candidate matters, and resolving a call costs scope work: a
    // call is resolved when the name it calls is a candidate's, or a local alias of one
    // (`from .auth import check as verify`, at module or function level).
    const names = new Set(candidates.map((c) => c.fn.name));
    for (const mod of model.analysed) {
      // Module-level aliases from the module model; function-level ones as the walk meets them
      // (an import runs before the calls that use its name, so it is met first).
      const aliases = new Set<string>();
      for (const [local, b] of mod.imports) if (b.name !== null && local !== b.name && names.has(b.name)) aliases.add(local);
      const mayBeCandidate = (f: string) => names.has(f.slice(f.lastIndexOf('.') + 1)) || aliases.has(f.split('.')[0]);
      for (const fn of mod.allFunctions) {
        walk(fn.body, (n) => {
          if (n.type === 'function_definition' || n.type === 'class_definition') return false;
          if (n.type === 'aliased_import') {
            const nm = field(n, 'name');
            const al = field(n, 'alias');
            if (nm && al && names.has(mod.text(nm).split('.').pop()!)) aliases.add(mod.text(al));
            return false;
          }
          if (n.type === 'call') {
            const f = dotted(field(n, 'function'), mod.src);
            if (f && !mayBeCandidate(f)) return true;
            if (f && !f.startsWith('self.') && !f.startsWith('super()')) {
              const r = project.resolve(mod, f, n);
              if (r?.kind === 'function' && r.fn !== fn) called.add(r.fn);
            } else if (f && f.startsWith('self.') && fn.cls && f.split('.').length === 2) {
              const m = project.findMethod(fn.cls, f.split('.')[1]);
              if (m && m !== fn) called.add(m);
            }
          }
          return true;
        });
      }
    }
  });
  const roots = candidates.filter((c) => !called.has(c.fn) || c.kind === 'middleware' || c.kind === 'backend' || c.kind === 'drf-auth');

  const failed = new Set<PyFunction>();
  const safely = (a: FlowAnalyzer, r: { fn: PyFunction; kind: RootKind }): CertFlow | null => {
    try {
      return a.analyseRoot(r.fn, r.kind);
    } catch (e) {
      // Pathological input (e.g. expressions nested thousands deep): skip this entry point, say so.
      if (!failed.has(r.fn)) {
        failed.add(r.fn);
        const why = e instanceof RangeError ? 'expressions nested too deeply' : (e as Error).message;
        model.errors.push({ file: r.fn.module.path, message: `${r.fn.qualname} (line ${r.fn.node.line}) not analysed: ${why}` });
      }
      return null;
    }
  };
  const run = (a: FlowAnalyzer): CertFlow[] => roots.map((r) => safely(a, r)).filter((f): f is CertFlow => f !== null && f.reads.length > 0);
  let flows = run(analyser);
  let current = analyser;
  // Middleware that copies a header into an environ-style key changes the origin of later reads: re-run.
  // …and so does a middleware that leaves certificate data on the request for the views.
  if (analyser.metaCopies.size || analyser.requestAttrs.size) {
    const again = new FlowAnalyzer(project, model);
    again.metaCopies = analyser.metaCopies;
    again.metaCopySites = analyser.metaCopySites;
    again.requestAttrs = analyser.requestAttrs;
    flows = run(again);
    current = again;
  }
  flows.push(...beyondDepth(current, roots, safely, model));

  // Provenance checks in MIDDLEWARE-listed middleware apply to every request.
  const listed = listedMiddleware(model);
  const globalProvenance: FlowEvent[] = [];
  for (const f of flows) {
    if (f.root.kind !== 'middleware' || !f.root.fn.cls || !listed.has(f.root.fn.cls)) continue;
    for (const e of f.events) if (e.t === 'check' && e.what === 'provenance' && provenanceDenies(f, e)) globalProvenance.push(e);
  }
  // Middleware with a provenance check that reads no certificate itself (e.g. only an HMAC header).
  for (const cls of listed) {
    for (const m of cls.methods.values()) {
      if (!MIDDLEWARE_METHODS.has(m.name)) continue;
      const f = safely(analyser, { fn: m, kind: 'middleware' });
      if (!f) continue;
      for (const e of f.events) if (e.t === 'check' && e.what === 'provenance' && provenanceDenies(f, e) && !globalProvenance.includes(e)) globalProvenance.push(e);
    }
  }

  const reads = new Map<number, SourceRead>();
  for (const f of flows) for (const r of f.reads) reads.set(r.id, r);
  const sessionFingerprintWrites = new Set<string>();
  const sessionFingerprintChecks = new Set<string>();
  for (const f of flows) {
    for (const e of f.events) {
      if (e.t === 'session-write' && e.key && (e.val.kinds.has('fingerprint') || rawKinds(e.val).has('fingerprint'))) sessionFingerprintWrites.add(e.key);
      if (e.t === 'session-compare' && e.key) sessionFingerprintChecks.add(e.key);
    }
  }
  return {
    reads: [...reads.values()].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line),
    flows,
    usesClientCerts: flows.some((f) => f.reads.some((r) => r.kind !== 'user')) || [...reads.values()].some((r) => r.kind !== 'user'),
    globalProvenance,
    sessionFingerprintWrites,
    sessionFingerprintChecks,
    remoteUserHeaders: remoteUserHeaders(current, project, model.analysed),
  };
}

/** Developer aid (`MTLS_AUDIT_DUMP_FLOWS=1`): a readable listing of the flows and their events. */
export function describeFlows(code: CodeModel): string {
  const out: string[] = [];
  for (const f of code.flows) {
    out.push(`flow ${f.root.kind} ${f.root.qualname} (${f.root.file}:${f.root.line}) reads=${f.reads.map((r) => `${r.key}/${r.kind}/${r.origin}@${r.line}`).join(',')} grants=${f.grants.map((g) => `${g.kind}@${g.line}`).join(',')}`);
    for (const e of f.events) {
      const extra =
        e.t === 'cond'
          ? ` presence=${e.presence} denies=${e.denies} grants=${e.grants} kinds=${[...e.val.kinds]}`
          : e.t === 'check'
            ? ` ${e.what}`
            : e.t === 'compare'
              ? ` presenceLike=${e.presenceLike}`
              : e.t === 'fail-open'
                ? ` ${e.how}`
                : '';
      out.push(`  ${e.t}@${e.module.path}:${e.node.line} ${e.module.text(e.node).split('\n')[0].slice(0, 60)}${extra}`);
    }
  }
  return out.join('\n');
}

/** At most this many functions are analysed on their own because a call chain reached them too deep. */
const MAX_DEPTH_ROOTS = 2000;

/**
 * A helper that a call chain reaches only beyond the analyser's depth is not followed from its
 * callers; it is analysed on its own, as a helper no one calls would be, so what it reads is still
 * judged, and the report's `errors` says where the chain was cut. Chains are cut again every
 * MAX_DEPTH calls, so a chain of any length is covered in pieces.
 */
function beyondDepth(a: FlowAnalyzer, roots: { fn: PyFunction; kind: RootKind }[], safely: (a: FlowAnalyzer, r: { fn: PyFunction; kind: RootKind }) => CertFlow | null, model: ProjectModel): CertFlow[] {
  const out: CertFlow[] = [];
  const done = new Set(roots.map((r) => r.fn));
  let reported = false;
  for (;;) {
    const next = [...a.depthHits].filter((fn) => !done.has(fn));
    if (!next.length || done.size - roots.length >= MAX_DEPTH_ROOTS) break;
    for (const fn of next) {
      done.add(fn);
      if (!reported) {
        reported = true;
        model.errors.push({
          file: fn.module.path,
          message: `calls nest more than ${MAX_DEPTH} project functions deep (first cut before ${fn.qualname}, line ${fn.node.line}): such functions are analysed on their own, not as part of their callers`,
        });
      }
      const f = safely(a, { fn, kind: rootKindOf(fn, model.python) ?? 'function' });
      if (f && f.reads.length > 0) out.push(f);
    }
  }
  return out;
}
