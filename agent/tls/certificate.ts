// The agent's TLS identity: a supplied certificate and key, or a self-signed pair generated on first
// start and kept in the data dir. Clients pin it (CA file or SHA-256 fingerprint) with verification
// on, so the same certificate must survive restarts: it is only generated when none exists.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { certificateFingerprint256 } from '../../runtime/lib/http-client.ts';
import { writeFileAtomic } from '../fs-atomic.ts';

export interface TlsIdentity {
  cert: string;
  key: string;
  /** SHA-256 fingerprint, upper-case hex with no separators (the form clients pin). */
  fingerprint256: string;
  generated: boolean;
}

export const CERT_FILE = 'agent-cert.pem';
export const KEY_FILE = 'agent-key.pem';

export interface CertificateOptions {
  /** Supplied PEM files; both or neither. */
  certFile?: string;
  keyFile?: string;
  /** Extra names for the generated certificate's SAN (the server's DNS name, its IP). */
  altNames?: string[];
}

export async function loadOrCreateCertificate(dataDir: string, options: CertificateOptions = {}): Promise<TlsIdentity> {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile) throw new Error('give both --cert and --key, or neither');
    const cert = readFileSync(options.certFile, 'utf8');
    return { cert, key: readFileSync(options.keyFile, 'utf8'), fingerprint256: certificateFingerprint256(cert), generated: false };
  }
  const certPath = join(dataDir, CERT_FILE);
  const keyPath = join(dataDir, KEY_FILE);
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    return { cert, key: readFileSync(keyPath, 'utf8'), fingerprint256: certificateFingerprint256(cert), generated: false };
  }
  const pems = await generateSelfSigned('ml-connector-agent', ['localhost', hostname(), ...(options.altNames ?? [])]);
  writeFileAtomic(keyPath, pems.key, 0o600);
  writeFileAtomic(certPath, pems.cert, 0o644);
  return { ...pems, fingerprint256: certificateFingerprint256(pems.cert), generated: true };
}

/** A self-signed server certificate for `names` plus the loopback addresses; valid two years. */
export async function generateSelfSigned(commonName: string, names: string[] = ['localhost']): Promise<{ cert: string; key: string }> {
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
