// The programmatic entry point: start an agent in-process (the CLI, the sink connector's tests and
// the end-to-end demo all go through here).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../runtime/lib/log.ts';
import { ApiKeyStore } from './auth/keys.ts';
import type { Backend } from './backends/backend.ts';
import { createBoiBackend, type BoiBackendOptions } from './backends/boi/backend.ts';
import { loadWinaxRuntime } from './backends/boi/winax.ts';
import { createSimBackend, type SimAdmin, type SimBackendOptions } from './backends/sim/backend.ts';
import { ensurePrivateDir } from './data-dir.ts';
import { sweepStaleTemps } from './fs-atomic.ts';
import { guardConnections, type ConnectionLimits, type ConnectionStats } from './http/connection-guard.ts';
import { createHandler, writeRunner } from './http/handler.ts';
import { routes as routeTable } from './http/routes.ts';
import { SampledLog } from './http/sampled-log.ts';
import { reconcileUnanswered } from './idempotency/reconcile.ts';
import { IdempotencyStore, type IdempotencyOptions } from './idempotency/store.ts';
import { loadOrCreateCertificate } from './tls/certificate.ts';
import { FORWARD_SECRET_CIPHERS } from '../runtime/lib/tls-ciphers.ts';

export { ApiKeyStore } from './auth/keys.ts';
export type { Backend } from './backends/backend.ts';
/** The error catalogue (stable codes, HTTP status, retryable), for clients in this repository. */
export { ERRORS, type ErrorCode } from './errors.ts';
export { AgentStartupError } from './startup-error.ts';

export interface AgentOptions {
  /** `sim` (simulated Sage 100, any OS), `boi` (Sage 100 through COM, Windows), or a ready Backend. */
  backend: 'sim' | 'boi' | Backend;
  /**
   * Where the certificate, API keys, idempotency log and (sim) data live. Created 0700 if missing;
   * an existing one that other users can write is refused (AgentStartupError).
   */
  dataDir: string;
  /** TCP port; 0 picks a free one (see the returned `port`). Default 8443. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1; name the server's own LAN address to serve the network. */
  host?: string;
  /** Per-address and total connection limits, and the deadline to authenticate. */
  connections?: ConnectionLimits;
  /** TLS handshake deadline. Default 5 s (or the headers deadline, when shorter). */
  handshakeTimeoutMs?: number;
  /** How long an idle authenticated keep-alive connection stays open. Default 5 s. */
  keepAliveTimeoutMs?: number;
  /** Idempotency log options (retention; tests inject a failing log). */
  idempotency?: IdempotencyOptions;
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
  /** Connections held and refused so far (what the connection limits did). */
  connectionStats(): ConnectionStats;
  /** Resolves when start-up reconciliation of unanswered writes has finished. */
  reconciled: Promise<void>;
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
  ensurePrivateDir(options.dataDir);
  sweepStaleTemps(options.dataDir);
  sweepStaleTemps(join(options.dataDir, 'sim'));
  const logger = options.logger ?? silentLogger();
  const identity = await loadOrCreateCertificate(options.dataDir, { certFile: options.certFile, keyFile: options.keyFile, altNames: options.altNames });
  const keys = new ApiKeyStore(options.dataDir, { onRejectedReload: (error) => logger.error({ problem: error.message, fix: error.fix }, 'API keys file refused; the keys loaded before stay in force') });
  const idempotency = new IdempotencyStore(options.dataDir, options.idempotency);
  const { backend, sim } = await makeBackend(options);
  const mutualTls = options.clientCa !== undefined;

  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const headersTimeoutMs = Math.min(10_000, requestTimeoutMs);
  const server: Server = createServer({
    cert: identity.cert,
    key: identity.key,
    minVersion: 'TLSv1.2',
    // TLS 1.2 suites limited to ECDHE key exchange (forward secrecy); TLS 1.3 suites all have it.
    ciphers: FORWARD_SECRET_CIPHERS,
    honorCipherOrder: true,
    // Node's default is 120 s: a peer that opens TCP and never says hello would hold a slot that long.
    handshakeTimeout: options.handshakeTimeoutMs ?? Math.min(5_000, headersTimeoutMs),
    // Node checks request/header deadlines on this interval (default 30 s); 1 s makes them hold.
    connectionsCheckingInterval: 1000,
    ...(mutualTls ? { ca: options.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
  });
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = headersTimeoutMs;
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5_000;
  server.maxHeadersCount = 100;
  const refusals = new SampledLog(logger);
  const guard = guardConnections(server, options.connections ?? {}, refusals);
  const inFlight = new Set<Promise<void>>();
  const routes = routeTable({ backend, sim, version: agentVersion() });
  const handle = createHandler({ routes, keys, idempotency, logger, maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024, mutualTls, refusals, guard });
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
  // Writes whose first run was never answered (a crash, a full disk): ask Sage whether they took
  // effect, so their retries get the real outcome. In the background: Sage may be slow or busy.
  const reconciled = reconcileUnanswered(idempotency, writeRunner(routes), logger).then(() => undefined);

  let closing: Promise<void> | undefined;
  const close = (graceMs = 10_000): Promise<void> => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.all(inFlight), grace]);
      server.closeAllConnections();
      await closed;
      await reconciled;
      await backend.close();
      idempotency.close();
      refusals.flush();
      logger.info('agent stopped');
    })();
    return closing;
  };

  return { url, port: address.port, fingerprint256: identity.fingerprint256, certificate: identity.cert, certificateGenerated: identity.generated, backend, ...(sim ? { sim } : {}), keys, connectionStats: guard.stats, reconciled, close };
}
