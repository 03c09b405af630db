import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { buildSarif, renderSarif, sarifRule, FINGERPRINT_KEY } from '../../src/report/sarif.js';
import { runScan } from '../../src/scan/engine.js';
import { allRules } from '../../src/rules/index.js';
import { defineProbeRule, type RuleMeta } from '../../src/core/rule.js';
import type { Finding, Report } from '../../src/core/types.js';
import { DOCS_BASE } from '../../src/version.js';
import { writeTree } from '../helpers/rule-tester.js';
import { fullFinding, probeReport, validateSarifLogs, type SarifValidation } from './helpers.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function assertValid(v: SarifValidation): void {
  assert.deepEqual(v.errors, [], `sarif-multitool errors:\n${v.console}`);
  assert.deepEqual(v.warnings, [], `sarif-multitool warnings:\n${v.console}`);
}

const SEED_TREE = {
  'app/views.py': `
    from django.http import JsonResponse
    from django.views import View


    class MTLSConsumerView(View):
        def get(self, request):
            cert = request.META.get('HTTP_X_SSL_CLIENT_CERT')
            if not cert:
                return JsonResponse({'error': 'No client certificate'}, status=401)
            return JsonResponse({'authenticated': True})


    class LegacyView(View):
        def get(self, request):
            # mtls-audit: ignore legacy endpoint, reachable only on the admin VPN
            cert = request.META.get('HTTP_X_SSL_CLIENT_CERT')
            if not cert:
                return JsonResponse({'error': 'No client certificate'}, status=401)
            return JsonResponse({'authenticated': True})
  `,
  'app/broken.py': `
    def f(:
        return request.META['SSL_CLIENT_CERT']
  `,
  'deploy/nginx.conf': `
    server {
        listen 443 ssl;
        ssl_verify_client optional_no_ca;
        location / { proxy_pass http://127.0.0.1:8000; }
    }
  `,
};

/**
 * A real scan plus synthetic findings the registry may not know yet (the rules are written in
 * parallel): an inline-suppressed one, a baseline-suppressed one, a Windows-style path and a
 * path that needs percent-encoding.
 */
async function scanWithSuppressions(root: string): Promise<Report> {
  const report = await runScan({ path: root });
  report.findings.push(fullFinding({ location: { file: 'app\\views.py', line: 7, column: 16, endLine: 7, endColumn: 58 } }));
  report.findings.push(fullFinding({ ruleId: 'not-a-registered-rule', severity: 'low', cwe: ['CWE-20'], location: { file: 'app/dir with space/ü.py', line: 1 }, fingerprint: 'abc1' }));
  report.suppressed = [
    ...(report.suppressed ?? []),
    fullFinding({ location: { file: 'app/views.py', line: 17, column: 16 }, suppression: { kind: 'inSource', justification: 'legacy endpoint' }, fingerprint: 'beef' }),
    fullFinding({
      ruleId: 'cert-presence-only',
      severity: 'critical',
      cwe: ['CWE-287', 'CWE-306'],
      location: { file: 'app/views.py', line: 8 },
      suppression: { kind: 'external', justification: 'present in baseline old.json' },
      fingerprint: 'cafe',
    }),
  ];
  return report;
}

/** Findings without a line, with only a related location, with no location at all. */
function unlocatedReport(): Report {
  const base = { severity: 'high' as const, cwe: ['CWE-290'], message: 'm' };
  return {
    tool: { name: 'mtls-audit', version: '0.1.0' },
    kind: 'scan',
    target: '.',
    findings: [
      { ...base, ruleId: 'whole-file', location: { file: 'proj/settings.py' } },
      { ...base, ruleId: 'related-only', location: {}, related: [{ file: 'deploy/nginx.conf', line: 4, message: 'here' }] },
      { ...base, ruleId: 'no-location', location: {} },
    ],
    suppressed: [],
    errors: [],
    stats: { durationMs: 1 },
  };
}

const EMPTY_REPORT: Report = { tool: { name: 'mtls-audit', version: '0.1.0' }, kind: 'scan', target: '.', findings: [], suppressed: [], errors: [], stats: { durationMs: 1 } };

