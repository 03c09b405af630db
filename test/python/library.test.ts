// Library knowledge as data (src/python/library/): the tables drive the flow analysis, and an
// entry is found by the qualified name the semantic model gives the callee — through an alias
// (`compare_digest as same_digest`, `load_pem_x509_certificate as read_pem`, `timezone as tz`,
// `import re as regex_module`) — not by the name written at the call.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { writeTree, dedent } from '../helpers/rule-tester.js';
import { runScan } from '../../src/scan/engine.js';
import { describeFlows } from '../../src/python/flow.js';
import type { ProjectModel } from '../../src/model/project.js';
import { ATTRIBUTES, CERTIFICATE_VALUES, LIBRARY_CALLS, MATCH_OBJECTS } from '../../src/python/library/index.js';

async function flowsOf(files: Record<string, string>): Promise<string> {
  const dir = writeTree(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, dedent(v)])));
  try {
    let model: ProjectModel | null = null;
    const report = await runScan({ path: dir, onModel: (m) => (model = m) });
    assert.deepEqual(report.errors, []);
    return describeFlows((model as ProjectModel | null)!.code);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('library entries are found through aliases: parse, time, session re-check, compiled pattern, decoder', async () => {
  const flows = await flowsOf({
    'app/views.py': `
      from cryptography.hazmat.primitives import hashes
      from django.http import HttpResponse, HttpResponseForbidden
      from hmac import compare_digest as same_digest
      from cryptography.x509 import load_pem_x509_certificate as read_pem
      from django.utils import timezone as tz
      from urllib.parse import unquote as url_decode
      import re as regex_module

      UID = regex_module.compile(r"UID=(\\d+)")

      def cert_view(request):
          pem = url_decode(request.META.get("HTTP_X_SSL_CLIENT_CERT", ""))
          cert = read_pem(pem.encode())
          if cert.not_valid_after_utc < tz.now():
              return HttpResponseForbidden()
          fp = cert.fingerprint(hashes.SHA256()).hex()
          if not same_digest(request.session.get("cert_fp", ""), fp):
              return HttpResponseForbidden()
          m = UID.search(cert.subject.rfc4514_string())
          return HttpResponse("ok")
    `,
  });
  const lines = flows.split('\n').map((l) => l.trim());
  // The decoder keeps the PEM read, so the aliased parser parses it.
  assert.ok(lines.includes('parse@app/views.py:13 read_pem(pem.encode())'), flows);
  // `tz.now()` is the aware current time: the comparison is a validity check.
  assert.ok(lines.includes('validity-compare@app/views.py:14 cert.not_valid_after_utc < tz.now()'), flows);
  // hmac.compare_digest under another name: the session's stored fingerprint against the presented one.
  assert.ok(lines.includes('session-compare@app/views.py:17 same_digest(request.session.get("cert_fp", ""), fp)'), flows);
  assert.ok(!lines.some((l) => / provenance$/.test(l)), 'a session re-check is not proxy provenance');
  // A pattern compiled by `re` imported as regex_module, bound to a name with no regex convention.
  assert.ok(lines.includes('dnop@app/views.py:19 UID.search(cert.subject.rfc4514_string())'), flows);
});

test('a project function with a library method’s name is analysed, not taken for the library’s', async () => {
  const flows = await flowsOf({
    'app/views.py': `
      from django.http import HttpResponse
      from cryptography import x509

      def verify_certificate(cert):
          return True

      def cert_view(request):
          cert = x509.load_pem_x509_certificate(request.META["HTTP_X_SSL_CLIENT_CERT"].encode())
          if verify_certificate(cert):
              return HttpResponse("ok")
    `,
  });
  assert.ok(flows.includes('parse@app/views.py:8'), flows);
  assert.ok(!/ chain$/m.test(flows), `no chain check from a project function named verify_certificate:\n${flows}`);
});

test('attributes of certificate values come from one table, read directly or through getattr()', async () => {
  const flows = await flowsOf({
    'app/views.py': `
      from django.http import HttpResponse, HttpResponseForbidden
      from django.utils import timezone
      from cryptography import x509

      def cert_view(request):
          cert = x509.load_pem_x509_certificate(request.META["HTTP_X_SSL_CLIENT_CERT"].encode())
          if getattr(cert, "not_valid_after_utc") < timezone.now():
              return HttpResponseForbidden()
          if cert.not_valid_before_utc > timezone.now():
              return HttpResponseForbidden()
          return HttpResponse("ok")
    `,
  });
  const lines = flows.split('\n').map((l) => l.trim());
  assert.ok(lines.includes('validity-read@app/views.py:7 getattr(cert, "not_valid_after_utc")'), flows);
  assert.ok(lines.includes('validity-compare@app/views.py:7 getattr(cert, "not_valid_after_utc") < timezone.now()'), flows);
  assert.ok(lines.includes('validity-read@app/views.py:9 cert.not_valid_before_utc'), flows);
});

test('every table entry says what it is about: a receiver kind with methods, or qualified names / text fallbacks', () => {
  for (const e of [...CERTIFICATE_VALUES, ...MATCH_OBJECTS, ...LIBRARY_CALLS]) {
    if (e.receiver) assert.ok(e.methods?.length, `${e.lib}: a receiver entry needs methods`);
    else assert.ok(e.qualified?.length || e.names?.length || e.lastRe || e.dottedRe, `${e.lib}: no qualified name or fallback`);
  }
  for (const e of ATTRIBUTES) assert.ok(e.attrs.length, `${e.lib}: an attribute entry needs attribute names`);
});
