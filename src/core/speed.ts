// The speed tricks a run was asked to do without (`MTLS_AUDIT_SPEED_OFF=a,b`, read by
// bin/mtls-audit.js, which hands the set over under a global symbol), so `npm run bench -- --only
// tricks` can measure what each is worth. docs/architecture.md's speed table lists them.

/** Every trick that can be turned off, with what it does (the bench's table is made from this list). */
export const SPEED_TRICKS = [
  { id: 'bundle', what: 'one bundled file instead of ~130 ES modules' },
  { id: 'code-cache', what: "V8's code cache for the bundle" },
  { id: 'liftoff', what: "the parser's WebAssembly kept in Liftoff for a short parse" },
  // For peak memory, not speed: the bench checks that it lowers peak RSS without slowing the scan.
  { id: 'young-gen', what: "V8's young generation kept at its starting size", memory: true },
] as const;

export type SpeedTrick = (typeof SPEED_TRICKS)[number]['id'];

const SPEED_OFF = Symbol.for('mtls-audit.speedOff');

export function speedTrickOff(trick: SpeedTrick): boolean {
  const off = (globalThis as Record<symbol, unknown>)[SPEED_OFF];
  return off instanceof Set && off.has(trick);
}
