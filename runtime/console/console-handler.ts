// The console mounted by `serve`: static page at `/`, JSON API under `/api/`. Access: from loopback
// a session is granted without login (operator); from elsewhere a login with a token or user and
// password from the secret store. Every POST but login carries the session's CSRF token; replay
// needs the operator role. Answers an unknown path with false so the server's 404 applies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isMlcError } from '../errors.ts';
import { listPipelines } from './api/pipelines.ts';
import { pipelineCoverage } from './api/coverage.ts';
import { planNow } from './api/plan.ts';
import { quarantinePage } from './api/quarantine.ts';
import { parseReplayRequest, replay } from './api/replay.ts';
import { pageBounds, type ConsoleSource } from './api/source.ts';
import { parseRunNowRequest, runNow } from './api/run-now.ts';
import { recentRuns } from './api/runs.ts';
import { recordTrail } from './api/trail.ts';
import type { SessionInfo } from './api/types.ts';
import { parseLoginRequest, roleFor, type SecretGetter } from './auth/credentials.ts';
import { createRateLimiter } from './auth/rate-limit.ts';
import { createSessionStore, sameSecret, type Session } from './auth/sessions.ts';
import { isLoopback, readJsonBody, sendError, sendJson } from './http-io.ts';
import { isAsset, sendAsset } from './static-assets.ts';

export interface ConsoleOptions {
  source: ConsoleSource;
  secrets: SecretGetter;
  /** Loopback callers need no login (default true; tests turn it off to exercise the login). */
  trustLoopback?: boolean;
  sessionTtlMs?: number;
  loginAttemptsPerWindow?: number;
  loginWindowMs?: number;
  clock?: () => number;
  signal?: AbortSignal;
}

