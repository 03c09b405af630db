// `scan --format html` in real headless Chromium: the bundled example (examples/vulnerable-mtls-app)
// rendered by the real CLI, opened from file:// with every non-file request aborted and recorded.
// The page must hold every finding of the JSON report (rule id and location), load nothing, run
// its script under its own CSP, filter by severity, rule and text, draw one identity flow per
// nginx route with the broken links marked, and link the diagram to the findings.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runCli, REPO_ROOT } from '../cli/helpers.js';
import type { Report, Severity } from '../../src/core/types.js';
import { assertClean, findingLabel, launch, openReport, renderedFindings, screenshotPath, sorted, type OpenedReport } from './helpers.js';

const EXAMPLE = join(REPO_ROOT, 'examples', 'vulnerable-mtls-app');

let browser: Browser;
let out: string;
let report: Report;
let opened: OpenedReport;
let page: Page;

before(async () => {
  out = mkdtempSync(join(tmpdir(), 'mtls-audit-html-'));
  const json = runCli(['scan', EXAMPLE, '--format', 'json']);
  assert.equal(json.code, 1, json.stderr);
  report = JSON.parse(json.stdout) as Report;
  const html = runCli(['scan', EXAMPLE, '--format', 'html', '-o', join(out, 'report.html')]);
  assert.equal(html.code, 1, html.stderr);
  assert.equal(html.stdout, '', 'the report went to the file');
  browser = await launch();
  opened = await openReport(browser, join(out, 'report.html'));
  page = opened.page;
});

after(async () => {
  await browser?.close();
  rmSync(out, { recursive: true, force: true });
});

async function visible(): Promise<string[]> {
  return sorted(await renderedFindings(page, { visibleOnly: true }));
}

async function setSeverities(on: Severity[]): Promise<void> {
  for (const s of ['critical', 'high', 'medium', 'low'] as Severity[]) {
    const box = page.locator(`input[name=severity][value=${s}]`);
    if ((await box.isChecked()) !== on.includes(s)) await page.locator(`label.tog.sev-${s}`).click();
  }
}

