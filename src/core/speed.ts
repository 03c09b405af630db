// The speed tricks a run was asked to do without (`MTLS_AUDIT_SPEED_OFF=a,b`, read by
// bin/mtls-audit.js, which hands the set over under a global symbol), so `npm run bench -- --only
// tricks` can measure what each is worth. docs/architecture.md's speed table lists them.

export type SpeedTrick = 'bundle' | 'code-cache' | 'liftoff' | 'prefilter-wasm';

const SPEED_OFF = Symbol.for('mtls-audit.speedOff');

export function speedTrickOff(trick: SpeedTrick): boolean {
  const off = (globalThis as Record<symbol, unknown>)[SPEED_OFF];
  return off instanceof Set && off.has(trick);
}
