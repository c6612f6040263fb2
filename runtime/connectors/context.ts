// What the runtime hands a connector when it creates one: everything a connector may touch outside
// its own code goes through here, so the runtime owns logging, TLS trust, retries, secrets and state.
import type { ErrorClass, ErrorCode } from '../errors.ts';
import type { HttpResponse } from '../lib/http-client.ts';
import type { Json } from './definition.ts';

/** A narrow logger: connectors never see the logging library's type. Never log a secret. */
export interface ConnectorLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  child(bindings: object): ConnectorLogger;
}

export interface TlsOptions {
  /** PEM of the CA, or the self-signed server certificate itself, to trust. Verification stays on. */
  ca?: string | string[];
  /** SHA-256 fingerprint of the server certificate (hex, colons optional), checked after verification. */
  fingerprint256?: string;
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: string;
  key?: string;
  servername?: string;
}

export interface RetryOptions {
  /** Attempts in all, the first included (1: no retry). */
  maxAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maxIntervalMs: number;
  /**
   * The longest Retry-After the client waits in-line; a longer one ends the call with a transient error
   * carrying retryAfterMs, so the engine reschedules the work instead of holding a worker.
   */
  maxRetryAfterMs: number;
}

export interface HttpClientOptions {
  tls?: TlsOptions;
  /** Per attempt, headers and body together. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** Keep idle connections shorter than the server does, so a request never lands on a closing socket. */
  keepAliveTimeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** Responses larger than this fail with MLC_REMOTE_RESPONSE_TOO_LARGE instead of filling memory. */
  maxResponseBytes?: number;
  /** Names the remote system in messages ("the HR system answered 503"). */
  label?: string;
}

/** A response as the one HTTP wrapper reads it (header names lower-cased). */
export type { HttpResponse } from '../lib/http-client.ts';

/** What a response means. 'retry' is tried again within the retry policy; 'error' ends the call. */
export type Classification =
  | 'ok'
  | { retry: true; retryAfterMs?: number; reason: string }
  | { error: ErrorCode; errorClass?: ErrorClass; message: string; retryAfterMs?: number };

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  /**
   * Whether a network failure or a retryable status may be retried. Defaults to true for GET, PUT and
   * DELETE; a POST is retried only when the caller says so (it carries an idempotency key, or only reads).
   */
  idempotent?: boolean;
  /**
   * System quirks: what a response means (an error inside a 200, a 404 that is an answer). Runs before
   * the default: 2xx ok; 408, 425, 429, 5xx retried; 401/403 MLC_REMOTE_AUTH; other 4xx MLC_REMOTE_REJECTED.
   */
  classify?(response: HttpResponse): Classification | undefined;
  /** For messages and logs: the record this call is about. */
  recordKey?: string;
  /** Aborts this call (and its retry waits) as well as the context's signal does: a read's ReadOptions.signal. */
  signal?: AbortSignal;
}

export interface HttpClient {
  /** Resolves with the response when it is classified 'ok'; otherwise throws a ConnectorRuntimeError. */
  request(url: string, request?: HttpRequest): Promise<HttpResponse>;
  /** The SHA-256 fingerprint of the certificate the server presented on the last TLS connection, if any. */
  lastPeerFingerprint(): string | undefined;
  close(): Promise<void>;
}

export interface ConnectorHttp {
  /** A client with its own connection pool and TLS trust; close it in the connector's close(). */
  client(options?: HttpClientOptions): HttpClient;
}

export interface ConnectorSecrets {
  /** `${secret:…}` or `${env:…}` (or a plain value, returned as it is) resolved at the moment of use. */
  resolve(reference: string): Promise<string>;
  /** Stores a rotated credential (an OAuth refresh token) under a name, before it is used. */
  store(name: string, value: string): Promise<void>;
}

export interface ConnectorState {
  get(key: string): Promise<Json | undefined>;
  set(key: string, value: Json): Promise<void>;
}

export interface ConnectorContext {
  /** Bound to pipeline, connector and run ids. */
  logger: ConnectorLogger;
  http: ConnectorHttp;
  secrets: ConnectorSecrets;
  /** Small key/value state scoped to pipeline + connector (e.g. the id of a registered webhook). */
  state: ConnectorState;
  pipeline: string;
  clock(): Date;
  /** Aborted when the runtime stops; connectors pass it on to every wait. */
  signal: AbortSignal;
}
