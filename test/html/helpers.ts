// Real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core; never a downloaded
// browser) for the HTML report tests: open a report from file://, record every request the page
// makes (anything but the report file itself is aborted and counted), every CSP violation, console
// error and page error, and save screenshots under test-output/html/ (gitignored).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/rule-tester.js';
import type { Finding } from '../../src/core/types.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const OUTPUT_DIR = join(REPO_ROOT, 'test-output', 'html');

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface OpenedReport {
  page: Page;
  /** URLs of every request other than the report file itself (all aborted). */
  external: string[];
  /** CSP violations (`directive blockedURI`), console errors and uncaught page errors. */
  problems: string[];
}

/** Opens an HTML report file in a fresh page. */
export async function openReport(browser: Browser, file: string, viewport = { width: 1440, height: 1000 }): Promise<OpenedReport> {
  const context = await browser.newContext({ viewport, javaScriptEnabled: true });
  const page = await context.newPage();
  const self = pathToFileURL(file).href;
  const external: string[] = [];
  const problems: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url === self) return route.continue();
    external.push(url);
    return route.abort();
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const w = window as unknown as { __csp?: string[] };
      (w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto(self, { waitUntil: 'load' });
  const csp = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
  problems.push(...csp.map((c) => `CSP violation: ${c}`));
  return { page, external, problems };
}

export function screenshotPath(name: string): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return join(OUTPUT_DIR, name);
}

/** `ruleId location` of a finding as the page shows it: `file:line[:col]` (scan) or `url case` (probe). */
export function findingLabel(f: Finding): string {
  const l = f.location;
  if (l.file) return `${f.ruleId} ${l.file}${l.line ? `:${l.line}${l.column ? `:${l.column}` : ''}` : ''}`;
  return `${f.ruleId} ${l.url ?? ''} ${l.case ?? ''}`.trim();
}

/** The findings the page renders (not suppressed), as `ruleId location`, in page order. */
export async function renderedFindings(page: Page, opts: { visibleOnly?: boolean } = {}): Promise<string[]> {
  return page.$$eval(
    '#findings article.finding',
    (els, visibleOnly) =>
      els
        .filter((e) => !visibleOnly || (e as HTMLElement).offsetParent !== null)
        .map((e) => {
          const rule = e.getAttribute('data-rule') ?? '';
          const loc = e.querySelector('.f-where .loc')?.textContent ?? '';
          const kase = e.querySelector('.f-where .case code')?.textContent;
          return `${rule} ${loc}${kase ? ` ${kase}` : ''}`.trim();
        }),
    opts.visibleOnly === true,
  );
}

export function sorted(xs: string[]): string[] {
  return [...xs].sort();
}

export function assertClean(r: OpenedReport): void {
  assert.deepEqual(r.external, [], 'the page made no request beyond its own file');
  assert.deepEqual(r.problems, [], 'no CSP violation, console error or page error');
}
