// The HTTP adapter around the route table: authentication, body limits, JSON and contract checks,
// idempotent writes, typed error responses and one structured log line per request (no secrets: keys,
// bodies and headers are never logged, only the key's id).
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../../runtime/lib/log.ts';
import type { ApiKeyStore } from '../auth/keys.ts';
import { describeSchemaError, loadContract } from '../contract.ts';
import { AgentError } from '../errors.ts';
import { assertConditionHeaders } from '../etag.ts';
import type { IdempotencyStore, StoredResponse } from '../idempotency/store.ts';
import { parseJson, readBody } from './body.ts';
import type { Route, RouteResult } from './routes.ts';

export interface HandlerDeps {
  routes: Route[];
  keys: ApiKeyStore;
  idempotency: IdempotencyStore;
  logger: Logger;
  maxBodyBytes: number;
  /** Mutual TLS is on: a verified client certificate authenticates as a client. */
  mutualTls: boolean;
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

function match(routes: Route[], method: string, pathname: string): { route: Route; params: Record<string, string> } | 'method' | undefined {
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

function errorResult(error: AgentError): RouteResult {
  const headers: Record<string, string> = {};
  if (error.details.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.details.retryAfterSeconds);
  if (error.code === 'unauthorized') headers['www-authenticate'] = 'Bearer';
  return { status: error.status, body: error.toBody(), headers };
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function createHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const contract = loadContract();
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
      // A body left unread (refused early) is drained, not parsed; the connection is not reused.
      if (!req.complete) headers.connection = 'close';
      res.writeHead(result.status, headers);
      res.end(body);
      if (!req.complete) {
        req.resume();
        setTimeout(() => socket.destroy(), 2000).unref();
      }
      const code = (result.body as { error?: { code?: string } }).error?.code;
      deps.logger.info(
        { requestId, method: req.method, path: (req.url ?? '').split('?')[0], status: result.status, code, principal: principal?.id, replayed, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request',
      );
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
      const begun = deps.idempotency.begin(key, fingerprint);
      if (begun.kind === 'replay') {
        replayed = true;
        return { status: begun.response.status, body: JSON.parse(begun.response.body) as unknown, headers: begun.response.headers };
      }
      if (begun.kind === 'mismatch') throw new AgentError('idempotency_mismatch', 'this Idempotency-Key was used for a different request; use a new key for a new request');
      if (begun.kind === 'in_progress') throw new AgentError('idempotency_in_progress', 'a request with this Idempotency-Key is still running', { retryAfterSeconds: 1 });
      let result: RouteResult;
      try {
        result = await run();
      } catch (error) {
        if (error instanceof AgentError && !error.retryable) {
          // A definite refusal is the answer to this request: a repeat must get it again, not a second try.
          const refused = errorResult(error);
          deps.idempotency.complete(key, fingerprint, stored(refused));
          return refused;
        }
        deps.idempotency.abandon(key);
        throw error;
      }
      deps.idempotency.complete(key, fingerprint, stored(result));
      return result;
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

function stored(result: RouteResult): StoredResponse {
  return { status: result.status, headers: result.headers ?? {}, body: JSON.stringify(result.body) };
}
