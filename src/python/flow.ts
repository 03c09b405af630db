// Certificate flows through the Django code.
//
// For every authentication entry point (view, middleware, authentication backend, DRF
// authentication class) this module follows the values read from the request's certificate
// sources (`request.META[...]`, `.get(...)`, `request.headers`, `request.environ`, keys named by
// settings/env/class attributes, helpers in other modules that return them) through assignments,
// string operations, certificate parsing (cryptography, pyOpenSSL) and attribute access, into the
// decisions that authenticate: conditions, comparisons, ORM lookups, `login()`, `request.user = …`,
// returned users/tuples/responses. Calls into project functions are analysed in the caller's
// context (bounded depth). The result is a list of flows, each with the events the rules query.
//
// The analysis is flow-insensitive inside a function (branches are merged, loops visited once)
// and never executes the scanned code.
//
// The analysis lives in src/python/flow/ (see docs/architecture.md, "The code model"); this
// module re-exports what the rest of the tool uses.

export type { AVal, CertFlow, CodeModel, FlowEvent, ParseSite, RawKind, RootKind, Site, SourceRead, VKind } from './flow/values.js';
export { classifyKey, headerToWsgi, isCertKey, rawKinds, tainted } from './flow/values.js';
export { blockDenies } from './flow/conditions.js';
export { rootKindOf } from './flow/roots.js';
export { FlowAnalyzer } from './flow/analyzer.js';
export { buildCodeModel, describeFlows, provenanceDenies } from './flow/entry-points.js';
export { derivesFrom, isFingerprintish, isIssuerish, isSerialish, isSubjectish, pinnedByFingerprint } from './flow/value-queries.js';
