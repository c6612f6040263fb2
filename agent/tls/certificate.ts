// The agent's TLS identity: a supplied certificate and key, or a self-signed pair generated on first
// start and kept in the data dir. Clients pin it (CA file or SHA-256 fingerprint) with verification
// on, so the same certificate must survive restarts: it is only generated when none exists. A private
// key that other users can read is refused: whoever copies it can impersonate the agent.
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { certificateFingerprint256 } from '../../runtime/lib/http-client.ts';
import { generateSelfSigned } from '../../runtime/lib/self-signed.ts';
import { assertPrivateFile } from '../data-dir.ts';
import { writeFileAtomic } from '../fs-atomic.ts';
import { AgentStartupError } from '../startup-error.ts';

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
    if (!options.certFile || !options.keyFile) throw new AgentStartupError('a supplied certificate needs its key', 'give both --cert and --key, or neither');
    assertPrivateFile(options.keyFile, 'the private key');
    const cert = readFileSync(options.certFile, 'utf8');
    return { cert, key: readFileSync(options.keyFile, 'utf8'), fingerprint256: certificateFingerprint256(cert), generated: false };
  }
  const certPath = join(dataDir, CERT_FILE);
  const keyPath = join(dataDir, KEY_FILE);
  if (existsSync(certPath) && existsSync(keyPath)) {
    assertPrivateFile(keyPath, 'the private key');
    const cert = readFileSync(certPath, 'utf8');
    return { cert, key: readFileSync(keyPath, 'utf8'), fingerprint256: certificateFingerprint256(cert), generated: false };
  }
  const pems = await generateSelfSigned('ml-connector-agent', ['localhost', hostname(), ...(options.altNames ?? [])]);
  writeFileAtomic(keyPath, pems.key, 0o600);
  writeFileAtomic(certPath, pems.cert, 0o644);
  return { ...pems, fingerprint256: certificateFingerprint256(pems.cert), generated: true };
}
