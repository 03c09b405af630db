// @peculiar/x509 bound to Node's webcrypto. Every PKI module imports x509 from here, so the
// reflect-metadata polyfill and the crypto provider are set up exactly once, before first use.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
export const subtle = webcrypto.subtle as unknown as SubtleCrypto;
