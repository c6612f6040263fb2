// The one module that wraps `selfsigned`: self-signed server certificates for the on-premises agent's
// first start and for the local stand-ins' TLS. Clients trust them by pinning, verification on.

import { generate } from 'selfsigned';

export interface SelfSignedPair {
  cert: string;
  key: string;
}

/** A self-signed server certificate for `names` plus the loopback addresses; valid two years. */
export async function generateSelfSigned(commonName: string, names: string[] = ['localhost']): Promise<SelfSignedPair> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 2 * 365 * 24 * 3600 * 1000);
  const dns = [...new Set(names.filter((n) => n && !/^[\d.:]+$/.test(n)))];
  const ips = [...new Set(['127.0.0.1', '::1', ...names.filter((n) => /^[\d.:]+$/.test(n))])];
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...dns.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** A certificate authority, for mutual TLS: the agent trusts it, clients present certificates it signed. */
export async function generateCertificateAuthority(commonName: string): Promise<SelfSignedPair> {
  const ca = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: ca.cert, key: ca.private };
}

/** A client certificate signed by `ca`, for mutual TLS. */
export async function generateClientCertificate(ca: SelfSignedPair, commonName: string): Promise<SelfSignedPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
