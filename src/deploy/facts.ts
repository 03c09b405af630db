// Deployment facts the code rules use (RULES.md "Facts from the deployment that code rules use").
// Owned by the deployment layer; conservative until proven: with no proxy config nothing is proven.

import type { DeploymentModel, ProvenanceVerdict } from './model.js';
import type { RelatedLocation } from '../core/types.js';

/** Does every route to the app overwrite `wsgiKey` (both spellings) and is the app reachable only from the proxy? */
export function provesProvenance(_deploy: DeploymentModel, _wsgiKey: string): ProvenanceVerdict {
  return { proven: false, reason: 'no deployment configuration in the scanned tree proves provenance', related: [] };
}

/** Does every route to the app verify client certificates against a CA (chain, dates, purpose checked by the proxy)? */
export function verifiedAtProxy(_deploy: DeploymentModel, _wsgiKey: string): { verified: boolean; related: RelatedLocation[] } {
  return { verified: false, related: [] };
}

/** Does every route to the app also check revocation (CRL/OCSP) at the proxy? */
export function revocationAtProxy(_deploy: DeploymentModel, _wsgiKey: string): { checked: boolean; related: RelatedLocation[] } {
  return { checked: false, related: [] };
}
