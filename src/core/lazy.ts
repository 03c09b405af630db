// Modules that only some runs need are loaded on first use (synchronously, through their
// CommonJS builds): a tree without YAML/TOML files never pays for loading their parsers, and a
// scan without findings never loads node:crypto.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

let yamlModule: typeof import('yaml') | null = null;
let tomlModule: typeof import('smol-toml') | null = null;
let cryptoModule: typeof import('node:crypto') | null = null;

export function yaml(): typeof import('yaml') {
  return (yamlModule ??= require('yaml') as typeof import('yaml'));
}

export function toml(): typeof import('smol-toml') {
  return (tomlModule ??= require('smol-toml') as typeof import('smol-toml'));
}

export function crypto(): typeof import('node:crypto') {
  return (cryptoModule ??= require('node:crypto') as typeof import('node:crypto'));
}
