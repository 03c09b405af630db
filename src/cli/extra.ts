// Commands beyond scan/rules: probe, pki, fix. Each lives in its own module.
import type { Command } from 'commander';
import { registerFixCommand } from '../fix/command.js';

export function registerExtraCommands(_program: Command): void {
  registerFixCommand(_program);
}
