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
import { EXCEPTIONS, ORM, RESPONSES } from '../../src/python/library/django.js';

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

/** The `grants=` part of each flow line. */
function grantsOf(flows: string): string[] {
  return flows
    .split('\n')
    .filter((l) => l.startsWith('flow '))
    .map((l) => l.slice(l.indexOf('grants=') + 7));
}

/** A view reading a certificate field and returning `ret`, after `head` (imports, definitions). */
const certView = (head: string, ret: string) => `${head}\n\ndef cert_view(request):\n    cn = request.META.get("SSL_CLIENT_S_DN_CN")\n    return ${ret}\n`;

test('Django responses by qualified name: an alias of render() grants, a project render() or Response class is analysed', async () => {
  // `render` imported under another name is still Django's shortcut: a success response.
  const aliased = await flowsOf({ 'app/views.py': certView('from django.shortcuts import render as show', 'show(request, "ok.html", {"cn": cn})') });
  assert.deepEqual(grantsOf(aliased), ['success response@5'], aliased);
  // DRF's Response grants …
  const drf = await flowsOf({ 'app/views.py': certView('from rest_framework.response import Response', 'Response({"cn": cn})') });
  assert.deepEqual(grantsOf(drf), ['success response@5'], drf);
  // … a project class named Response that is no HTTP response does not.
  const ownClass = await flowsOf({ 'app/views.py': certView('class Response:\n    def __init__(self, data):\n        self.data = data', 'Response({"cn": cn})') });
  assert.deepEqual(grantsOf(ownClass), [''], ownClass);
  // A project function named render is analysed: this one denies.
  const ownRender = await flowsOf({
    'app/views.py': certView('from django.http import HttpResponseForbidden\n\ndef render(request, cn):\n    return HttpResponseForbidden()', 'render(request, cn)'),
  });
  assert.deepEqual(grantsOf(ownRender), [''], ownRender);
});

test('a project class is the response or exception its library bases make it, whatever its name', async () => {
  const flows = await flowsOf({
    'app/views.py': `
      from django.http import HttpResponseForbidden, JsonResponse
      from django.core.exceptions import PermissionDenied as Refused

      class NoEntry(HttpResponseForbidden):
          pass

      class Accepted(JsonResponse):
          pass

      class CertificateRefusal(Refused):
          pass

      class Note:
          pass

      def cert_view(request):
          cn = request.META.get("SSL_CLIENT_S_DN_CN")
          if not cn:
              return NoEntry()
          if cn == "blocked":
              CertificateRefusal("blocked")
          Note()
          return Accepted({"cn": cn})
    `,
  });
  const lines = flows.split('\n').map((l) => l.trim());
  // The presence test denies through the project subclass of HttpResponseForbidden.
  assert.ok(
    lines.some((l) => l.startsWith('cond@app/views.py:18') && l.includes('denies=true')),
    flows,
  );
  // A subclass of PermissionDenied (through an alias) built but not raised is a fail-open; a plain class is not.
  assert.ok(
    lines.some((l) => l.startsWith('fail-open@app/views.py:21') && l.endsWith(' unraised')),
    flows,
  );
  assert.ok(!lines.some((l) => l.startsWith('fail-open@app/views.py:22')), flows);
  // The project subclass of JsonResponse grants.
  assert.deepEqual(grantsOf(flows), ['success response@23'], flows);
});

test('every Django table entry says what it is about', () => {
  for (const e of [...RESPONSES, ...EXCEPTIONS]) {
    assert.ok(e.qualified.length && (e.names?.length || e.nameRe), `${e.lib}: qualified names and a text fallback`);
    for (const q of e.qualified) assert.match(q, /^(django|rest_framework)\./, `${e.lib}: ${q}`);
  }
  for (const e of ORM) assert.ok(e.methods.length, `${e.lib}: methods`);
  // The denials come first: their names end in Response too.
  assert.equal(RESPONSES[0].does.outcome, 'deny');
});
