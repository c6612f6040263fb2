// Credentials: an API key (Basic, "key:x"), or OAuth 2.0 tokens refreshed per company. Refreshes are
// single-flight (a concurrent double refresh under rotation looks like token theft to the server and
// can revoke the grant); a rotated refresh token is stored before the new access token is used; and
// invalid_grant ends the connector's life with one clear instruction instead of a retry storm.
import { ConnectorRuntimeError, type ConnectorContext, type HttpClient, type HttpResponse } from '../../runtime/index.ts';
import { LABEL, bambooMessage, tokenUrl, type Addresses, type Authorizer } from './client.ts';
import type { BambooHrSourceConfig } from './config.ts';

/** Refresh this long before the access token's stated expiry (BambooHR's SDKs use 5 minutes). */
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface TokenSet {
  accessToken: string;
  expiresInSeconds: number;
  refreshToken?: string;
  scopes: string[];
}

type OAuthConfig = Extract<BambooHrSourceConfig['auth'], { oauth: unknown }>['oauth'];

export function reauthorizeError(pipeline: string, detail: string): ConnectorRuntimeError {
  return new ConnectorRuntimeError('MLC_REAUTHORIZE_REQUIRED', `re-authorization required: run \`ml-connector connect bamboohr ${pipeline}\` (${detail})`);
}

/** The secret name a `${secret:name}` reference points at; the default name when there is none. */
export function refreshTokenName(oauth: OAuthConfig, subdomain: string): string {
  const match = /^\$\{secret:([^}]+)\}$/.exec(oauth.refreshToken ?? '');
  return match?.[1] ?? `bamboohr-${subdomain}-refresh-token`;
}

/**
 * POSTs to /token.php. Never retried in-line: under rotation a repeat of a request whose answer was
 * lost would present a spent refresh token. A 5xx or a network failure is transient for the engine.
 */
export async function tokenRequest(http: HttpClient, addresses: Addresses, pipeline: string, form: Record<string, string>): Promise<TokenSet> {
  let response: HttpResponse;
  try {
    response = await http.request(tokenUrl(addresses), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      idempotent: false,
      // 4xx bodies carry the OAuth error; 408/429/5xx fall to the default (transient, not repeated here).
      classify: (r) => (r.status >= 200 && r.status < 500 && r.status !== 408 && r.status !== 429 ? 'ok' : undefined),
    });
  } catch (error) {
    if (error instanceof ConnectorRuntimeError) throw new ConnectorRuntimeError(error.code, `token endpoint: ${error.message}`, { cause: error });
    throw error;
  }
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(response.text());
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  const error = typeof body?.error === 'string' ? body.error : undefined;
  if (error === 'invalid_grant') {
    const description = typeof body?.error_description === 'string' ? body.error_description.slice(0, 200) : 'the refresh token or code was refused';
    throw reauthorizeError(pipeline, `invalid_grant: ${description}`);
  }
  if (response.status >= 400 || error) {
    const code = response.status === 401 || error === 'invalid_client' || error === 'unauthorized_client' ? 'MLC_REMOTE_AUTH' : 'MLC_REMOTE_REJECTED';
    const detail = error ? `${error}${typeof body?.error_description === 'string' ? `: ${body.error_description.slice(0, 200)}` : ''}` : (bambooMessage(response) ?? 'no detail');
    throw new ConnectorRuntimeError(code, `${LABEL}'s token endpoint refused the request (${response.status}): ${detail}`, { errorClass: 'config' });
  }
  const accessToken = body?.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new ConnectorRuntimeError('MLC_REMOTE_BAD_RESPONSE', `${LABEL}'s token endpoint answered ${response.status} without an access_token (${response.body.length} bytes)`);
  }
  const expires = Number(body?.expires_in);
  return {
    accessToken,
    expiresInSeconds: Number.isFinite(expires) && expires > 0 ? expires : 3600,
    ...(typeof body?.refresh_token === 'string' && body.refresh_token !== '' ? { refreshToken: body.refresh_token } : {}),
    scopes: typeof body?.scope === 'string' ? body.scope.split(/[\s+]+/).filter(Boolean) : [],
  };
}

export function apiKeyAuthorizer(apiKey: () => Promise<string>): Authorizer {
  return {
    kind: 'apiKey',
    header: async () => `Basic ${Buffer.from(`${await apiKey()}:x`).toString('base64')}`,
    rejected: async () => false,
    scopes: () => undefined,
  };
}

export function oauthAuthorizer(config: Readonly<BambooHrSourceConfig>, oauth: OAuthConfig, context: ConnectorContext, http: HttpClient, addresses: Addresses): Authorizer & { refreshes(): number } {
  const name = refreshTokenName(oauth, config.subdomain);
  let access: { token: string; expiresAt: number } | undefined;
  let refreshToken: string | undefined;
  let scopes: string[] | undefined;
  let inflight: Promise<string> | undefined;
  let dead: ConnectorRuntimeError | undefined;
  let refreshes = 0;

  async function refresh(): Promise<string> {
    refreshToken ??= await context.secrets.resolve(`\${secret:${name}}`).catch(() => {
      throw reauthorizeError(context.pipeline, `no refresh token is stored under '${name}'`);
    });
    refreshes += 1;
    const tokens = await tokenRequest(http, addresses, context.pipeline, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: await context.secrets.resolve(oauth.clientId),
      client_secret: await context.secrets.resolve(oauth.clientSecret),
    });
    if (tokens.refreshToken && tokens.refreshToken !== refreshToken) {
      // Persist before use: if storing fails, the new access token is never used and the error says why.
      await context.secrets.store(name, tokens.refreshToken);
      refreshToken = tokens.refreshToken;
    }
    scopes = tokens.scopes;
    access = { token: tokens.accessToken, expiresAt: context.clock().getTime() + tokens.expiresInSeconds * 1000 };
    return tokens.accessToken;
  }

  function singleFlight(): Promise<string> {
    if (dead) return Promise.reject(dead);
    inflight ??= refresh()
      .catch((error: unknown) => {
        if (error instanceof ConnectorRuntimeError && error.code === 'MLC_REAUTHORIZE_REQUIRED') dead = error;
        throw error;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  }

  return {
    kind: 'oauth',
    async header() {
      const fresh = access && access.expiresAt - REFRESH_MARGIN_MS > context.clock().getTime() ? access.token : await singleFlight();
      return `Bearer ${fresh}`;
    },
    async rejected(header) {
      if (dead) return false;
      // Only the first caller holding the rejected token refreshes; the others use its result.
      if (access && header === `Bearer ${access.token}`) access = undefined;
      if (!access) await singleFlight();
      return true;
    },
    scopes: () => scopes,
    refreshes: () => refreshes,
  };
}
