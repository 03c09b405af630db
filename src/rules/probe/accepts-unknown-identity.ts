import { defineProbeRule } from '../../core/rule.js';

export default defineProbeRule({
  id: 'accepts-unknown-identity',
  layer: 'probe',
  name: 'Certificate of an unknown subject accepted',
  cwe: ['CWE-287'],
  severity: 'high',
  diagram: { check: 'identity' },
  docs: {
    summary: 'A valid certificate from the trusted CA whose subject maps to no user was served.',
    whyBad: 'mTLS proves transport identity only: a target that lets in every certificate the CA ever issued (or enrols unknown subjects on first sight) authorises services and people it never meant to.',
    references: ['https://cwe.mitre.org/data/definitions/287.html'],
  },
  fix: 'Map every certificate to an existing account (bind the SHA-256 fingerprint or issuer+serial to the user) and refuse certificates that map to none; enrol certificates only through an explicit admin step.',
  messages: {
    unknownIdentity: 'A certificate from the trusted CA for the unknown subject {{subject}} was accepted on {{path}} ({{status}}).',
  },
});
