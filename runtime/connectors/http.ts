// The HTTP client connectors get from their context: TLS trust with verification always on, a timeout
// on every attempt, retries of throttling, server errors and network failures with full jitter and the
// remote's Retry-After, and one error type out. Hand-written over undici's request rather than its
// RetryAgent: the retry decision needs the connector's classify hook, a long Retry-After must end the
// call with retryAfterMs (the engine reschedules instead of holding a worker), and waits must honour
// the run's abort signal and an injectable clock.
import { ConnectorRuntimeError, type ErrorCode } from '../errors.ts';
import {
  createDispatcher,
  fetchPeerCertificate,
  formatFingerprint,
  httpRequest,
  normalizeFingerprint,
  type HttpDispatcher,
} from '../lib/http-client.ts';
import { backoffDelayMs, parseRetryAfterMs } from '../policies/retry.ts';
import type { Classification, ConnectorHttp, ConnectorLogger, HttpClient, HttpClientOptions, HttpRequest, HttpResponse, RetryOptions } from './context.ts';
import { classifyNetworkError } from './network-errors.ts';

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  initialIntervalMs: 500,
  backoffCoefficient: 2,
  maxIntervalMs: 30_000,
  maxRetryAfterMs: 120_000,
};

export interface HttpEnvironment {
  logger: ConnectorLogger;
  signal: AbortSignal;
  clock(): Date;
  /** Waits are injectable so tests count them instead of waiting. */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
  random?(): number;
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function createConnectorHttp(environment: HttpEnvironment): ConnectorHttp {
  return { client: (options = {}) => createHttpClient(options, environment) };
}

function defaultClassification(response: HttpResponse, label: string): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) return 'ok';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return { retry: true, reason: `${label} answered ${status}` };
  const detail = errorDetail(response);
  if (status === 401 || status === 403) return { error: 'MLC_REMOTE_AUTH', message: `${label} refused the credentials (${status})${detail}` };
  return { error: 'MLC_REMOTE_REJECTED', message: `${label} refused the request (${status})${detail}` };
}

/** A short, printable reason from the response: a vendor error header, or the start of a text body. */
export function errorDetail(response: HttpResponse): string {
  const header = Object.entries(response.headers).find(([name]) => /^x-[a-z-]*error[a-z-]*$/.test(name))?.[1];
  if (header) return `: ${header.slice(0, 300)}`;
  const type = response.headers['content-type'] ?? '';
  if (!/json|text\/plain/.test(type)) return '';
  const text = response.text().replace(/\s+/g, ' ').trim();
  return text ? `: ${text.slice(0, 300)}` : '';
}

