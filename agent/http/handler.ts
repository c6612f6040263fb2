// The HTTP adapter around the route table: authentication, body limits, JSON and contract checks,
// idempotent writes, typed error responses and one structured log line per request (no secrets: keys,
// bodies and headers are never logged, only the key's id). Requests without credentials are logged
// rate-limited (sampled-log.ts) and their connection is closed after the answer, so an
// unauthenticated client can neither fill the log nor hold keep-alive connections.
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../../runtime/lib/log.ts';
import type { ApiKeyStore } from '../auth/keys.ts';
import { describeSchemaError, loadContract } from '../contract.ts';
import { AgentError } from '../errors.ts';
import { assertConditionHeaders } from '../etag.ts';
import type { WriteRunner } from '../idempotency/reconcile.ts';
import type { IdempotencyStore, IntentRequest } from '../idempotency/store.ts';
import { errorResult, idempotentWrite } from '../idempotency/write-flow.ts';
import { parseJson, readBody } from './body.ts';
import type { ConnectionGuard } from './connection-guard.ts';
import { addressGroup } from './connection-guard.ts';
import type { Route, RouteResult } from './routes.ts';
import type { SampledLog } from './sampled-log.ts';
import { assertCleanText } from './text-check.ts';

export interface HandlerDeps {
  routes: Route[];
  keys: ApiKeyStore;
  idempotency: IdempotencyStore;
  logger: Logger;
  maxBodyBytes: number;
  /** Mutual TLS is on: a verified client certificate authenticates as a client. */
  mutualTls: boolean;
  /** Where lines about unauthenticated requests go (rate-limited). */
  refusals: SampledLog;
  guard?: ConnectionGuard;
}

interface Principal {
  id: string;
  role: 'client' | 'admin';
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

function authenticate(req: IncomingMessage, deps: HandlerDeps): Principal | undefined {
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (bearer) {
    const key = deps.keys.verify(bearer);
    if (key) return { id: `key:${key.id}`, role: key.role };
    return undefined;
  }
  const socket = req.socket as TLSSocket;
  if (deps.mutualTls && socket.authorized) {
    const cert = socket.getPeerCertificate();
    return { id: `cert:${cert.fingerprint256?.slice(0, 20) ?? 'unknown'}`, role: 'client' };
  }
  return undefined;
}

export function match(routes: Route[], method: string, pathname: string): { route: Route; params: Record<string, string> } | 'method' | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const found = route.pattern.exec(pathname);
    if (!found) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(found.groups ?? {})) {
      try {
        params[name] = decodeURIComponent(value);
      } catch {
        throw new AgentError('validation_failed', `${name} is not valid URL encoding`, { field: name, rule: 'encoding' });
      }
    }
    return { route, params };
  }
  return pathMatched ? 'method' : undefined;
}

/**
 * Splits the request target into path and query without resolving it against a base URL: WHATWG
 * URL parsing throws on targets such as `//` (which answered 500) and reads `//x/...` as a host.
 * The absolute form (`https://host/path`), which HTTP/1.1 servers must accept, is unwrapped.
 */
export function parseTarget(target: string): { pathname: string; query: URLSearchParams } {
  let relative = target;
  if (!relative.startsWith('/')) {
    try {
      const url = new URL(relative);
      relative = `${url.pathname}${url.search}`;
    } catch {
      relative = '';
    }
  }
  const q = relative.indexOf('?');
  return { pathname: q < 0 ? relative : relative.slice(0, q), query: new URLSearchParams(q < 0 ? '' : relative.slice(q + 1)) };
}

