// The one module that wraps undici. Connectors, the sandbox's webhook sender and tests make HTTP
// calls through here, so TLS trust (pinning with verification ON) is set up in exactly one place.
import { X509Certificate } from 'node:crypto';
import { checkServerIdentity, connect as tlsConnect, type PeerCertificate } from 'node:tls';
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

/** AA:BB:… as people compare fingerprints by eye. */
export function formatFingerprint(fingerprint: string): string {
  return (normalizeFingerprint(fingerprint).match(/../g) ?? []).join(':');
}

export function certificateFingerprint256(pem: string): string {
  return normalizeFingerprint(new X509Certificate(pem).fingerprint256);
}

/**
 * A dispatcher that trusts exactly what it is told. `rejectUnauthorized` is never false: Node skips
 * `checkServerIdentity` when the chain is not verified, so a pin without verification pins nothing.
 */
export function createDispatcher(
  trust: TlsTrust = {},
  options: { connectTimeoutMs?: number; keepAliveTimeoutMs?: number; onPeerCertificate?: (fingerprint256: string) => void } = {},
): HttpDispatcher {
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
        if (cert.fingerprint256) options.onPeerCertificate?.(normalizeFingerprint(cert.fingerprint256));
        const identityError = checkServerIdentity(trust.servername ?? host, cert);
        if (identityError) return identityError;
        if (pin && normalizeFingerprint(cert.fingerprint256 ?? '') !== pin) {
          return Object.assign(new Error(`the server presented certificate SHA-256 ${formatFingerprint(cert.fingerprint256 ?? '')}, but the pinned fingerprint is ${formatFingerprint(pin)}`), { code: 'ERR_CERT_PIN_MISMATCH' });
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
  /** A larger body is not read: the call fails with an error whose code is ERR_RESPONSE_TOO_LARGE. */
  maxResponseBytes?: number;
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
  const body = await readBody(response.body, options.maxResponseBytes);
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

async function readBody(stream: AsyncIterable<Buffer | Uint8Array> & { destroy(error?: Error): void }, limit: number | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (limit !== undefined && size > limit) {
      const error = Object.assign(new Error(`response body larger than ${limit} bytes`), { code: 'ERR_RESPONSE_TOO_LARGE' });
      stream.destroy(error);
      throw error;
    }
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/**
 * The certificate a TLS server presents, fetched without trusting it: used only to pin a self-signed
 * certificate given by fingerprint alone. The caller compares the fingerprint and then trusts the PEM
 * as the CA of an ordinary, verifying connection, so no request ever travels unverified.
 */
export function fetchPeerCertificate(url: string, timeoutMs = 10_000): Promise<{ pem: string; fingerprint256: string; selfSigned: boolean; authorized: boolean }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: Number(target.port || 443),
      servername: /^[\d.]+$|:/.test(target.hostname) ? undefined : target.hostname,
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error(`TLS handshake with ${target.host} timed out`), { code: 'UND_ERR_CONNECT_TIMEOUT' })), timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const raw = socket.getPeerCertificate().raw;
      const authorized = socket.authorized;
      socket.end();
      const pem = `-----BEGIN CERTIFICATE-----\n${(raw.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
      const x509 = new X509Certificate(pem);
      resolve({ pem, fingerprint256: normalizeFingerprint(x509.fingerprint256), selfSigned: x509.issuer === x509.subject, authorized });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