/** A finding of every registered rule, so that every descriptor is in the log. */
function everyRuleReport(): Report {
  const findings: Finding[] = allRules.map((r, i) => ({
    ruleId: r.meta.id,
    severity: r.meta.severity,
    cwe: r.meta.cwe,
    message: r.meta.docs.summary,
    location: r.meta.layer === 'probe' ? { url: 'https://127.0.0.1:8443/', case: r.meta.id } : { file: 'app/views.py', line: i + 1 },
    fingerprint: `fp${i}`,
  }));
  return { tool: { name: 'mtls-audit', version: '0.1.0' }, kind: 'scan', target: '.', findings, suppressed: [], errors: [], stats: { durationMs: 1 } };
}

// The seed tree is scanned once, by the first test that needs its report. sarif-multitool starts a
// .NET runtime (~1 s a run, several under load), so every log the tests below validate is built
// at once and the validator runs once over all of them, for the first test that needs it; each
// test checks what it reported about its log. (Promises rather than a before() hook: a failure is
// reported by the test that needed the work, also when test:unit runs several files in one process.)
type Seed = { root: string; report: Report };
let seedRoot: string | undefined;
let seedRun: Promise<Seed> | undefined;
let validation: Promise<Record<'scan' | 'probe' | 'unlocated' | 'empty' | 'everyRule', SarifValidation>> | undefined;

function seed(): Promise<Seed> {
  seedRun ??= (async () => {
    const root = (seedRoot = writeTree(SEED_TREE));
    return { root, report: await scanWithSuppressions(root) };
  })();
  return seedRun;
}

after(() => {
  if (seedRoot) rmSync(seedRoot, { recursive: true, force: true });
});

function checked(): NonNullable<typeof validation> {
  validation ??= (async () => {
    const { root, report } = await seed();
    const logs = {
      scan: renderSarif(report, { root }),
      probe: renderSarif(probeReport()),
      unlocated: JSON.stringify(buildSarif(unlocatedReport(), { root: '/tmp' })),
      empty: renderSarif(EMPTY_REPORT, { root: '/tmp' }),
      everyRule: JSON.stringify(buildSarif(everyRuleReport(), { root: '/tmp' })),
    };
    const names = Object.keys(logs) as (keyof typeof logs)[];
    const results = validateSarifLogs(names.map((n) => logs[n]));
    return Object.fromEntries(names.map((n, i) => [n, results[i]])) as Record<keyof typeof logs, SarifValidation>;
  })();
  return validation;
}

test('sarif: a scan report with suppressed findings passes sarif-multitool (SARIF and GitHub rules) with zero errors and warnings', async () => {
  assertValid((await checked()).scan);
});

test('sarif: a probe report passes sarif-multitool with zero errors and warnings', async () => {
  assertValid((await checked()).probe);
});

