// `probe --format html` against the real lab (test/lab: nginx optional_no_ca in front of a
// gunicorn-served Django that trusts the forwarded headers, gunicorn also reachable directly),
// rendered by the real CLI and opened in real Chromium: every finding (rule id, URL, case) with
// its request/response evidence, the probe cases, the identity flow of the target with the legs
// the accepted attacks break, no network request from the page, and a screenshot.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { startLab, type Lab } from '../lab/harness.js';
import { CLI, REPO_ROOT } from '../cli/helpers.js';
import type { Report } from '../../src/core/types.js';
import { assertClean, findingLabel, launch, openReport, renderedFindings, screenshotPath, sorted } from './helpers.js';

const run = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.MTLS_AUDIT_STATS;
  try {
    const r = await run(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

let lab: Lab;
let browser: Browser;
let out: string;
let report: Report;
let page: Page;

before(async () => {
  lab = await startLab(['vulnerable']);
  out = mkdtempSync(join(tmpdir(), 'mtls-audit-probe-html-'));
  const args = lab.probeArgs('vulnerable');
  const json = await cli(['probe', ...args, '--format', 'json']);
  assert.equal(json.code, 1, json.stderr);
  report = JSON.parse(json.stdout) as Report;
  const html = await cli(['probe', ...args, '--format', 'html', '-o', join(out, 'probe.html')]);
  assert.equal(html.code, 1, html.stderr);
  browser = await launch();
  const opened = await openReport(browser, join(out, 'probe.html'));
  assertClean(opened);
  page = opened.page;
});

after(async () => {
  await browser?.close();
  await lab?.stop();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('probe report of the vulnerable lab target in Chromium', () => {
  test('holds every finding (rule id, URL and case) with its evidence', async () => {
    assert.ok(report.findings.length >= 5, `${report.findings.length} findings`);
    // Two probe runs judge the same cases: compare the (rule, path, case) sets of the HTML run with the JSON run.
    const norm = (s: string) => s.replace(/https?:\/\/127\.0\.0\.1:\d+/g, '');
    assert.deepEqual(sorted((await renderedFindings(page)).map(norm)), sorted(report.findings.map(findingLabel).map(norm)));
    const withEvidence = await page.$$eval('#findings article.finding', (as) => as.filter((a) => (a.querySelector('.evidence pre')?.textContent ?? '').length > 0).length);
    assert.equal(withEvidence, report.findings.length, 'every probe finding shows its request/response');
    const ev = await page.locator('#findings article.finding .evidence pre').first().textContent();
    assert.match(ev ?? '', /GET |POST /, 'the evidence shows the request sent');
  });

  test('lists the probe cases without a finding', async () => {
    const cases = await page.$$eval('#cases tbody tr td:first-child code', (cs) => cs.map((c) => c.textContent));
    assert.deepEqual(sorted(cases), sorted((report.notes ?? []).map((n) => n.case)));
  });

  test('draws the target: the TLS leg, the proxy headers and the way around the proxy are broken', async () => {
    assert.equal(await page.locator('article.flow').count(), 1);
    const state = (l: string) => page.locator(`article.flow [data-link="${l}"]`).first().getAttribute('data-state');
    const leg = (rule: string, kase: string) => report.findings.some((f) => f.ruleId === rule && (f.location.case ?? '').startsWith(kase));
    // The vulnerable target accepts certificates from any CA (optional_no_ca) …
    assert.equal(leg('accepts-untrusted-ca', ''), true, 'the lab target accepts an untrusted CA');
    assert.equal(await state('tls'), 'broken');
    // … and its gunicorn serves forged headers sent around nginx.
    const around = report.findings.some((f) => /backend/.test(f.location.case ?? ''));
    assert.equal(await state('bypass'), around ? 'broken' : 'ok');
    const chips = await page.locator('article.flow a[data-finding]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const t of new Set(chips)) assert.equal(await page.locator(`article.finding${t}`).count(), 1);
  });

  test('saves a screenshot', async () => {
    await page.screenshot({ path: screenshotPath('probe-lab.png'), fullPage: true });
    assert.ok(readFileSync(screenshotPath('probe-lab.png')).length > 10_000);
  });
});
