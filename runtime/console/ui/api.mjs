// @ts-check
// The console's one way to the server: same-origin fetches of the JSON API (runtime/console/api/
// types.ts), the session's CSRF token on every POST, and failures turned into plain sentences.

/** @typedef {import('../api/types.ts').SessionInfo} SessionInfo */
/** @typedef {import('../api/types.ts').ApiError} ApiError */

/** @type {{ current: SessionInfo, onEnded: () => void }} */
export const session = { current: { authenticated: false, loopback: false }, onEnded: () => {} };

export class ApiFailure extends Error {}

/** @param {unknown} data @returns {data is ApiError} */
const isApiError = (data) => typeof data === 'object' && data !== null && typeof (/** @type {{ error?: unknown }} */ (data).error) === 'string';

/**
 * GET when no body is given, else POST it as JSON. The caller names the answer's type.
 * @template T
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<T>}
 */
export async function api(path, body) {
  /** @type {RequestInit} */
  const init = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.current.csrf ?? '' }, body: JSON.stringify(body) };
  let response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiFailure('The connector did not answer. Check that it is running, then reload the page.');
  }
  /** @type {unknown} */
  const data = await response.json().catch(() => ({}));
  if (response.status === 401 && path !== '/api/login') {
    session.current = { authenticated: false, loopback: false };
    session.onEnded();
    throw new ApiFailure('Your session ended. Please log in again.');
  }
  if (!response.ok) throw new ApiFailure(isApiError(data) ? data.error : `The request failed (${response.status}).`);
  return /** @type {T} */ (data);
}

/** The words to show for any failure. @param {unknown} error */
export const failureText = (error) => (error instanceof ApiFailure ? error.message : 'Something went wrong while showing this page. Reload it to try again.');
