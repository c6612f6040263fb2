// Every option of the sandbox, its defaults, and the subset that can be switched at run time
// (faults and behaviour variants the fact sheet marks as uncertain).
import type { Logger } from '../../runtime/lib/log.ts';
import type { TlsTrust } from '../../runtime/lib/http-client.ts';
import type { CompanySpec } from './model.ts';
import type { Clock, RetryAfterFormat } from './time.ts';

export interface ThrottleWindow {
  /** 503 is BambooHR's answer until 2026-09-16; 429 after. */
  status: 429 | 503;
  /** Epoch ms at which the window ends. */
  untilMs: number;
  retryAfterFormat: RetryAfterFormat;
}

/** Switchable at start (options / flags) and at run time (`PUT /_sandbox/faults`). */
export interface RuntimeSettings {
  /** Added before every API answer. */
  latencyMs: number;
  /** Probability (seeded) that an API request is answered with one of errorStatuses. */
  errorRate: number;
  errorStatuses: number[];
  /** Probability (seeded) that an API request's connection is closed without any answer. */
  dropConnectionRate: number;
  throttle: ThrottleWindow | null;
  /** Spread the response body over this many ms (chunked), to exercise client body timeouts. */
  slowBodyMs: number;
  tokenTtlSeconds: number;
  /** Refresh returns a new refresh token and invalidates the old one (reuse of the old one revokes the family). */
  refreshRotation: boolean;
  /** /authorize.php redirects at once (auto) or shows a minimal Allow/Deny page. */
  consent: 'auto' | 'page';
  /** Every token request fails with invalid_grant. */
  forceInvalidGrant: boolean;
  webhookDropRate: number;
  webhookDuplicateRate: number;
  webhookDelayMs: number;
  /** Legacy field-based payloads: `"First Name":"Ann"` (flat) or `"First Name":{"value":"Ann"}`. */
  webhookValueStyle: 'flat' | 'value';
  /** Multiplies BambooHR's retry schedule (5, 10, 20, 40, 80 minutes). */
  webhookTimeScale: number;
  /** Get Employee with an unknown field name: 400 (reject) or leave it out (ignore). */
  unknownFields: 'reject' | 'ignore';
  /** Custom-report / dataset values with no value: "" (what the OpenAPI types allow) or null. */
  reportEmptyValue: 'empty-string' | 'null';
  /** Header(s) carrying error details; BambooHR's sources disagree on the name. */
  errorHeaders: string[];
  /**
   * GET /api/v1/employees cursors: the spec's two pagination schemas disagree. `string` (default):
   * opaque base64url cursors, page[limit] default 50, max 100; `integer`: opaque integer cursors
   * (sent back as digit strings in nextCursor/prevCursor), default 250, max 2500.
   */
  employeeListCursor: 'string' | 'integer';
}

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Companies to seed; defaults to the single company `keystone`. */
  companies?: CompanySpec[];
  /** Size of the default company when `companies` is not given. */
  employees?: number;
  /** JSON file the state is loaded from (if it exists) and saved to after each change. */
  dataFile?: string;
  clock?: Clock;
  logger?: Logger;
  /** When set, /_sandbox/* requires header `X-Sandbox-Admin-Token: <token>`. Required off loopback. */
  adminToken?: string;
  maxBodyBytes?: number;
  oauthRedirectUris?: string[];
  /** Seed of the PRNG behind random faults. */
  faultSeed?: string;
  webhookTimeoutMs?: number;
  /**
   * Serve HTTPS with this certificate and key (PEM), as BambooHR does; clients trust the certificate
   * by pinning it. `generateSandboxCertificate()` makes one for localhost and *.bamboohr.localhost.
   */
  tls?: { cert: string; key: string };
  /** Trust for https webhook targets (e.g. the runtime's self-signed certificate). */
  webhookTrust?: TlsTrust;
  /** Connections held at once; well below a 1,024 file-descriptor limit. Default 512. */
  maxConnections?: number;
  /** How long a TLS connection may stay open before a request on it authenticates. Default 10 s. */
  authDeadlineMs?: number;
  /** How the state file is written; tests pass one that fails like a full disk. */
  saveSnapshot?: (file: string, companies: import('./model.ts').Company[]) => void;
  /** Capacity of the request log ring. */
  requestLogSize?: number;
  settings?: Partial<RuntimeSettings>;
}

export const DEFAULT_SETTINGS: RuntimeSettings = {
  latencyMs: 0,
  errorRate: 0,
  errorStatuses: [500, 502],
  dropConnectionRate: 0,
  throttle: null,
  slowBodyMs: 0,
  tokenTtlSeconds: 3600,
  refreshRotation: true,
  consent: 'auto',
  forceInvalidGrant: false,
  webhookDropRate: 0,
  webhookDuplicateRate: 0,
  webhookDelayMs: 0,
  webhookValueStyle: 'flat',
  webhookTimeScale: 0.001,
  unknownFields: 'reject',
  reportEmptyValue: 'empty-string',
  errorHeaders: ['X-BambooHR-Error-Message'],
  employeeListCursor: 'string',
};

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
