// The only file that knows BambooHR's URLs. Every call goes through the context's HTTP client (TLS,
// timeouts, retries with full jitter and Retry-After); this file adds what is BambooHR's own: the
// address forms, credentials with one refresh-and-retry on a 401, `Accept: application/json`, the
// error-detail headers (three spellings), and refusing HTML/XML where JSON was asked for.
import { ConnectorRuntimeError, type Classification, type ConnectorContext, type HttpClient, type HttpResponse } from '../../runtime/index.ts';
import type { BambooHrSourceConfig } from './config.ts';

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);
const LEGACY_GATEWAY_HOST = 'https://api.bamboohr.com';
/** A 10,000-employee custom report is a few MB; this bounds a misbehaving server, not a real company. */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
export const LABEL = 'BambooHR';

export interface Addresses {
  /** e.g. https://acme.bamboohr.com/api/v1 (no trailing slash). */
  api: string;
  /** e.g. https://acme.bamboohr.com: /authorize.php and /token.php hang off it. */
  company: string;
}

/** Refuses a URL that would carry credentials in clear to a host that is not loopback. */
export function checkTransport(url: string, what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConnectorRuntimeError('MLC_SCHEMA_INVALID', `${what} is not a URL: ${url}`);
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname)) return parsed;
  throw new ConnectorRuntimeError('MLC_SCHEMA_INVALID', `${what} must use https (http only for 127.0.0.1, ::1 and localhost): ${url}`);
}

export function addressesFor(config: Readonly<BambooHrSourceConfig>): Addresses {
  const trim = (url: string): string => url.replace(/\/+$/, '');
  const company = trim(config.baseUrl ?? `https://${config.subdomain}.bamboohr.com`);
  checkTransport(company, 'baseUrl');
  const api = config.legacyGateway
    ? `${trim(config.baseUrl ?? LEGACY_GATEWAY_HOST)}/api/gateway.php/${encodeURIComponent(config.subdomain)}/v1`
    : `${company}/api/v1`;
  return { api, company };
}

export const authorizeUrl = (addresses: Addresses, query: URLSearchParams): string => `${addresses.company}/authorize.php?${query}`;
export const tokenUrl = (addresses: Addresses): string => `${addresses.company}/token.php?request=token`;

/** BambooHR's detail header has three spellings in its own sources; read all of them. */
export function bambooMessage(response: HttpResponse): string | undefined {
  const h = response.headers;
  const header = h['x-bamboohr-error-message'] ?? h['x-bamboohr-error-messsage'] ?? h['x-bamboohr-message'];
  if (header) return header.slice(0, 300);
  const type = h['content-type'] ?? '';
  if (/json|text\/plain/.test(type)) {
    const text = response.text().replace(/\s+/g, ' ').trim();
    if (text) return text.slice(0, 300);
  }
  return undefined;
}

const withMessage = (response: HttpResponse): string => {
  const message = bambooMessage(response);
  return message ? `: ${message}` : '';
};

/** A response's body as JSON, or a coded error that says what came instead (an HTML proxy page, XML). */
export function jsonBody<T>(response: HttpResponse, what: string): T {
  const type = response.headers['content-type'] ?? '';
  try {
    if (/html|xml/i.test(type)) throw new Error(type);
    return JSON.parse(response.text()) as T;
  } catch {
    const kind = /html/i.test(type) ? 'an HTML page' : /xml/i.test(type) ? 'XML' : 'a body that is not JSON';
    throw new ConnectorRuntimeError('MLC_REMOTE_BAD_RESPONSE', `${LABEL} answered ${what} with ${kind} (${response.status}, ${response.body.length} bytes)`);
  }
}

/** How a call proves who it is: API key (Basic) or an OAuth bearer token that can be refreshed. */
export interface Authorizer {
  kind: 'apiKey' | 'oauth';
  header(): Promise<string>;
  /** A 401 came back for this header: get fresh credentials; false when there is nothing to refresh. */
  rejected(header: string): Promise<boolean>;
  /** Scopes granted (OAuth), once known. */
  scopes(): string[] | undefined;
}

export interface CallOptions {
  method?: 'GET' | 'POST';
  query?: Record<string, string>;
  json?: unknown;
  /** Answers with these statuses are returned instead of thrown (a 404 for an employee deleted since). */
  accept?: readonly number[];
  recordKey?: string;
}

export function classifyBamboo(response: HttpResponse, accept: readonly number[] = []): Classification {
  const { status } = response;
  if ((status >= 200 && status < 300) || accept.includes(status)) return 'ok';
  if (status === 408 || status === 425 || status === 429 || status >= 500) return { retry: true, reason: `${LABEL} answered ${status}${withMessage(response)}` };
  if (status === 401) return { error: 'MLC_REMOTE_AUTH', message: `${LABEL} refused the credentials (401)${withMessage(response)}` };
  if (status === 403) return { error: 'MLC_REMOTE_AUTH', message: `${LABEL} refused access (403: the user or app lacks the permission)${withMessage(response)}` };
  return { error: 'MLC_REMOTE_REJECTED', message: `${LABEL} refused the request (${status})${withMessage(response)}` };
}

export interface BambooClient {
  readonly addresses: Addresses;
  readonly http: HttpClient;
  readonly auth: Authorizer;
  call(path: string, options?: CallOptions): Promise<HttpResponse>;
  close(): Promise<void>;
}

export async function tlsOptionsFor(config: Readonly<BambooHrSourceConfig>, context: ConnectorContext): Promise<{ ca?: string; fingerprint256?: string } | undefined> {
  if (!config.tls) return undefined;
  return {
    ...(config.tls.ca ? { ca: await context.secrets.resolve(config.tls.ca) } : {}),
    ...(config.tls.fingerprint256 ? { fingerprint256: config.tls.fingerprint256 } : {}),
  };
}

export function createHttp(config: Readonly<BambooHrSourceConfig>, context: ConnectorContext, tls: { ca?: string; fingerprint256?: string } | undefined): HttpClient {
  return context.http.client({
    ...(tls ? { tls } : {}),
    timeoutMs: config.timeoutMs ?? 30_000,
    maxResponseBytes: MAX_RESPONSE_BYTES,
    label: LABEL,
  });
}

export function createBambooClient(addresses: Addresses, http: HttpClient, auth: Authorizer): BambooClient {
  async function call(path: string, options: CallOptions = {}): Promise<HttpResponse> {
    const url = `${addresses.api}${path}${options.query ? `?${new URLSearchParams(options.query)}` : ''}`;
    const method = options.method ?? 'GET';
    // One refresh and one retry per 401 (a token revoked or expired early), never more.
    for (let attempt = 0; ; attempt += 1) {
      const authorization = await auth.header();
      let unauthorized = false;
      try {
        return await http.request(url, {
          method,
          headers: {
            authorization,
            accept: 'application/json',
            // Exactly this: BambooHR parses `application/json; charset=UTF-8` report bodies as XML.
            ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
          // Every POST this connector makes only reads (reports, datasets): safe to repeat.
          idempotent: true,
          ...(options.recordKey ? { recordKey: options.recordKey } : {}),
          classify: (response) => {
            unauthorized = response.status === 401;
            return classifyBamboo(response, options.accept);
          },
        });
      } catch (error) {
        if (unauthorized && attempt === 0 && (await auth.rejected(authorization))) continue;
        throw error;
      }
    }
  }
  return { addresses, http, auth, call, close: () => http.close() };
}
