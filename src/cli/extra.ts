// Commands beyond scan/rules: probe, pki, fix. Each lives in its own module.
import type { Command } from 'commander';

export function registerExtraCommands(_program: Command): void {}
