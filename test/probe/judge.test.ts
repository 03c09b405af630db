// "Accepted" is judged against two baselines, never by status alone; cases the baselines cannot
// separate are inconclusive. Outcomes here are plain data (the judge is a pure function).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judge, judgeNoCert, separation, showsName, type Refs } from '../../src/probe/judge.js';
import type { Outcome } from '../../src/probe/types.js';

const URL_ = new URL('https://127.0.0.1:8443/api/me/');

function resp(status: number, body = '', headers: Record<string, string> = {}): Outcome {
  return { kind: 'response', status, statusText: '', headers, body, ms: 1, seq: 1, request: { method: 'GET', url: URL_, headers: {}, identity: null, priority: 0, purpose: '' } };
}
function tls(error = 'TLS alert: certificate required'): Outcome {
  return { kind: 'tls-refused', error, ms: 1, seq: 1, request: { method: 'GET', url: URL_, headers: {}, identity: null, priority: 0, purpose: '' } };
}
const refs = (accepted: Outcome, refused: Outcome): Refs => ({ accepted, refused, legitName: 'alice', loginPaths: ['/accounts/login/'] });

test('the baselines separate by transport, status, login redirect or identity; otherwise nothing is judged', () => {
  assert.equal(separation(refs(resp(200, '{"user":"alice"}'), tls())).by, 'transport');
  assert.equal(separation(refs(resp(200, 'x'), resp(403))).by, 'status');
  assert.equal(separation(refs(resp(302, '', { location: '/api/me/' }), resp(302, '', { location: '/accounts/login/?next=/' }))).by, 'login-redirect');
  assert.equal(separation(refs(resp(200, 'hello alice'), resp(200, 'hello guest'))).by, 'identity');
  const none = separation(refs(resp(200, '{"ok":true}'), resp(200, '{"ok":true}')));
  assert.equal(none.by, null);
  assert.match(none.reason, /baselines do not separate/);
  assert.match(separation(refs(resp(403), resp(403))).reason, /legitimate certificate was answered 403/);
  assert.match(separation(refs(resp(302, '', { location: '/accounts/login/' }), resp(403))).reason, /redirected to a login page/);
  assert.equal(judge(resp(200, '{"ok":true}'), refs(resp(200, '{"ok":true}'), resp(200, '{"ok":true}')), { name: 'alice' }).verdict, 'inconclusive');
});

test('an attack is accepted only when it matches the legitimate baseline on what separates them', () => {
  const r = refs(resp(200, '{"user": "alice"}'), resp(403, 'no'));
  assert.equal(judge(resp(200, '{"user": "alice"}'), r, { name: 'alice' }).verdict, 'accepted');
  assert.equal(judge(tls('TLS alert: unknown ca'), r, { name: 'alice' }).verdict, 'refused');
  assert.equal(judge(resp(400, 'bad cert'), r, { name: 'alice' }).verdict, 'refused');
  assert.equal(judge(resp(302, '', { location: '/accounts/login/?next=/api/me/' }), r, { name: 'alice' }).verdict, 'refused');
  assert.equal(judge(resp(500, 'boom'), r, { name: 'alice' }).verdict, 'inconclusive');
  // Served, but as somebody else (or nobody): the target shows names, so that is not "as alice".
  assert.equal(judge(resp(200, '{"user": "mallory"}'), r, { name: 'alice' }).verdict, 'refused');
  assert.equal(judge(resp(200, '{"user": "malice"}'), r, { name: 'alice' }).verdict, 'refused');
  // An attack subject served under its own marker is not served as alice.
  assert.equal(judge(resp(200, '{"user": "mtls-audit-dn-1,CN=alice"}'), r, { name: 'alice', marker: 'mtls-audit-dn-1' }).verdict, 'refused');
  // Unknown subjects are expected under their own name.
  assert.equal(judge(resp(200, '{"user": "mtls-audit-unknown-1"}'), r, { name: 'mtls-audit-unknown-1', marker: 'mtls-audit-unknown-1' }).verdict, 'accepted');
  // Separated by identity only: the attack must show the name.
  const byId = refs(resp(200, 'hello alice'), resp(200, 'hello guest'));
  assert.equal(judge(resp(200, 'hello alice'), byId, { name: 'alice' }).verdict, 'accepted');
  assert.equal(judge(resp(200, 'hello guest'), byId, { name: 'alice' }).verdict, 'refused');
  // No names shown: status decides.
  const plain = refs(resp(200, '{"authenticated": true}'), resp(401, '{"error": "no"}'));
  assert.equal(judge(resp(200, '{"authenticated": true}'), plain, { name: 'alice' }).verdict, 'accepted');
  assert.equal(judge({ ...tls(), kind: 'network-error', error: 'ECONNRESET' }, plain, { name: 'alice' }).verdict, 'inconclusive');
});

test('the no-certificate request itself', () => {
  const a = resp(200, '{"users": ["alice", "bob"]}');
  assert.equal(judgeNoCert(resp(200, '{"users": ["alice", "bob"]}'), a, 'alice', []).verdict, 'accepted');
  assert.equal(judgeNoCert(tls(), a, 'alice', []).verdict, 'refused');
  assert.equal(judgeNoCert(resp(403), a, 'alice', []).verdict, 'refused');
  assert.equal(judgeNoCert(resp(200, '{"users": []}'), a, 'alice', []).verdict, 'refused');
  const anon = resp(200, '{"authenticated": true}');
  assert.equal(judgeNoCert(resp(200, '{"authenticated": true}'), anon, 'alice', []).verdict, 'accepted');
  const v = judgeNoCert(resp(200, '{"authenticated": false}'), anon, 'alice', []);
  assert.equal(v.verdict, 'inconclusive');
  assert.equal(judgeNoCert(resp(302, '', { location: '/login/' }), anon, 'alice', ['/login/']).verdict, 'refused');
});

test('names match whole words only', () => {
  assert.ok(showsName(resp(200, '{"user": "alice"}'), 'alice'));
  assert.ok(showsName(resp(200, 'alice@lab.test'), 'alice'));
  assert.ok(!showsName(resp(200, 'malice'), 'alice'));
  assert.ok(!showsName(resp(200, 'alice-2'), 'alice'));
  assert.ok(!showsName(resp(200, 'al'), 'al'));
});
