import { probeRuleSuite } from '../../helpers/probe-target.js';

probeRuleSuite('accepts-spoofed-cert-header', { trustCertHeader: 'X-SSL-Client-Cert' });
