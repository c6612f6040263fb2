// Small HTTP helpers for the console: JSON answers with the security headers every answer carries,
// a bounded JSON body reader, and the loopback test: by socket address, and never for a request a
// proxy forwarded (a reverse proxy on the same host connects from loopback on behalf of anyone).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from './api/types.ts';

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];
export const isLoopback = (request: IncomingMessage): boolean => LOOPBACK.has(request.socket.remoteAddress ?? '') && !PROXY_HEADERS.some((h) => request.headers[h] !== undefined);

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS, ...headers });
  response.end(JSON.stringify(body));
}

export function sendError(response: ServerResponse, status: number, code: string, error: string, headers: Record<string, string> = {}): void {
  const body: ApiError = { error, code };
  sendJson(response, status, body, headers);
}

/** The parsed JSON body, 'too-large', or 'invalid'. */
export function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    request.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        request.pause();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (done) return;
      done = true;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
      } catch {
        resolve('invalid');
      }
    });
    request.on('error', reject);
  });
}
