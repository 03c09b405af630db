// The report formats and the options every renderer takes (their own module, so the renderers
// and the dispatcher in index.ts do not import each other).

export type Format = 'text' | 'json' | 'sarif' | 'html';

export interface RenderOptions {
  color?: boolean;
  /** Scanned root as given, for resolving artifact locations. */
  root?: string;
  verbose?: boolean;
}