const BODY_LIMIT = 16 * 1024;
const PIPELINE_ROUTE = /^\/api\/pipelines\/([^/]+)\/(quarantine|replay|run|plan|coverage|runs|records\/([^/]+)\/trail)$/;

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function createConsole(options: ConsoleOptions): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const clock = options.clock ?? Date.now;
  const sessions = createSessionStore(options.sessionTtlMs ?? 8 * 3600_000, clock);
  const logins = createRateLimiter(options.loginAttemptsPerWindow ?? 10, options.loginWindowMs ?? 15 * 60_000, clock);
  const trustLoopback = options.trustLoopback ?? true;
  const { source } = options;
  const signal = options.signal ?? new AbortController().signal;

  function sessionOf(request: IncomingMessage, response: ServerResponse): Session | undefined {
    const found = sessions.find(request.headers.cookie);
    if (found) return found;
    if (!trustLoopback || !isLoopback(request)) return undefined;
    const granted = sessions.create('operator', true);
    response.setHeader('set-cookie', sessions.cookie(granted, false));
    return granted;
  }

  async function login(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const client = request.socket.remoteAddress ?? 'unknown';
    if (!logins.allow(client)) return sendError(response, 429, 'MLC_CONSOLE_RATE_LIMITED', 'Too many login attempts. Wait and try again.', { 'retry-after': String(logins.retryAfterSeconds(client)) });
    const body = await readJsonBody(request, BODY_LIMIT);
    const credentials = parseLoginRequest(body);
    if (!credentials) return sendError(response, 400, 'MLC_CONSOLE_BAD_REQUEST', 'Send a token, or a user name and password.');
    const role = await roleFor(credentials, options.secrets);
    if (!role) return sendError(response, 401, 'MLC_CONSOLE_LOGIN_REQUIRED', 'That token or password is not right.');
    const session = sessions.create(role, false);
    const info: SessionInfo = { authenticated: true, role, csrf: session.csrf, loopback: false };
    sendJson(response, 200, info, { 'set-cookie': sessions.cookie(session, false) });
  }

  async function pipelineRoute(request: IncomingMessage, response: ServerResponse, session: Session, match: RegExpMatchArray, query: URLSearchParams): Promise<void> {
    const name = decoded(match[1] ?? '');
    if (name === undefined || !source.pipelines().has(name)) return sendError(response, 404, 'MLC_CONSOLE_NOT_FOUND', 'There is no pipeline by that name.');
    const action = match[2] ?? '';
    const post = request.method === 'POST';
    if (action === 'replay') {
      if (!post) return sendError(response, 405, 'MLC_CONSOLE_BAD_REQUEST', 'Replay is a POST.', { allow: 'POST' });
      if (session.role !== 'operator') return sendError(response, 403, 'MLC_CONSOLE_FORBIDDEN', 'Only an operator may replay records.');
      const wanted = parseReplayRequest(await readJsonBody(request, BODY_LIMIT));
      if (!wanted) return sendError(response, 400, 'MLC_CONSOLE_BAD_REQUEST', 'Say which records to replay: one recordKey, one code, or all.');
      return sendJson(response, 202, await replay(source, name, wanted));
    }
    if (action === 'run') {
      if (!post) return sendError(response, 405, 'MLC_CONSOLE_BAD_REQUEST', 'A run is asked for with a POST.', { allow: 'POST' });
      if (session.role !== 'operator') return sendError(response, 403, 'MLC_CONSOLE_FORBIDDEN', 'Only an operator may start a run.');
      const wanted = parseRunNowRequest(await readJsonBody(request, BODY_LIMIT));
      if (!wanted) return sendError(response, 400, 'MLC_CONSOLE_BAD_REQUEST', "Say which run: mode 'changed' or 'full'.");
      return sendJson(response, 202, await runNow(source, name, wanted));
    }
    if (post) return sendError(response, 405, 'MLC_CONSOLE_BAD_REQUEST', 'This address only answers GET.', { allow: 'GET' });
    if (action === 'plan') {
      // A plan reads the source and the sink now; when one cannot answer, say so in its own words.
      const plan = await planNow(source, name, signal).catch((error: unknown) => (isMlcError(error) ? error : undefined));
      if (plan === undefined) return sendError(response, 502, 'MLC_CONSOLE_PLAN_FAILED', 'The plan could not be made now. Check that the source and the target system answer, then try again.');
      if (isMlcError(plan)) return sendError(response, 502, plan.code, `The plan could not be made now: ${plan.message}`);
      return sendJson(response, 200, plan);
    }
    if (action === 'coverage') {
      const coverage = await pipelineCoverage(source, name, signal, clock).catch((error: unknown) => (isMlcError(error) ? error : undefined));
      if (coverage === undefined) return sendError(response, 502, 'MLC_CONSOLE_COVERAGE_FAILED', 'Coverage could not be checked now. Check that the source system answers, then try again.');
      if (isMlcError(coverage)) return sendError(response, 502, coverage.code, `Coverage could not be checked now: ${coverage.message}`);
      return sendJson(response, 200, coverage);
    }
    if (action === 'runs') return sendJson(response, 200, await recentRuns(source, name, clock()));
    const bounds = pageBounds(query, action === 'quarantine' ? 100 : 200, 1000);
    if (!bounds) return sendError(response, 400, 'MLC_CONSOLE_BAD_REQUEST', 'cursor and limit must be whole numbers (limit at least 1).');
    if (action === 'quarantine') {
      const code = query.get('code') ?? undefined;
      return sendJson(response, 200, await quarantinePage(source, name, code, bounds.cursor, bounds.limit));
    }
    const key = decoded(match[3] ?? '');
    if (key === undefined || key.length === 0 || key.length > 512) return sendError(response, 400, 'MLC_CONSOLE_BAD_REQUEST', 'That record key cannot be read.');
    return sendJson(response, 200, await recordTrail(source, name, key, bounds.cursor, bounds.limit));
  }

  return async function handle(request, response) {
    const url = new URL(request.url ?? '/', 'http://console.invalid');
    const path = url.pathname;
    const method = request.method ?? 'GET';
    if (isAsset(path) && (method === 'GET' || method === 'HEAD')) {
      await sendAsset(path, response, method === 'HEAD');
      return true;
    }
    if (!path.startsWith('/api/')) return false;
    if (method === 'POST' && !(request.headers['content-type'] ?? '').startsWith('application/json')) {
      sendError(response, 415, 'MLC_CONSOLE_BAD_REQUEST', 'Send JSON.');
      return true;
    }
    if (path === '/api/login' && method === 'POST') {
      await login(request, response);
      return true;
    }
    const session = sessionOf(request, response);
    if (path === '/api/session' && method === 'GET') {
      const info: SessionInfo = session ? { authenticated: true, role: session.role, csrf: session.csrf, loopback: session.loopback } : { authenticated: false, loopback: trustLoopback && isLoopback(request) };
      sendJson(response, 200, info);
      return true;
    }
    if (!session) {
      sendError(response, 401, 'MLC_CONSOLE_LOGIN_REQUIRED', 'Please log in to see this.');
      return true;
    }
    if (method === 'POST' && !sameSecret(String(request.headers['x-csrf-token'] ?? ''), session.csrf)) {
      sendError(response, 403, 'MLC_CONSOLE_CSRF', 'This action did not come from the console page. Reload the page and try again.');
      return true;
    }
    if (path === '/api/logout' && method === 'POST') {
      sessions.end(session.id);
      sendJson(response, 200, { authenticated: false }, { 'set-cookie': sessions.clearCookie() });
      return true;
    }
    if (path === '/api/pipelines' && method === 'GET') {
      sendJson(response, 200, await listPipelines(source));
      return true;
    }
    const match = path.match(PIPELINE_ROUTE);
    if (!match) {
      sendError(response, 404, 'MLC_CONSOLE_NOT_FOUND', 'The console has nothing at this address.');
      return true;
    }
    await pipelineRoute(request, response, session, match, url.searchParams);
    return true;
  };
}
