// Probe defaults, in a module of their own so the CLI can show them without loading the probe.
export const DEFAULTS = { maxRequests: 200, timeoutMs: 5000, concurrency: 8 } as const;
