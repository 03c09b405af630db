// The HTML report carries attacker-influenced text (file names, source lines, nginx server names,
// HTTP evidence). A hostile tree must not inject markup or script, hide text with bidirectional
// overrides, or make the page load anything; files that disappear after the scan must not break
// the report. Checked in real Chromium and on the markup itself.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { runScan } from '../../src/scan/engine.js';
import { renderHtml } from '../../src/report/html.js';
import type { Report } from '../../src/core/types.js';
import { runCli } from '../cli/helpers.js';
import { writeTree } from '../helpers/rule-tester.js';
import { assertClean, findingLabel, launch, openReport, renderedFindings, screenshotPath, sorted } from './helpers.js';

const PAYLOAD = `</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`;
const BIDI = '\u202e';

const HOSTILE_VIEW = `from django.http import JsonResponse


def view(request):
    cert = request.META.get('HTTP_X_SSL_CLIENT_CERT')  # ${PAYLOAD} ${BIDI}txet nedih
    if cert:
        return JsonResponse({'ok': True})
    return JsonResponse({'error': 'no'}, status=401)
`;

const HOSTILE_NGINX = `events {}
http {
  server {
    listen 443 ssl;
    server_name "x<svg/onload=window.__pwned=3>";
    ssl_certificate /etc/tls/s.pem;
    ssl_certificate_key /etc/tls/s.key;
    ssl_verify_client optional_no_ca;
    proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
    location / {
      proxy_pass http://127.0.0.1:8000;
    }
  }
}
`;

let browser: Browser;
let dir: string;
let out: string;

before(async () => {
  dir = writeTree({});
  // Written raw (writeTree would dedent): a file name with markup, a source line with script.
  const files: Record<string, string> = { 'app/<b onmouseover=x>views.py': HOSTILE_VIEW, 'deploy/nginx.conf': HOSTILE_NGINX };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  out = mkdtempSync(join(tmpdir(), 'mtls-audit-html-hostile-'));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('hostile tree', () => {
  test('markup and script in file names, source lines and nginx names stay text', async () => {
    const json = runCli(['scan', dir, '--format', 'json']);
    const report = JSON.parse(json.stdout) as Report;
    assert.ok(
      report.findings.some((f) => f.location.file === 'app/<b onmouseover=x>views.py'),
      `the hostile file was analysed: ${json.stdout.slice(0, 400)}`,
    );
    const file = join(out, 'r.html');
    const html = runCli(['scan', dir, '--format', 'html', '-o', file]);
    assert.equal(html.code, 1, html.stderr);
    const text = readFileSync(file, 'utf8');
    assert.equal((text.match(/<script\b/g) ?? []).length, 1, 'only the report script');
    assert.ok(!text.includes('<img'), 'no injected img');
    assert.ok(!text.includes('<b onmouseover'), 'no injected attribute');
    assert.ok(!text.includes('<svg/onload'), 'no injected svg');
    assert.ok(!text.includes(BIDI), 'no raw bidirectional override');

    const r = await openReport(browser, file);
    assertClean(r);
    assert.equal(await r.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, 'nothing injected ran');
    assert.deepEqual(sorted(await renderedFindings(r.page)), sorted(report.findings.map(findingLabel)));
    const frame = await r.page.locator('article.finding[data-rule="spoofable-cert-header"] .frame tr.hl .src').first().textContent();
    assert.ok(frame?.includes(PAYLOAD), `the payload is shown as text: ${frame}`);
    assert.ok(frame?.includes('\\u202etxet nedih'), 'the override is shown as a visible escape');
    const title = await r.page.locator('article.flow .flow-head h3').first().textContent();
    assert.ok(title?.includes('x<svg/onload=window.__pwned=3>'), `the server name is text: ${title}`);
    await r.page.screenshot({ path: screenshotPath('hostile.png'), fullPage: true });
    await r.page.context().close();
  });

  test('files gone after the scan: no crash, the evidence line replaces the frame', async () => {
    const report = await runScan({ path: dir });
    assert.ok(report.findings.length > 0);
    unlinkSync(join(dir, 'app/<b onmouseover=x>views.py'));
    const html = renderHtml(report, { root: dir });
    const file = join(out, 'gone.html');
    writeFileSync(file, html);
    const r = await openReport(browser, file);
    assertClean(r);
    const card = r.page.locator('article.finding[data-rule="spoofable-cert-header"]');
    assert.equal(await card.locator('.frame tr').count(), 1, 'one evidence row instead of a frame');
    assert.ok((await card.locator('.frame').textContent())?.includes("request.META.get('HTTP_X_SSL_CLIENT_CERT')"));
    // No root at all (a report rendered elsewhere): same.
    assert.doesNotThrow(() => renderHtml(report, {}));
    await r.page.context().close();
  });
});

describe('the browser harness', () => {
  test('records and aborts a request the page makes (so "no request" is a real check)', async () => {
    const file = join(out, 'leaky.html');
    writeFileSync(file, '<!doctype html><title>t</title><img src="http://127.0.0.1:9/x.png"><link rel="stylesheet" href="https://example.invalid/a.css">');
    const r = await openReport(browser, file);
    assert.deepEqual(sorted(r.external), ['http://127.0.0.1:9/x.png', 'https://example.invalid/a.css']);
    await r.page.context().close();
  });
});