/** `application/json`, optionally with `charset=utf-8` (the only encoding the body is read in). */
function isJsonMediaType(header: string): boolean {
  const [type = '', ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => !p.startsWith('charset=') || p.replace(/"/g, '') === 'charset=utf-8');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Runs a recorded write through the route table (reconciliation and the write flow use it). */
export function writeRunner(routes: Route[]): WriteRunner {
  return async (request, reconcile) => {
    const found = match(routes, request.method, request.path);
    if (!found || found === 'method' || !found.route.write) throw new AgentError('not_found', `no write endpoint ${request.method} ${request.path}`);
    const condition = {
      ...(request.ifMatch !== undefined ? { ifMatch: request.ifMatch } : {}),
      ...(request.ifNoneMatch !== undefined ? { ifNoneMatch: request.ifNoneMatch } : {}),
      ...(reconcile ? { reconcile: true } : {}),
    };
    return found.route.handle({ params: found.params, query: new URLSearchParams(), body: request.body ? (JSON.parse(request.body) as unknown) : undefined, condition });
  };
}

export function createHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const contract = loadContract();
  const runWrite = writeRunner(deps.routes);
  return (req, res) => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    // Kept from the start: once a response ends, req.socket is detached (null), and a timer that
    // dereferenced it then threw outside any handler and stopped the agent.
    const socket = req.socket;
    let principal: Principal | undefined;
    let replayed = false;

    const send = (result: RouteResult): void => {
      const body = `${JSON.stringify(result.body)}\n`;
      const headers: Record<string, string | number> = {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'x-request-id': requestId,
        'cache-control': 'no-store',
        ...result.headers,
      };
      if (replayed) headers['idempotent-replayed'] = 'true';
      // A body left unread (refused early) is drained, not parsed; the connection is not reused. A
      // connection that has not authenticated is not kept alive either.
      if (!req.complete || !principal) headers.connection = 'close';
      res.writeHead(result.status, headers);
      res.end(body);
      if (!req.complete) {
        req.resume();
        setTimeout(() => socket.destroy(), 2000).unref();
      }
      const code = (result.body as { error?: { code?: string } }).error?.code;
      const line = { requestId, method: req.method, path: (req.url ?? '').split('?')[0]?.slice(0, 200), status: result.status, code, principal: principal?.id, replayed, ms: Number(process.hrtime.bigint() - started) / 1e6 };
      if (principal) deps.logger.info({ ...line, client: socket.remoteAddress }, 'request');
      else deps.refusals.note(addressGroup(socket.remoteAddress), 'info', line, 'request');
    };

    void (async () => {
      const url = parseTarget(req.url ?? '/');
      const found = match(deps.routes, req.method ?? 'GET', url.pathname);
      if (found === undefined) throw new AgentError('not_found', `no such endpoint: ${url.pathname.slice(0, 200)}`);
      if (found === 'method') throw new AgentError('method_not_allowed', `${req.method} is not allowed on ${url.pathname}`);
      const { route, params } = found;
      if (!route.public) {
        principal = authenticate(req, deps);
        if (!principal) throw new AgentError('unauthorized', 'a valid API key (Authorization: Bearer ...) or client certificate is required');
        deps.guard?.markAuthenticated(socket);
        if (route.admin && principal.role !== 'admin') throw new AgentError('admin_required', 'this endpoint needs an admin API key');
      }
      let body: unknown;
      let rawBody = '';
      if (route.bodySchema) {
        const type = req.headers['content-type'] ?? '';
        if (!isJsonMediaType(type)) throw new AgentError('unsupported_media_type', 'send the body as application/json (UTF-8)');
        const buffer = await readBody(req, deps.maxBodyBytes);
        body = parseJson(buffer);
        const validate = contract.schema(route.bodySchema);
        if (!validate(body)) {
          const problem = describeSchemaError(validate.errors?.[0]);
          throw new AgentError('validation_failed', problem.message, { field: problem.field, rule: problem.rule });
        }
        rawBody = canonical(body);
      }
      if (route.write) {
        assertCleanText(params);
        assertCleanText(body);
      }
      const condition = {
        ...(typeof req.headers['if-match'] === 'string' ? { ifMatch: req.headers['if-match'] } : {}),
        ...(typeof req.headers['if-none-match'] === 'string' ? { ifNoneMatch: req.headers['if-none-match'] } : {}),
      };
      if (route.write) assertConditionHeaders(condition);
      const run = (): Promise<RouteResult> => route.handle({ params, query: url.query, body, condition });
      if (!route.write) return run();

      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
        throw new AgentError('idempotency_key_required', 'writes need an Idempotency-Key header (1-200 visible ASCII characters)');
      }
      const fingerprint = createHash('sha256').update(`${req.method} ${url.pathname}\n${condition.ifMatch ?? ''}\n${condition.ifNoneMatch ?? ''}\n${rawBody}`).digest('hex');
      const request: IntentRequest = { method: req.method ?? 'PUT', path: url.pathname, body: rawBody, ...condition };
      const outcome = await idempotentWrite(deps.idempotency, deps.logger, key, fingerprint, request, runWrite);
      replayed = outcome.replayed;
      return outcome.result;
    })()
      .then(send)
      .catch((error: unknown) => {
        if (error instanceof AgentError) return send(errorResult(error));
        deps.logger.error({ requestId, err: error }, 'unexpected error');
        return send(errorResult(new AgentError('internal_error', `internal error (request ${requestId}); see the agent log`)));
      })
      .catch((error: unknown) => {
        deps.logger.error({ requestId, err: error }, 'could not send a response');
        res.destroy();
      });
  };
}
