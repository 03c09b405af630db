// Minimal edits to the Django settings: the app in INSTALLED_APPS, the middleware right after
// AuthenticationMiddleware, the backend first in AUTHENTICATION_BACKENDS, and a block of MTLS_*
// settings at the end of the settings module. A list literal written once is edited in place (its
// own quotes, indentation and trailing-comma style); anything else gets a statement in the block.
// Nothing is edited that is already there, so a second run plans nothing.

import { posix } from 'node:path';
import type { PyModule } from '../python/module.js';
import type { ResolvedSetting, SettingsProfile } from '../settings/model.js';
import { stringItems } from '../settings/model.js';
import { insertIntoList, listShape, pyStr, type TextEdit } from './edits.js';
import { APP_NAME } from './templates.js';

export const MIDDLEWARE_PATH = `${APP_NAME}.middleware.ClientCertificateMiddleware`;
export const BACKEND_PATH = `${APP_NAME}.backends.ClientCertificateBackend`;
const SESSION_MW = 'django.contrib.sessions.middleware.SessionMiddleware';
const AUTH_MW = 'django.contrib.auth.middleware.AuthenticationMiddleware';
const MODEL_BACKEND = 'django.contrib.auth.backends.ModelBackend';
const NEEDED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes', 'django.contrib.sessions'];

export interface SettingsInputs {
  profile: SettingsProfile;
  modules: Map<string, PyModule>;
  /** Text of each file on disk (edits apply only where the parsed text is the file's text). */
  disk: (path: string) => string | null;
  certSource: 'header' | 'environ';
  /** META key of the certificate (`HTTP_X_SSL_CLIENT_CERT`, `SSL_CLIENT_CERT`). */
  certKey: string;
  secretKey: string;
  secretEnv?: string;
  /** Path of deploy/mtls-audit relative to the PATH root. */
  deployDir: string;
  /** CA / CRL as Django should open them: absolute paths, or null for deploy/mtls-audit/client-ca.{pem,crl}. */
  caFile: string | null;
  crlFile: string | null;
}

export interface SettingsPlan {
  /** Edits by file. */
  edits: Map<string, TextEdit[]>;
  /** What was decided, for the plan's summary. */
  actions: string[];
  notes: string[];
}

function literalShape(s: ResolvedSetting, inp: SettingsInputs) {
  if (s.writes.length !== 1 || s.conditional || s.envDependent) return null;
  const node = s.tree.site.node;
  const mod = inp.modules.get(s.site.file);
  if (!node || !mod || inp.disk(s.site.file) !== mod.src) return null;
  const shape = listShape(node, mod.src);
  return shape ? { shape, mod } : null;
}

