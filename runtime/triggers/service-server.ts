// The thin HTTP adapter of `serve`: webhook paths, /healthz, /readyz and /metrics on one port. It owns
// what only a socket can do — read the body within the limit (Content-Length refused before reading),
// cut slow clients off, stop taking deliveries while draining — and hands the rest to handleWebhook.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../lib/log.ts';
import type { ServiceMetrics } from '../lib/metrics.ts';
import { DEFAULT_CONNECTION_LIMITS, limitConnections, type ConnectionGauge, type ConnectionLimits } from './connection-limits.ts';
import { handleWebhook, type WebhookInbox, type WebhookRoute } from './handle-webhook.ts';

export interface Readiness {
  ready: boolean;
  detail: Record<string, unknown>;
}

export interface ServiceServerOptions {
  host: string;
  port: number;
  /** Looked up on every request, so a reload swaps routes without a restart. */
  routes(): ReadonlyMap<string, WebhookRoute>;
  inbox: WebhookInbox;
  readiness(): Promise<Readiness>;
  metrics: ServiceMetrics;
  logger: Logger;
  clock?: () => Date;
  /** Caps on open connections, per remote address and in all (default 64 and 1024). */
  connectionLimits?: ConnectionLimits;
  /** Extra handlers (the console) tried before 404. Return true when handled. */
  fallback?(request: IncomingMessage, response: ServerResponse): Promise<boolean>;
}

export interface ServiceServer {
  url: string;
  server: Server;
  connections: ConnectionGauge;
  /** Webhooks answer 503 from now on; health endpoints keep answering. */
  drain(): void;
  close(): Promise<void>;
}

const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const KEEP_ALIVE_MS = 5_000;

function reply(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'cache-control': 'no-store', ...headers });
  response.end(text);
}

/** The body, or undefined when it outgrew the limit (the connection is then closed after a 413). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        over = true;
        request.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    request.on('error', reject);
  });
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

export async function startServiceServer(options: ServiceServerOptions): Promise<ServiceServer> {
  const clock = options.clock ?? (() => new Date());
  let draining = false;

  async function onWebhook(route: WebhookRoute, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refuse = (status: number, body: unknown, outcome: string, headers: Record<string, string> = {}): void => {
      options.metrics.webhookDeliveries.inc({ pipeline: route.pipeline, outcome });
      reply(response, status, body, headers);
    };
    if (request.method !== 'POST') return refuse(405, { error: 'method not allowed' }, 'wrong-method', { allow: 'POST' });
    if (draining) return refuse(503, { error: 'shutting down; retry later' }, 'draining', { 'retry-after': '30', connection: 'close' });
    const declared = Number(request.headers['content-length'] ?? '0');
    const tooLarge = { error: 'payload too large', limitBytes: route.maxBodyBytes };
    if (declared > route.maxBodyBytes) return refuse(413, tooLarge, 'too-large', { connection: 'close' });
    const body = await readBody(request, route.maxBodyBytes);
    if (!body) return refuse(413, tooLarge, 'too-large', { connection: 'close' });
    const started = process.hrtime.bigint();
    const answer = await handleWebhook({ headers: flatHeaders(request), rawBody: body, receivedAt: clock() }, route, options.inbox, clock());
    options.metrics.webhookAckSeconds.observe({ pipeline: route.pipeline }, Number(process.hrtime.bigint() - started) / 1e9);
    options.metrics.webhookDeliveries.inc({ pipeline: route.pipeline, outcome: answer.outcome });
    if (answer.status >= 400) {
      options.logger.warn({ pipeline: route.pipeline, path: route.path, status: answer.status, reason: answer.reason, client: request.socket.remoteAddress }, `webhook delivery refused: ${answer.outcome}`);
    }
    reply(response, answer.status, answer.body, answer.headers);
  }

  async function onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const route = options.routes().get(path);
    if (route) return onWebhook(route, request, response);
    if (request.method === 'GET' || request.method === 'HEAD') {
      if (path === '/healthz') return reply(response, 200, { status: 'ok' });
      if (path === '/readyz') {
        const readiness = await options.readiness().catch((error: unknown) => ({ ready: false, detail: { error: error instanceof Error ? error.message : String(error) } }));
        return reply(response, readiness.ready && !draining ? 200 : 503, { ready: readiness.ready && !draining, draining, ...readiness.detail });
      }
      if (path === '/metrics') return reply(response, 200, await options.metrics.render(), { 'content-type': options.metrics.contentType });
    }
    if (options.fallback && (await options.fallback(request, response))) return;
    reply(response, 404, { error: 'not found' });
  }

  const server = createServer((request, response) => {
    onRequest(request, response).catch((error: unknown) => {
      options.logger.error({ err: error }, 'request failed');
      if (!response.headersSent) reply(response, 500, { error: 'internal error' });
      else response.destroy();
    });
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.maxHeadersCount = 100;
  const connections = limitConnections(server, options.connectionLimits ?? DEFAULT_CONNECTION_LIMITS, (reason, address, first) => {
    options.metrics.connectionsRefused.inc({ reason });
    if (first) options.logger.warn({ client: address, reason }, `refusing connections from ${address}: the ${reason} connection cap is reached`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    connections,
    drain: () => {
      draining = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
