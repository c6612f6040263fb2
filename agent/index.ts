// The programmatic entry point: start an agent in-process (the CLI, the sink connector's tests and
// the end-to-end demo all go through here).
import { readFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../runtime/lib/log.ts';
import { ApiKeyStore } from './auth/keys.ts';
import type { Backend } from './backends/backend.ts';
import { createBoiBackend, type BoiBackendOptions } from './backends/boi/backend.ts';
import { loadWinaxRuntime } from './backends/boi/winax.ts';
import { createSimBackend, type SimAdmin, type SimBackendOptions } from './backends/sim/backend.ts';
import { createHandler } from './http/handler.ts';
import { routes } from './http/routes.ts';
import { IdempotencyStore } from './idempotency/store.ts';
import { loadOrCreateCertificate } from './tls/certificate.ts';

export { ApiKeyStore } from './auth/keys.ts';
export type { Backend } from './backends/backend.ts';
/** The error catalogue (stable codes, HTTP status, retryable), for clients in this repository. */
export { ERRORS, type ErrorCode } from './errors.ts';

export interface AgentOptions {
  /** `sim` (simulated Sage 100, any OS), `boi` (Sage 100 through COM, Windows), or a ready Backend. */
  backend: 'sim' | 'boi' | Backend;
  /** Where the certificate, API keys, idempotency log and (sim) data live. Created if missing. */
  dataDir: string;
  /** TCP port; 0 picks a free one (see the returned `port`). Default 8443. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1; use 0.0.0.0 to serve the network. */
  host?: string;
  /** Supplied certificate and key (PEM files). Default: a self-signed pair generated in dataDir. */
  certFile?: string;
  keyFile?: string;
  /** Extra DNS names / IPs for the generated certificate's subjectAltName. */
  altNames?: string[];
  /** PEM of the CA that signs client certificates; turns mutual TLS on (others are refused in the handshake). */
  clientCa?: string;
  /** Largest request body accepted. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Whole-request deadline. Default 30 s. */
  requestTimeoutMs?: number;
  logger?: Logger;
  /** Options of the sim backend (licences, lock message, ...). */
  sim?: SimBackendOptions;
  /** Options of the boi backend (home path, Sage user, companies, ...); `com` defaults to winax. */
  boi?: Omit<BoiBackendOptions, 'com'> & Partial<Pick<BoiBackendOptions, 'com'>>;
}

export interface RunningAgent {
  url: string;
  port: number;
  /** SHA-256 of the server certificate, upper-case hex: what a client pins. */
  fingerprint256: string;
  /** The server certificate (PEM): what a client puts in its `ca` to trust exactly this agent. */
  certificate: string;
  certificateGenerated: boolean;
  backend: Backend;
  /** Admin operations of the sim backend (locks, hand edits, faults); undefined for boi. */
  sim?: SimAdmin;
  keys: ApiKeyStore;
  /** Stops accepting connections, lets requests in flight finish (up to `graceMs`), releases Sage sessions. */
  close(graceMs?: number): Promise<void>;
}

export function agentVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

async function makeBackend(options: AgentOptions): Promise<{ backend: Backend; sim?: SimAdmin }> {
  if (typeof options.backend === 'object') return { backend: options.backend };
  if (options.backend === 'sim') {
    const sim = createSimBackend({ dataDir: options.dataDir, ...options.sim });
    return { backend: sim.backend, sim: sim.admin };
  }
  if (!options.boi) throw new Error('the boi backend needs its options (home path, Sage user, companies)');
  const com = options.boi.com ?? (await loadWinaxRuntime());
  return { backend: createBoiBackend({ ...options.boi, com }) };
}

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  mkdirSync(options.dataDir, { recursive: true });
  const logger = options.logger ?? silentLogger();
  const identity = await loadOrCreateCertificate(options.dataDir, { certFile: options.certFile, keyFile: options.keyFile, altNames: options.altNames });
  const keys = new ApiKeyStore(options.dataDir);
  const idempotency = new IdempotencyStore(options.dataDir);
  const { backend, sim } = await makeBackend(options);
  const mutualTls = options.clientCa !== undefined;

  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const headersTimeoutMs = Math.min(10_000, requestTimeoutMs);
  const server: Server = createServer({
    cert: identity.cert,
    key: identity.key,
    minVersion: 'TLSv1.2',
    // Node's default is 120 s: a peer that opens TCP and never says hello would hold one of the
    // maxConnections slots that long. The handshake gets the same deadline as the headers.
    handshakeTimeout: headersTimeoutMs,
    // Node checks request/header deadlines on this interval (default 30 s); 1 s makes them hold.
    connectionsCheckingInterval: 1000,
    ...(mutualTls ? { ca: options.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
  });
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = headersTimeoutMs;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  // An integration agent has a handful of clients; this bounds sockets held by anything else.
  server.maxConnections = 256;
  const inFlight = new Set<Promise<void>>();
  const handle = createHandler({ routes: routes({ backend, sim, version: agentVersion() }), keys, idempotency, logger, maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024, mutualTls });
  server.on('request', (req, res) => {
    const done = new Promise<void>((resolve) => res.once('close', resolve));
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
    handle(req, res);
  });
  server.on('tlsClientError', (error) => logger.debug({ err: error.message }, 'TLS handshake refused'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8443, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `https://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  logger.info({ url, fingerprint256: identity.fingerprint256, backend: backend.kind, mutualTls }, 'agent listening');

  let closing: Promise<void> | undefined;
  const close = (graceMs = 10_000): Promise<void> => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.all(inFlight), grace]);
      server.closeAllConnections();
      await closed;
      await backend.close();
      idempotency.close();
      logger.info('agent stopped');
    })();
    return closing;
  };

  return { url, port: address.port, fingerprint256: identity.fingerprint256, certificate: identity.cert, certificateGenerated: identity.generated, backend, ...(sim ? { sim } : {}), keys, close };
}
