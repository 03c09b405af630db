// Evaluates a Django settings module without executing it: statements are interpreted in order
// over a small value domain (numbers, strings, booleans, None, lists/tuples, dicts, unknown), with
// star imports (`from .base import *`), django-split-settings `include()`, environment reads
// (`os.environ.get`, `os.getenv`, django-environ, python-decouple: the default is used and the value
// is marked environment-dependent) and in-place list/dict changes (`+=`, `append`, `insert`,
// `extend`, `remove`, `update`, item assignment). Every value keeps the site it was written at.

// The evaluator is split by meaning under src/settings/evaluate/, each module building on the one
// before it: values.ts (value domain) → env.ts (environment readers) → expressions.ts →
// statements.ts → control-flow.ts → module.ts (SettingsEvaluator, imports). This module re-exports
// the public names.

export { siteOf, unknown, type Binding, type EvalResult, type Namespace } from './evaluate/values.js';
export { castValue } from './evaluate/env.js';
export { SettingsEvaluator } from './evaluate/module.js';