describe('scan report of the bundled example in Chromium', () => {
  test('the example has findings in every scanned layer (the test is not vacuous)', () => {
    assert.ok(report.findings.length >= 10, `${report.findings.length} findings`);
    const layers = new Set(report.findings.map((f) => f.layer));
    for (const l of ['code', 'settings', 'deploy']) assert.ok(layers.has(l as never), `a ${l} finding`);
  });

  test('loads nothing from the network and runs its script under its own CSP', async () => {
    assertClean(opened);
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(csp ?? '', /default-src 'none'/);
    assert.match(csp ?? '', /script-src 'sha256-[A-Za-z0-9+/=]+'/);
    assert.doesNotMatch(csp ?? '', /unsafe-inline|unsafe-eval/);
    // The script ran (the counter is written by it) and the styles applied (sticky toolbar).
    assert.equal(await page.textContent('#shown'), `${report.findings.length} findings`);
    assert.equal(await page.$eval('.toolbar', (e) => getComputedStyle(e).position), 'sticky');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.doesNotMatch(html, /<(link|img|iframe|object|embed)\b|\bsrc=|@import|url\(/i, 'no external resource reference');
  });

  test('holds every finding of the JSON report, by rule id and location', async () => {
    assert.deepEqual(sorted(await renderedFindings(page)), sorted(report.findings.map(findingLabel)));
    assert.deepEqual(await visible(), sorted(report.findings.map(findingLabel)), 'all shown before filtering');
    // The summary counts match.
    for (const s of ['critical', 'high', 'medium', 'low'] as Severity[]) {
      const n = report.findings.filter((f) => f.severity === s).length;
      assert.equal(await page.textContent(`.sev-card.sev-${s} .card-n`), String(n), `${s} count`);
    }
    const cwes = new Set(report.findings.flatMap((f) => f.cwe));
    const rows = await page.$$eval('.cwe-tbl tbody tr td:first-child', (tds) => tds.map((t) => t.textContent?.trim()));
    assert.deepEqual(sorted(rows), sorted([...cwes]), 'one CWE row per CWE');
  });

  test('shows code frames from the scanned tree and the related locations', async () => {
    const f = report.findings.find((x) => x.ruleId === 'proxy-header-passthrough')!;
    const card = page.locator(`article.finding[data-rule="proxy-header-passthrough"]`);
    assert.equal(await card.count(), 1);
    const src = readFileSync(join(EXAMPLE, f.location.file!), 'utf8').split('\n');
    const hl = await card.locator('.frame tr.hl .src').first().textContent();
    assert.equal(hl?.trim(), src[f.location.line! - 1].trim(), 'the flagged line comes from the file');
    assert.equal(await card.locator('.frame mark').count(), 1, 'the flagged columns are marked');
    const related = await card.locator('.related li .loc').allTextContents();
    assert.deepEqual(
      related,
      f.related!.map((r) => `${r.file}:${r.line}`),
    );
    const firstRelatedSrc = await card.locator('.related li').first().locator('.rel-src').textContent();
    const r0 = f.related![0];
    assert.equal(firstRelatedSrc, readFileSync(join(EXAMPLE, r0.file!), 'utf8').split('\n')[r0.line! - 1].trim());
  });

  test('filters by severity without a server', async () => {
    await setSeverities(['critical', 'high']);
    const want = sorted(report.findings.filter((f) => f.severity === 'critical' || f.severity === 'high').map(findingLabel));
    assert.deepEqual(await visible(), want);
    assert.equal(await page.textContent('#shown'), `${want.length} of ${report.findings.length} findings shown`);
    // The summary cards filter to one severity.
    await page.click('.sev-card.sev-medium');
    assert.deepEqual(await visible(), sorted(report.findings.filter((f) => f.severity === 'medium').map(findingLabel)));
    // A group whose findings are all hidden is hidden too.
    const groupsShown = await page.$$eval('#findings .group', (gs) => gs.filter((g) => (g as HTMLElement).offsetParent !== null).map((g) => g.getAttribute('data-group')));
    assert.deepEqual(sorted(groupsShown as string[]), sorted([...new Set(report.findings.filter((f) => f.severity === 'medium').map((f) => f.location.file!))]));
    await page.click('#reset');
    assert.equal((await visible()).length, report.findings.length);
  });

  test('filters by rule and by text', async () => {
    await page.click('.rule-menu summary');
    await page.click('[data-rules="none"]');
    assert.deepEqual(await visible(), []);
    assert.equal(await page.isVisible('#none-shown'), true, 'says that nothing matches');
    await page.click('label.rule-opt:has(input[value="spoofable-cert-header"])');
    assert.deepEqual(await visible(), sorted(report.findings.filter((f) => f.ruleId === 'spoofable-cert-header').map(findingLabel)));
    assert.equal(await page.textContent('#rule-count'), `1/${new Set(report.findings.map((f) => f.ruleId)).size}`);
    await page.click('[data-rules="all"]');
    await page.click('.rule-menu summary');
    await page.fill('#q', 'settings.py');
    assert.deepEqual(await visible(), sorted(report.findings.filter((f) => f.location.file === 'mtlsapp/settings.py').map(findingLabel)));
    await page.click('#reset');
    assert.equal((await visible()).length, report.findings.length);
  });

  test('draws one identity flow per nginx route, with the cross-layer breaks marked', async () => {
    const titles = await page.$$eval('article.flow .flow-head h3', (hs) => hs.map((h) => h.textContent));
    assert.deepEqual(sorted(titles), ['nginx server mtls.example.test (listen 443) > location /', 'nginx server mtls.example.test (listen 443) > location /api/']);
    const api = page.locator('article.flow', { hasText: 'location /api/' });
    const state = (link: string) => api.locator(`[data-link="${link}"]`).first().getAttribute('data-state');
    assert.equal(await state('tls'), 'broken', 'optional_no_ca: client → nginx broken');
    assert.equal(await state('headers'), 'broken', 'client-sent X-SSL-Client-Cert passes /api/');
    assert.equal(await state('bypass'), 'broken', 'gunicorn published: around the proxy broken');
    // Each broken link names the rules that break it, as links to their findings.
    const chips = async (link: string) => api.locator(`[data-link="${link}"] a.fref`).evaluateAll((as) => as.map((a) => a.textContent?.replace(/\s*×\d+$/, '').trim()));
    assert.deepEqual(await chips('tls'), ['proxy-verify-optional-no-ca']);
    assert.deepEqual(sorted(await chips('headers')), ['proxy-header-passthrough', 'spoofable-cert-header']);
    assert.deepEqual(await chips('bypass'), ['backend-exposed']);
    // The Django node lists the views routed through /api/ and the checks they miss.
    const handlers = await api.locator('.handler .h-name').allTextContents();
    assert.deepEqual(sorted(handlers), ['ProfileView.get', 'admin_report', 'certificate_login']);
    const missing = await api.locator('.handler', { hasText: 'certificate_login' }).locator('.chk-missing').allTextContents();
    for (const c of ['header provenance', 'CA chain', 'session binding'])
      assert.ok(
        missing.some((m) => m.includes(c)),
        `certificate_login misses ${c}: ${missing}`,
      );
    // The other route forwards to no certificate view, but its proxy leg is the same broken nginx server.
    const root = page.locator('article.flow', { hasText: 'location /' }).filter({ hasNotText: 'location /api/' });
    assert.equal(await root.locator('[data-link="tls"]').getAttribute('data-state'), 'broken');
    assert.equal(await root.locator('.handler').count(), 0);
    // Every chip points at a finding card of the page.
    const targets = await page.$$eval('article.flow a[data-finding]', (as) => as.map((a) => a.getAttribute('href')));
    assert.ok(targets.length > 0);
    for (const t of new Set(targets)) assert.equal(await page.locator(`article.finding${t}`).count(), 1, `${t} is a finding card`);
  });

  test('a diagram chip reveals its finding even when the filters hide it', async () => {
    await setSeverities(['low']);
    const chip = page.locator('article.flow [data-link="bypass"] a.fref').first();
    const id = (await chip.getAttribute('data-finding'))!;
    assert.equal(await page.isVisible(`#${id}`), false);
    await chip.click();
    assert.equal(await page.isVisible(`#${id}`), true);
    await page.click('#reset');
  });

  test('saves screenshots (whole page and the /api/ flow)', async () => {
    await page.screenshot({ path: screenshotPath('scan-example.png'), fullPage: true });
    await page.locator('article.flow', { hasText: 'location /api/' }).screenshot({ path: screenshotPath('scan-example-flow.png') });
    assert.ok(readFileSync(screenshotPath('scan-example.png')).length > 10_000);
  });
});
