// The other way an authorization's answer comes back: the vendor may only redirect to an https
// address (some vendors document that they will not send codes to plain http), which nothing on
// the integrator's machine listens on. The browser then stops on that address with the code in its
// address bar; the person pastes that address into the terminal and the same verdict applies.
import { MlcError } from '../errors.ts';
import type { AuthorizationRequest } from './definition.ts';
import { DEFAULT_AUTHORIZATION_TIMEOUT_MS, judgeAnswer, newState, type AuthorizationOutcome } from './loopback-authorization.ts';

export interface PastedOptions {
  openUrl(url: string): void | Promise<void>;
  /** The address the browser stopped on, as the person pasted it. */
  readAnswer(): Promise<string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  clock?: () => number;
}

export async function authorizeByPastedAnswer(request: AuthorizationRequest, options: PastedOptions): Promise<AuthorizationOutcome> {
  const clock = options.clock ?? Date.now;
  const state = newState(clock(), options.timeoutMs ?? DEFAULT_AUTHORIZATION_TIMEOUT_MS);
  await options.openUrl(await request.url(state.value));
  const pasted = (await options.readAnswer()).trim();
  let query: URLSearchParams;
  try {
    query = new URL(pasted).searchParams;
  } catch {
    throw new MlcError('MLC_AUTHORIZATION_FAILED', 'what was pasted is not the address the browser stopped on (a URL with ?code=…&state=…); nothing was stored');
  }
  const verdict = judgeAnswer(query, state, clock());
  if ('error' in verdict) throw verdict.error;
  options.signal?.throwIfAborted();
  return request.complete(verdict.code, { signal: options.signal ?? new AbortController().signal });
}