export function planSettings(inp: SettingsInputs): SettingsPlan {
  const edits = new Map<string, TextEdit[]>();
  const actions: string[] = [];
  const notes: string[] = [];
  const block: string[] = [];
  const add = (file: string, e: TextEdit[]) => edits.set(file, [...(edits.get(file) ?? []), ...e]);
  const p = inp.profile;

  // INSTALLED_APPS
  const apps = p.get('INSTALLED_APPS');
  const haveApps = apps ? stringItems(apps) : [];
  const wantApps = [...NEEDED_APPS.filter((a) => !haveApps.includes(a)), ...(haveApps.includes(APP_NAME) || haveApps.some((a) => a.startsWith(`${APP_NAME}.`)) ? [] : [APP_NAME])];
  if (wantApps.length) {
    const lit = apps && literalShape(apps, inp);
    if (lit)
      add(
        apps.site.file,
        insertIntoList(
          lit.shape,
          lit.mod.src,
          wantApps.map((a) => pyStr(a, lit.shape.quote)),
          null,
        ),
      );
    else if (apps) block.push(`INSTALLED_APPS = [*INSTALLED_APPS, ${wantApps.map((a) => pyStr(a)).join(', ')}]`);
    else block.push(`INSTALLED_APPS = [${wantApps.map((a) => pyStr(a)).join(', ')}]`);
    actions.push(`INSTALLED_APPS += ${wantApps.join(', ')}`);
  }

  // MIDDLEWARE: ours right after AuthenticationMiddleware (Session and Auth added when missing).
  const mw = p.get('MIDDLEWARE');
  const haveMw = mw ? stringItems(mw) : [];
  if (!haveMw.includes(MIDDLEWARE_PATH)) {
    const want: string[] = [];
    let anchorName: string | null = null;
    if (haveMw.includes(AUTH_MW)) anchorName = AUTH_MW;
    else if (haveMw.includes(SESSION_MW)) {
      anchorName = SESSION_MW;
      want.push(AUTH_MW);
    } else want.push(SESSION_MW, AUTH_MW);
    want.push(MIDDLEWARE_PATH);
    const lit = mw && literalShape(mw, inp);
    if (lit) {
      const anchor = anchorName ? (lit.shape.elements[haveMw.indexOf(anchorName)] ?? null) : null;
      add(
        mw.site.file,
        insertIntoList(
          lit.shape,
          lit.mod.src,
          want.map((m) => pyStr(m, lit.shape.quote)),
          anchor,
        ),
      );
    } else if (mw) {
      block.push(`MIDDLEWARE = [*MIDDLEWARE, ${want.map((m) => pyStr(m)).join(', ')}]`);
      notes.push(`MIDDLEWARE is not a single list literal: ${MIDDLEWARE_PATH} was appended at its end; move it right after ${AUTH_MW} and before any middleware of the project that reads the certificate.`);
    } else block.push(`MIDDLEWARE = [${want.map((m) => pyStr(m)).join(', ')}]`);
    actions.push(`MIDDLEWARE: ${want.join(', ')}${anchorName ? ` after ${anchorName.split('.').pop()}` : ''}`);
  }

  // AUTHENTICATION_BACKENDS: ours first.
  const be = p.get('AUTHENTICATION_BACKENDS');
  const haveBe = be ? stringItems(be) : [];
  if (!haveBe.includes(BACKEND_PATH)) {
    const lit = be && literalShape(be, inp);
    if (lit) add(be.site.file, insertIntoList(lit.shape, lit.mod.src, [pyStr(BACKEND_PATH, lit.shape.quote)], 'start'));
    else if (be) block.push(`AUTHENTICATION_BACKENDS = [${pyStr(BACKEND_PATH)}, *AUTHENTICATION_BACKENDS]`);
    else block.push(`AUTHENTICATION_BACKENDS = [${pyStr(BACKEND_PATH)}, ${pyStr(MODEL_BACKEND)}]`);
    actions.push(`AUTHENTICATION_BACKENDS: ${BACKEND_PATH} first`);
  }

  // MTLS_* settings.
  const configured = p.get('MTLS_CERT_HEADER') || p.get('MTLS_CERT_SOURCE');
  if (!configured) {
    const settingsDir = posix.dirname(p.file);
    const up = settingsDir === '.' ? [] : settingsDir.split('/').map(() => "'..'");
    const dirExpr = `_mtls_os.path.normpath(_mtls_os.path.join(_mtls_os.path.dirname(_mtls_os.path.abspath(__file__)), ${[...up, ...inp.deployDir.split('/').map((s) => pyStr(s))].join(', ')}))`;
    const file = (explicit: string | null, name: string, env: string) => `_mtls_os.environ.get(${pyStr(env)}, ${explicit ? pyStr(explicit) : `_mtls_os.path.join(_MTLS_DIR, ${pyStr(name)})`})`;
    block.unshift(`import os as _mtls_os  # noqa: E402`, ``);
    block.push(`_MTLS_DIR = ${dirExpr}`, `MTLS_CERT_SOURCE = ${pyStr(inp.certSource)}`, `MTLS_CERT_HEADER = ${pyStr(inp.certKey)}`);
    if (inp.certSource === 'header') {
      block.push(`MTLS_PROXY_SECRET_HEADER = ${pyStr(inp.secretKey)}`);
      if (inp.secretEnv) block.push(`MTLS_PROXY_SECRET_ENV = ${pyStr(inp.secretEnv)}`);
      else block.push(`MTLS_PROXY_SECRET_FILE = ${file(null, 'proxy-secret', 'MTLS_PROXY_SECRET_FILE')}`);
    }
    block.push(`MTLS_CA_FILES = [${file(inp.caFile, 'client-ca.pem', 'MTLS_CA_FILE')}]`, `MTLS_CRL_FILES = [${file(inp.crlFile, 'client-ca.crl', 'MTLS_CRL_FILE')}]`);
    actions.push(`MTLS_* settings (certificate from ${inp.certKey}${inp.certSource === 'header' ? `, proxy secret from ${inp.secretEnv ? `$${inp.secretEnv}` : `${inp.deployDir}/proxy-secret`}` : ''})`);
  }

  if (block.length) {
    const mod = inp.modules.get(p.file);
    const text = inp.disk(p.file);
    if (!mod || text === null || text !== mod.src) throw new Error(`cannot edit ${p.file}: it changed on disk since it was read`);
    const t = text.replace(/\r\n/g, '\n');
    const sep = t.endsWith('\n\n') ? '' : t.endsWith('\n') ? '\n' : t ? '\n\n' : '';
    const body = `${sep}# --- mtls-audit fix: client-certificate authentication (see ${inp.deployDir}/README.md) ---\n${block.join('\n')}\n`;
    add(p.file, [{ start: text.length, end: text.length, text: body }]);
  }
  return { edits, actions, notes };
}