function createHttpClient(options: HttpClientOptions, environment: HttpEnvironment): HttpClient {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const label = options.label ?? 'the remote system';
  const sleep = environment.sleep ?? abortableSleep;
  let peerFingerprint: string | undefined;
  let dispatcher: Promise<HttpDispatcher> | undefined;

  const dispatcherFor = (url: string): Promise<HttpDispatcher> => {
    dispatcher ??= buildDispatcher(url, options, (fingerprint) => {
      peerFingerprint = fingerprint;
    }).catch((error: unknown) => {
      dispatcher = undefined;
      throw error;
    });
    return dispatcher;
  };

  async function attempt(url: string, request: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = request.timeoutMs ?? options.timeoutMs ?? 30_000;
    return httpRequest(url, {
      method: request.method ?? 'GET',
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
      dispatcher: await dispatcherFor(url),
      signal: environment.signal,
      timeoutMs,
      ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
    });
  }

  async function request(url: string, request: HttpRequest = {}): Promise<HttpResponse> {
    const method = request.method ?? 'GET';
    const idempotent = request.idempotent ?? (method !== 'POST' && method !== 'PATCH');
    const maxAttempts = idempotent ? Math.max(1, retry.maxAttempts) : 1;
    const fail = (code: ErrorCode, message: string, extra: { retryAfterMs?: number; cause?: unknown } = {}): never => {
      throw new ConnectorRuntimeError(code, message, { ...extra, ...(request.recordKey ? { recordKey: request.recordKey } : {}) });
    };
    for (let attemptNo = 1; ; attemptNo += 1) {
      let retryReason: string;
      let retryAfterMs: number | undefined;
      try {
        const response = await attempt(url, request);
        const verdict = request.classify?.(response) ?? defaultClassification(response, label);
        if (verdict === 'ok') return response;
        if ('error' in verdict) {
          throw new ConnectorRuntimeError(verdict.error, verdict.message, {
            ...(verdict.errorClass ? { errorClass: verdict.errorClass } : {}),
            ...(verdict.retryAfterMs !== undefined ? { retryAfterMs: verdict.retryAfterMs } : {}),
            ...(request.recordKey ? { recordKey: request.recordKey } : {}),
          });
        }
        retryReason = verdict.reason;
        retryAfterMs = verdict.retryAfterMs ?? parseRetryAfterMs(response.headers['retry-after'], environment.clock(), Number.MAX_SAFE_INTEGER);
      } catch (error) {
        if (error instanceof ConnectorRuntimeError) throw error;
        if (environment.signal.aborted) throw error;
        const network = classifyNetworkError(error, label);
        if (network.code !== 'MLC_REMOTE_UNAVAILABLE') fail(network.code, network.message, { cause: error });
        retryReason = network.message;
        retryAfterMs = undefined;
      }
      // Retry-After beyond what we wait in-line: hand the wait to the engine, never call before it.
      if (retryAfterMs !== undefined && retryAfterMs > retry.maxRetryAfterMs) {
        fail('MLC_REMOTE_UNAVAILABLE', `${retryReason}; asked to wait ${Math.ceil(retryAfterMs / 1000)} s`, { retryAfterMs });
      }
      if (attemptNo >= maxAttempts) {
        fail('MLC_REMOTE_UNAVAILABLE', `${retryReason} (after ${attemptNo} attempt${attemptNo === 1 ? '' : 's'})`, retryAfterMs !== undefined ? { retryAfterMs } : {});
      }
      const delay = retryAfterMs ?? backoffDelayMs(attemptNo, retry, environment.random);
      environment.logger.debug({ url: redactQuery(url), attempt: attemptNo, delayMs: delay }, `retrying: ${retryReason}`);
      await sleep(delay, environment.signal);
    }
  }

  return {
    request,
    lastPeerFingerprint: () => peerFingerprint,
    async close() {
      const current = dispatcher;
      dispatcher = undefined;
      if (current) await (await current.catch(() => undefined))?.close();
    },
  };
}

function redactQuery(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? url : `${url.slice(0, at)}?…`;
}

/**
 * With a CA (or the server's own certificate) the dispatcher verifies against it and checks the pin.
 * With only a fingerprint, the server's certificate is fetched once, compared with the pin, and then
 * trusted as the CA of an ordinary verifying connection: verification is never switched off.
 */
async function buildDispatcher(url: string, options: HttpClientOptions, onPeer: (fingerprint: string) => void): Promise<HttpDispatcher> {
  const tls = { ...options.tls };
  const dispatcherOptions = {
    ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 4_000,
    onPeerCertificate: onPeer,
  };
  if (url.startsWith('https:') && tls.fingerprint256 && !tls.ca) {
    const pin = normalizeFingerprint(tls.fingerprint256);
    const peer = await fetchPeerCertificate(url, options.connectTimeoutMs).catch((error: unknown) => {
      const network = classifyNetworkError(error, options.label ?? 'the remote system');
      throw new ConnectorRuntimeError(network.code, network.message, { cause: error });
    });
    onPeer(peer.fingerprint256);
    if (peer.fingerprint256 !== pin) {
      throw new ConnectorRuntimeError(
        'MLC_TLS_UNTRUSTED',
        `${options.label ?? 'the server'} presented certificate SHA-256 ${formatFingerprint(peer.fingerprint256)}, but the pinned fingerprint is ${formatFingerprint(pin)}`,
      );
    }
    if (!peer.authorized) tls.ca = peer.pem;
  }
  return createDispatcher(tls, dispatcherOptions);
}
