// Argument parsers shared by the commands (commander's custom option processing).

import { InvalidArgumentError } from 'commander';

/** A repeatable option: every value, in order. */
export function collect(value: string, prev: string[]): string[] {
  return [...prev, value];
}

/** An option whose value must be a positive integer (a usage error, exit 2, otherwise). */
export function positiveInt(what: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must be a positive integer.`);
    return n;
  };
}
