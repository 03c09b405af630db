// The reader contract: one object per proxy or app-server kind, held by the registry
// (readers/index.ts). deploy/build.ts hands every config file to the first reader whose sniff
// claims it, then lets each reader finish its cross-file work; fix takes a proxy's snippet
// templates and certificate variables from the reader's `fix` part.

import type { Parser } from 'web-tree-sitter';
import type { InputError } from '../../core/types.js';
import type { RawKind } from '../../python/flow/values.js';
import type { AppServer, ConfigSite, EntryPoint, ProxyKind } from '../model.js';
import type { AppCommand, BindSpec, dockerfileCommands } from '../appserver.js';
import type { ComposeService, K8sRead } from '../containers.js';
import type { TraefikConfig } from '../traefik.js';
import type { SourceFile } from '../common.js';

/**
 * What a file is parsed as before the readers of that syntax sniff it: `text` (block configs,
 * INI, Dockerfiles…), `yaml` (YAML and JSON, one call per document), `toml`, `python` (read with
 * tree-sitter, never executed).
 */
export type Syntax = 'text' | 'yaml' | 'toml' | 'python';

/** What the readers of one scan share: what they found, for build.ts and for each other. */
export interface DeployContext {
  /** Every config file path of the tree (include resolution). */
  readonly treePaths: string[];
  /** The scan's input errors (a reader's `read` gets its own list: templates read quietly). */
  readonly errors: InputError[];
  /** The tree-sitter Python parser, when the scan has one. */
  readonly parser?: Parser;
  /** Entry points in reading order. */
  readonly entryPoints: EntryPoint[];
  /** App-server command lines (Procfile, systemd, Compose, Dockerfile, Kubernetes). */
  readonly commands: AppCommand[];
  /** Config files that name the binds of an app server (uwsgi INI, gunicorn `*.conf.py`), by path. */
  readonly confBinds: Map<string, { kind: AppServer['kind']; binds: BindSpec[] }>;
  /** Dockerfiles by path, and those a Compose service builds. */
  readonly dockerfiles: Map<string, ReturnType<typeof dockerfileCommands>>;
  readonly usedDockerfiles: Set<string>;
  /** Compose services (merged per directory once the compose reader has finished). */
  readonly composeServices: ComposeService[];
  readonly k8s: K8sRead;
  /** Traefik configurations: files, then Compose labels. */
  readonly traefik: TraefikConfig[];
  /** Records the app-server commands in one command line. */
  addCommands(words: string[], s: ConfigSite, context: AppCommand['context'], service: string | undefined, file: string): void;
}

/** One reader's work for one scan (its own state lives in the closure). */
export interface ReaderRun {
  /**
   * Reads one file the reader claimed: `input` is the text (`text`, `python`), the parsed TOML
   * data, or the YAML documents the reader claimed (one at a time, or all of them for a
   * `wholeFile` reader). Returns true when the file counts as a config of this kind.
   */
  read(src: SourceFile, input: unknown, errors: InputError[]): boolean;
  /** After every file: cross-file work (includes, merges) that adds entry points or commands. */
  finish?(): void;
}

export interface DeployReader {
  /** The config kind recorded in the model (`nginx`, `kubernetes`, `uwsgi`…); unique. */
  readonly kind: string;
  readonly role: 'proxy' | 'app-server' | 'container';
  readonly syntax: readonly Syntax[];
  /**
   * Does this file belong to me? `parsed` is the YAML document or TOML data for those syntaxes.
   * The readers of a syntax are asked in `sniffOrder`; the first that says yes owns the file (or
   * the YAML document), whether or not its `read` then records it.
   */
  sniff(path: string, text: string, parsed?: unknown): boolean;
  /** `python`: asked before the file is read at all (the scan's Python files are many). */
  sniffPath?(path: string): boolean;
  /** Lower first; 100 when absent, registry order among equals. A loose sniff goes after the specific ones. */
  readonly sniffOrder?: number;
  /** YAML: `read` gets every document of the file this reader claims, once, before the others read theirs. */
  readonly wholeFile?: boolean;
  /** JSON files are read as YAML only when they name one of these top-level keys. */
  readonly jsonKeys?: readonly string[];
  /** …and a JSON syntax error is reported only when they name one of these. */
  readonly jsonErrorKeys?: readonly string[];
  /** Order of the `finish` calls (lower first; registry order among equals). */
  readonly finishStage?: number;
  start(ctx: DeployContext): ReaderRun;
  /** A proxy's remediation snippets (fix). */
  readonly fix?: ProxyFix;
}

/** What the snippet values are computed from (checked by fix before they get here). */
export interface SnippetInputs {
  /** Dash spelling of the header that carries the certificate. */
  certHeader: string;
  /** Other certificate/identity headers the project's code read (the certificate header excluded). */
  extras: { name: string; kind: RawKind }[];
  /** Every header name the snippets set or drop: certificate, provenance, extras. */
  allHeaders: string[];
  /** The upstream as written (`http://127.0.0.1:8000`, `unix:/run/app.sock`, `web:8000`). */
  upstream: string;
  /** The server certificate path. */
  tlsCert: string;
}

export interface ProxyFix {
  /** The entry-point kind (`EntryPoint.kind`) and the directory of its templates (`templates/proxy/<kind>/`). */
  readonly kind: ProxyKind;
  /** Template name, output path (relative to deploy/mtls-audit/), and whether it holds the provenance secret. */
  readonly files: readonly { name: string; out: string; secret: boolean }[];
  /** Certificate variables by what the code read: the proxy's value for a header, when it has one. */
  readonly certVariables?: Partial<Record<RawKind, string>>;
  /** The header the proxy sends the certificate in when it cannot be renamed (Traefik). */
  readonly fixedCertHeader?: string;
  /** Where the proxy reads the CA, CRL and server key pair by default. */
  readonly installDir: string;
  /** Says where a file of deploy/mtls-audit/ goes for this proxy. */
  installPlace?(file: string): string;
  /** The follow-up note for an entry point of this kind found in the tree. */
  followUp?(at: string, server: string, ep: EntryPoint): string;
  /** The kind-specific template values (`EXTRA_HEADERS`, `UPSTREAM`, …). */
  values(inp: SnippetInputs): Record<string, string>;
}
