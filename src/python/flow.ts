// Certificate flows through the Django code (types; the analysis follows).
import type { ProjectModel } from '../model/project.js';

/** What a certificate/identity value read from the request is. */
export type RawKind = 'pem' | 'dn' | 'issuer-dn' | 'verify' | 'fingerprint' | 'serial' | 'xfcc' | 'user' | 'cert-other';

/** A read of a client-certificate or identity value from the request (`request.META[...]`, `.get`, `request.headers[...]`). */
export interface SourceRead {
  id: number;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** WSGI key (`HTTP_X_SSL_CLIENT_CERT`, `SSL_CLIENT_CERT`); `request.headers['X-Foo']` is normalised to `HTTP_X_FOO`. */
  key: string;
  kind: RawKind;
  /** header: from a request header; environ: set by the server itself; copied: an environ-style key a project middleware fills from a header. */
  origin: 'header' | 'environ' | 'copied';
  /** When the key is a setting/env default (`settings.CERT_HEADER`), where that value is written. */
  keySite?: { file: string; line: number };
  /** For origin 'copied': the header read that feeds it. */
  copiedFrom?: SourceRead;
  /** Qualified name of the function that reads it. */
  fn: string;
  text: string;
}

export type RootKind = 'view' | 'middleware' | 'backend' | 'drf-auth' | 'function';

/** An authentication path: an entry point (view, middleware, backend, DRF auth class) and everything it calls. */
export interface CertFlow {
  root: { file: string; line: number; qualname: string; kind: RootKind };
  reads: SourceRead[];
  /** Where the flow grants access (success response, request.user, login(), returned user/tuple). */
  grants: { file: string; line: number; kind: string }[];
}

export interface CodeModel {
  /** Every certificate/identity read found in the analysed code. */
  reads: SourceRead[];
  flows: CertFlow[];
  /** True when the project authenticates with client certificates (some flow reads a certificate value). */
  usesClientCerts: boolean;
}

export function buildCodeModel(_m: ProjectModel): CodeModel {
  return { reads: [], flows: [], usesClientCerts: false };
}
