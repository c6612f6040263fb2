// The person-facing half of an OAuth 2.0 authorization-code grant, the same for every vendor: a
// one-time state (256 random bits, compared timing-safely, expiring), a listener on the loopback
// redirect URI, the consent URL handed to a browser, and one answer taken. The connector supplies the
// vendor's URL and the code exchange (AuthorizationRequest). Anything but one matching callback ends
// the flow with MLC_AUTHORIZATION_FAILED, and then nothing is stored.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { MlcError } from '../errors.ts';
import type { AuthorizationRequest } from './definition.ts';

export const DEFAULT_AUTHORIZATION_TIMEOUT_MS = 10 * 60_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface LoopbackOptions {
  /** Receives the consent URL: prints it, opens a browser, or (demo, tests) follows it itself. */
  openUrl(url: string): void | Promise<void>;
  /** How long the state stays valid and the listener waits (default 10 minutes). */
  timeoutMs?: number;
  signal?: AbortSignal;
  clock?: () => number;
}

export interface AuthorizationOutcome {
  stored: string;
  facts?: Record<string, string | number | boolean>;
}

function failure(message: string): MlcError {
  return new MlcError('MLC_AUTHORIZATION_FAILED', message);
}

/** The redirect URI the listener can serve: plain http on a loopback host (a browser reaches it locally). */
export function listenerFor(redirectUri: string): { host: string; port: number; path: string } {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw failure(`the redirect URI '${redirectUri}' is not a URL`);
  }
  if (url.protocol !== 'http:' || !LOOPBACK.has(url.hostname)) {
    throw failure(`the redirect URI '${redirectUri}' is not http on a loopback host (127.0.0.1, localhost or [::1]); connect listens on it itself, so register one such as http://127.0.0.1:53682/callback`);
  }
  const host = url.hostname === '[::1]' ? '::1' : url.hostname === 'localhost' ? '127.0.0.1' : url.hostname;
  return { host, port: url.port === '' ? 80 : Number(url.port), path: url.pathname };
}

function sameState(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  // Fixed wording only: nothing from the query string is echoed into the page.
  const body = `<!doctype html><meta charset="utf-8"><title>ml-connector: ${title}</title><h1>${title}</h1><p>${text}</p>`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export interface OneTimeState {
  value: string;
  expiresAt: number;
  timeoutMs: number;
}

export function newState(now: number, timeoutMs: number): OneTimeState {
  return { value: randomBytes(32).toString('base64url'), expiresAt: now + timeoutMs, timeoutMs };
}

/**
 * The verdict on one answer (the redirect's query): the code, or a coded failure whose `page` is
 * what the person's browser is told. Wrong state first, so nothing about a forged answer is judged.
 */
export function judgeAnswer(query: URLSearchParams, state: OneTimeState, now: number): { code: string } | { error: MlcError; title: string; text: string } {
  if (!sameState(state.value, query.get('state'))) {
    return {
      error: failure('the answer carried a missing or wrong state (not the authorization this command started); nothing was stored'),
      title: 'Authorization refused',
      text: 'This answer does not belong to the authorization the terminal started. Nothing was stored; start again with ml-connector connect.',
    };
  }
  if (now > state.expiresAt) {
    return {
      error: failure(`the authorization expired (its state is valid for ${Math.round(state.timeoutMs / 1000)} s); nothing was stored`),
      title: 'Authorization expired',
      text: 'This authorization took too long and has expired. Nothing was stored; start again with ml-connector connect.',
    };
  }
  const error = query.get('error');
  const code = query.get('code');
  if (error === null && code) return { code };
  const reason = error === null ? 'the answer carried no code' : `the authorization server answered '${error.slice(0, 80)}'`;
  return { error: failure(`${reason}; nothing was stored`), title: 'Authorization not given', text: 'The authorization was not given. Nothing was stored. You can close this tab and return to the terminal.' };
}

/** Runs the flow once: resolves with what the connector stored, or rejects with a coded error. */
export async function authorizeOnLoopback(request: AuthorizationRequest, options: LoopbackOptions): Promise<AuthorizationOutcome> {
  const clock = options.clock ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_AUTHORIZATION_TIMEOUT_MS;
  const listener = listenerFor(request.redirectUri);
  const state = newState(clock(), timeoutMs);
  const abort = new AbortController();
  let settled = false;
  /** One callback is taken; any later one is told so and changes nothing. */
  let answered = false;
  let finish: (outcome: AuthorizationOutcome | Error) => void = () => {};
  const done = new Promise<AuthorizationOutcome>((resolve, reject) => {
    finish = (outcome) => {
      if (settled) return;
      settled = true;
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
  });

  // A failure may come while the URL is still being opened: handled here, rethrown where awaited.
  done.catch(() => undefined);

  async function onCallback(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://loopback');
    if (req.method !== 'GET' || url.pathname !== listener.path) return page(res, 404, 'Not found', 'This address only takes the answer of an authorization.');
    if (answered || settled) return page(res, 409, 'Already answered', 'This authorization has already been answered. You can close this tab.');
    answered = true;
    const verdict = judgeAnswer(url.searchParams, state, clock());
    if ('error' in verdict) {
      page(res, 400, verdict.title, verdict.text);
      return finish(verdict.error);
    }
    const { code } = verdict;
    try {
      const outcome = await request.complete(code, { signal: abort.signal });
      page(res, 200, 'Connected', 'ml-connector is connected. You can close this tab and return to the terminal.');
      finish(outcome);
    } catch (cause) {
      page(res, 502, 'Connection failed', 'The authorization was given but could not be completed; the terminal says why.');
      finish(cause instanceof Error ? cause : failure(String(cause)));
    }
  }

  const server = createServer((req, res) => {
    onCallback(req, res).catch((cause: unknown) => finish(cause instanceof Error ? cause : failure(String(cause))));
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause: NodeJS.ErrnoException) => reject(failure(`cannot listen on ${request.redirectUri} (${cause.code ?? cause.message}); is another connect still running?`)));
    server.listen(listener.port, listener.host, () => resolve());
  });
  const timer = setTimeout(() => finish(failure(`no answer from the browser within ${Math.round(timeoutMs / 1000)} s; nothing was stored`)), timeoutMs);
  const onAbort = () => finish(failure('stopped before the authorization was answered; nothing was stored'));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await options.openUrl(await request.url(state.value));
    return await done;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    abort.abort();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
