// The one module that wraps undici. Connectors, the sandbox's webhook sender and tests make HTTP
// calls through here, so TLS trust (pinning with verification ON) is set up in exactly one place.
import { X509Certificate } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { Agent, request, type Dispatcher } from 'undici';

export type HttpDispatcher = Dispatcher;

export interface TlsTrust {
  /** PEM of the CA (or the self-signed server certificate itself) to trust. Verification stays on. */
  ca?: string | string[];
  /** SHA-256 fingerprint of the server certificate, hex with or without colons, checked after verification. */
  fingerprint256?: string;
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: string;
  key?: string;
  /** Server name to verify the certificate against when it differs from the URL's host. */
  servername?: string;
}

export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

export function certificateFingerprint256(pem: string): string {
  return normalizeFingerprint(new X509Certificate(pem).fingerprint256);
}

/**
 * A dispatcher that trusts exactly what it is told. `rejectUnauthorized` is never false: Node skips
 * `checkServerIdentity` when the chain is not verified, so a pin without verification pins nothing.
 */
export function createDispatcher(trust: TlsTrust = {}, options: { connectTimeoutMs?: number; keepAliveTimeoutMs?: number } = {}): HttpDispatcher {
  const pin = trust.fingerprint256 ? normalizeFingerprint(trust.fingerprint256) : undefined;
  return new Agent({
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    connect: {
      rejectUnauthorized: true,
      ...(trust.ca ? { ca: trust.ca } : {}),
      ...(trust.cert ? { cert: trust.cert } : {}),
      ...(trust.key ? { key: trust.key } : {}),
      ...(trust.servername ? { servername: trust.servername } : {}),
      checkServerIdentity: (host: string, cert: PeerCertificate) => {
        const identityError = checkServerIdentity(trust.servername ?? host, cert);
        if (identityError) return identityError;
        if (pin && normalizeFingerprint(cert.fingerprint256 ?? '') !== pin) {
          return new Error(`certificate fingerprint ${cert.fingerprint256} does not match the pinned ${trust.fingerprint256}`);
        }
        return undefined;
      },
    },
  });
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  headers?: Record<string, string>;
  body?: string | Buffer;
  dispatcher?: HttpDispatcher;
  signal?: AbortSignal;
  /** Time allowed for the whole response (headers and body). */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

export async function httpRequest(url: string, options: HttpRequest = {}): Promise<HttpResponse> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const response = await request(url, {
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    dispatcher: options.dispatcher,
    signal: options.signal,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    status: response.statusCode,
    headers,
    body,
    text: () => body.toString('utf8'),
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
  };
}
