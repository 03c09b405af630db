/** A user-facing error: bad argument, missing path, unreachable host, invalid config. Exit code 2, one line. */
export class UsageError extends Error {}