test('sarif: a finding without a line or any location still has the physical location GitHub requires', async () => {
  const run: Json = (buildSarif(unlocatedReport(), { root: '/tmp' }) as Json).runs[0];
  assert.deepEqual(
    run.results.map((r: Json) => r.locations[0].physicalLocation),
    [
      { artifactLocation: { uri: 'proj/settings.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } },
      { artifactLocation: { uri: 'deploy/nginx.conf', uriBaseId: '%SRCROOT%' }, region: { startLine: 4 } },
      { artifactLocation: { uri: './', uriBaseId: '%SRCROOT%' } },
    ],
  );
  const v = (await checked()).unlocated;
  assert.deepEqual(v.errors, [], v.console);
  // the scanned root itself has no lines: the only warning left is the missing region there
  assert.deepEqual(
    v.warnings.map((w) => w.ruleId),
    ['SARIF2017'],
  );
});

test('sarif: an empty scan report passes sarif-multitool', async () => {
  assertValid((await checked()).empty);
});

test('sarif: structure GitHub code scanning needs', async () => {
  const { root, report } = await seed();
  const log: Json = buildSarif(report, { root });
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1);
  const run = log.runs[0];
  const driver = run.tool.driver;
  assert.equal(driver.name, 'mtls-audit');
  assert.equal(driver.version, report.tool.version);
  assert.equal(driver.semanticVersion, report.tool.version);
  assert.match(driver.informationUri, /^https:\/\//);
  assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, pathToFileURL(root).href + '/');

  const all: Finding[] = [...report.findings, ...(report.suppressed ?? [])];
  assert.equal(run.results.length, all.length);
  const ids = driver.rules.map((r: Json) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
  for (const [i, res] of run.results.entries()) {
    const f = all[i];
    assert.equal(res.ruleId, f.ruleId);
    assert.equal(driver.rules[res.ruleIndex].id, f.ruleId, 'ruleIndex points at the rule');
    assert.equal(res.kind, 'fail');
    assert.equal(res.level, { critical: 'error', high: 'error', medium: 'warning', low: 'note' }[f.severity]);
    assert.ok(res.partialFingerprints[FINGERPRINT_KEY]);
    assert.equal(res.partialFingerprints[FINGERPRINT_KEY], f.fingerprint);
    const loc = res.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.doesNotMatch(loc.artifactLocation.uri, /\\|^\//);
    assert.equal(loc.region.startLine, f.location.line);
    if (f.suppression) assert.deepEqual(res.suppressions, [{ kind: f.suppression.kind, status: 'accepted', justification: f.suppression.justification }]);
    else assert.equal(res.suppressions, undefined);
  }
  // forward slashes and percent-encoding
  const win = run.results.find((r: Json) => r.partialFingerprints[FINGERPRINT_KEY] === fullFinding().fingerprint);
  assert.equal(win.locations[0].physicalLocation.artifactLocation.uri, 'app/views.py');
  assert.ok(win, 'app\\views.py is reported as app/views.py');
  assert.deepEqual(win.locations[0].physicalLocation.region, { startLine: 7, startColumn: 16, endLine: 7, endColumn: 58 });
  assert.deepEqual(win.relatedLocations[0], {
    id: 1,
    message: { text: 'nginx forwards the header without overwriting it.' },
    physicalLocation: { artifactLocation: { uri: 'deploy/nginx.conf', uriBaseId: '%SRCROOT%' }, region: { startLine: 12, startColumn: 5 } },
  });
  assert.deepEqual(win.relatedLocations[1], { id: 2, message: { text: 'no proxy configuration proves provenance.' } });
  assert.ok(run.results.some((r: Json) => r.locations[0].physicalLocation.artifactLocation.uri === 'app/dir%20with%20space/%C3%BC.py'));

  // an unregistered rule still gets a descriptor with GitHub's properties
  const unknown = driver.rules.find((r: Json) => r.id === 'not-a-registered-rule');
  assert.equal(unknown.defaultConfiguration.level, 'note');
  assert.deepEqual(unknown.properties.tags, ['security', 'external/cwe/cwe-20', 'CWE-20', 'mtls-audit/code']);
  assert.equal(unknown.properties['security-severity'], '3.0');

  // every registered scan rule is described; every descriptor has what GitHub shows
  for (const r of allRules.filter((x) => x.meta.layer !== 'probe')) assert.ok(ids.includes(r.meta.id), `${r.meta.id} missing from driver.rules`);
  for (const r of driver.rules) {
    assert.ok(r.shortDescription.text && r.fullDescription.text && r.help.text, r.id);
    assert.match(r.helpUri, /^https:\/\//);
    assert.ok(r.properties.tags.includes('security'));
    assert.match(r.properties['security-severity'], /^\d+\.\d$/);
  }

  // input errors become tool execution notifications with their file
  const notes = run.invocations[0].toolExecutionNotifications ?? [];
  assert.equal(run.invocations[0].executionSuccessful, true);
  assert.equal(notes.length, report.errors.length);
  for (const [i, e] of report.errors.entries()) {
    assert.equal(notes[i].level, 'warning');
    if (e.file) assert.equal(notes[i].locations[0].physicalLocation.artifactLocation.uri, e.file);
  }
});

test('sarif: probe results are located by URL with the case as a property', () => {
  const report = probeReport();
  const run: Json = (buildSarif(report) as Json).runs[0];
  assert.equal(run.originalUriBaseIds, undefined);
  const res = run.results[0];
  assert.deepEqual(res.locations[0].physicalLocation, { artifactLocation: { uri: 'https://127.0.0.1:8443/api/whoami' }, region: { startLine: 1 } });
  assert.equal(res.properties.case, 'spoofed-cert-header:X_SSL_Client_Cert');
  assert.match(res.properties.evidence, /200 OK/);
  // probe findings carry no fingerprint of their own: a stable one is derived from rule, URL and case
  assert.match(res.partialFingerprints[FINGERPRINT_KEY], /^[0-9a-f]{32}$/);
  assert.equal((buildSarif(probeReport()) as Json).runs[0].results[0].partialFingerprints[FINGERPRINT_KEY], res.partialFingerprints[FINGERPRINT_KEY]);
  assert.notEqual(run.results[1].partialFingerprints[FINGERPRINT_KEY], res.partialFingerprints[FINGERPRINT_KEY]);
  const notes = run.invocations[0].toolExecutionNotifications;
  assert.deepEqual(
    notes.map((n: Json) => [n.level, n.message.text]),
    [
      ['warning', 'TLS handshake with the backend failed: ECONNREFUSED.'],
      ['note', 'revoked-cert: not-run: no --crl given.'],
      ['warning', 'expired-cert: inconclusive: baselines do not separate.'],
    ],
  );
  // every registered probe rule is described
  const ids = run.tool.driver.rules.map((r: Json) => r.id);
  for (const r of allRules.filter((x) => x.meta.layer === 'probe')) assert.ok(ids.includes(r.meta.id));
});

const META: RuleMeta<'m'> = {
  id: 'cert-presence-only',
  layer: 'code',
  name: 'Access on certificate presence',
  cwe: ['CWE-287', 'CWE-306'],
  severity: 'critical',
  docs: {
    summary: 'Access is granted because a client certificate value is present',
    whyBad: 'Any certificate, or any header value, passes.',
    example: { lang: 'python', bad: "if request.META.get('SSL_CLIENT_CERT'):\n    return ok", good: 'user = bind(cert)' },
  },
  fix: 'Map the fingerprint to a user.',
  messages: { m: 'x' },
};

test('sarif: rule descriptors are generated from the rule meta', () => {
  const r: Json = sarifRule(META);
  assert.equal(r.id, 'cert-presence-only');
  assert.equal(r.name, 'CertPresenceOnly');
  assert.equal(r.shortDescription.text, 'Access is granted because a client certificate value is present.');
  assert.equal(r.fullDescription.text, 'Access is granted because a client certificate value is present. Any certificate, or any header value, passes.');
  assert.equal(r.help.text, 'Any certificate, or any header value, passes.\n\nHow to fix: Map the fingerprint to a user.');
  assert.match(r.help.markdown, /```python\nif request\.META\.get\('SSL_CLIENT_CERT'\):\n {4}return ok\n```/);
  assert.equal(r.helpUri, `${DOCS_BASE}/cert-presence-only.md`);
  assert.deepEqual(r.defaultConfiguration, { level: 'error' });
  assert.deepEqual(r.properties.tags, ['security', 'external/cwe/cwe-287', 'CWE-287', 'external/cwe/cwe-306', 'CWE-306', 'mtls-audit/code']);
  assert.equal(r.properties['security-severity'], '9.5');
  assert.equal(r.properties.precision, 'high');
  assert.equal(r.properties['problem.severity'], 'error');
  const levels = (['critical', 'high', 'medium', 'low'] as const).map((severity) => {
    const d: Json = sarifRule({ ...META, severity });
    return [d.defaultConfiguration.level, d.properties['security-severity'], d.properties['problem.severity']];
  });
  assert.deepEqual(levels, [
    ['error', '9.5', 'error'],
    ['error', '7.5', 'error'],
    ['warning', '5.0', 'warning'],
    ['note', '3.0', 'recommendation'],
  ]);
  // probe rules carry metadata the same way
  const probe = defineProbeRule({ ...META, id: 'accepts-no-cert', layer: 'probe' });
  assert.equal((sarifRule(probe.meta) as Json).helpUri, `${DOCS_BASE}/accepts-no-cert.md`);
});

test('sarif: every registered rule yields a descriptor the validator accepts', async () => {
  const log: Json = buildSarif(everyRuleReport(), { root: '/tmp' });
  for (const r of allRules) {
    const d = log.runs[0].tool.driver.rules.find((x: Json) => x.id === r.meta.id);
    assert.ok(d, r.meta.id);
    assert.ok(d.fullDescription.text.length > d.shortDescription.text.length, `${r.meta.id}: fullDescription adds why it is exploitable`);
  }
  assertValid((await checked()).everyRule);
});
