// The forged headers: every convention, both spellings, every PEM encoding; batches never put two
// values on one WSGI key; every value is a legal header value and decodes back to the certificate.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLabPki } from '../../src/pki/lab.js';
import { loadLegit } from '../../src/probe/identities.js';
import { CERT_ENCODINGS, CERT_HEADERS, spoofBatches } from '../../src/probe/headers.js';

test('batches cover every header × encoding × spelling once, one value per WSGI key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-audit-headers-'));
  try {
    const pki = await createLabPki(dir);
    const legit = loadLegit(pki.alice.certPem, pki.alice.keyPem);
    const batches = spoofBatches(legit);
    assert.equal(batches.length, 2 * (CERT_ENCODINGS.length + 1));
    const seen = new Set<string>();
    for (const b of batches) {
      const keys = b.items.map((i) => `HTTP_${i.name.toUpperCase().replace(/-/g, '_')}`);
      assert.equal(new Set(keys).size, keys.length, `${b.id}: two values for one WSGI key`);
      for (const i of b.items) {
        validateHeaderName(i.name);
        validateHeaderValue(i.name, i.value);
        const combo = `${i.name}|${i.encoding ?? ''}`;
        assert.ok(!seen.has(combo), combo);
        seen.add(combo);
      }
    }
    for (const h of CERT_HEADERS) {
      for (const e of CERT_ENCODINGS) {
        assert.ok(seen.has(`${h.name}|${e.label}`));
        assert.ok(seen.has(`${h.name.replace(/-/g, '_')}|${e.label}`));
      }
    }
    for (const n of [
      'X-SSL-Client-S-DN',
      'X-SSL-Client-Verify',
      'X-Client-Verify',
      'Remote-User',
      'X-Remote-User',
      'X-Forwarded-User',
      'X-Forwarded-Client-Cert',
      'X-Forwarded-Tls-Client-Cert-Info',
      'X-Goog-Authenticated-User-Email',
      'X-Client-Cert-Hash',
      'Client-Cert',
    ]) {
      assert.ok(seen.has(`${n}|`) || [...seen].some((s) => s.startsWith(`${n}|`)), n);
      assert.ok(
        [...seen].some((s) => s.startsWith(`${n.replace(/-/g, '_')}|`)),
        `${n} underscore`,
      );
    }
    // Every encoding decodes back to the DER of the certificate.
    const der = Buffer.from(legit.derBase64, 'base64');
    const fromPem = (pem: string) => Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\\n|\s/g, ''), 'base64');
    const value = (id: string) => batches.find((b) => b.id === `dash:${id}`)!.items[0].value;
    assert.deepEqual(fromPem(decodeURIComponent(value('url'))), der);
    assert.deepEqual(Buffer.from(value('der'), 'base64'), der);
    assert.deepEqual(fromPem(value('space')), der);
    assert.deepEqual(fromPem(value('tab')), der);
    assert.deepEqual(fromPem(value('nl')), der);
    assert.doesNotMatch(value('space'), /\n/);
    const ident = batches.find((b) => b.id === 'dash:identity')!.items;
    const xfcc = ident.find((i) => i.name === 'X-Forwarded-Client-Cert')!.value;
    assert.match(xfcc, new RegExp(`^Hash=${legit.sha256Hex};Cert="-----BEGIN%20CERTIFICATE-----[^"]+";Subject="CN=alice,O=mtls-audit lab";URI=$`));
    assert.equal(ident.find((i) => i.name === 'X-SSL-Client-Verify')!.value, 'SUCCESS');
    assert.equal(ident.find((i) => i.name === 'X-SSL-Client-DN')!.value, '/O=mtls-audit lab/CN=alice');
    assert.equal(ident.find((i) => i.name === 'Client-Cert')!.value, `:${legit.derBase64}:`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
