// OAuth 2.0 authorization-code flow, refresh with and without rotation, and 401s for bad tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../../../runtime/lib/http-client.ts';
import { startClient, type Client } from './helpers.ts';

let c: Client;
beforeAll(async () => {
  c = await startClient({ companies: [{ domain: 'keystone', employees: 40 }, { domain: 'other', employees: 30 }] });
});
afterAll(async () => {
  await c.sandbox.close();
});

const creds = () => c.sandbox.credentials();

async function authorizeCode(scope = 'openid offline_access employee', redirectUri = creds().oauth.redirectUris[0]!): Promise<{ status: number; location: URL | undefined; text: string }> {
  const q = new URLSearchParams({ request: 'authorize', response_type: 'code', client_id: creds().oauth.clientId, redirect_uri: redirectUri, scope, state: 'csrf-123' });
  const res = await httpRequest(`${c.sandbox.companyUrl()}/authorize.php?${q}`);
  return { status: res.status, location: res.headers.location ? new URL(res.headers.location) : undefined, text: res.text() };
}

interface TokenBody {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  token_type?: string;
  scope?: string;
  id_token?: string;
  companyDomain?: string;
  error?: string;
  error_description?: string;
}

async function tokenRequest(params: Record<string, string>, as: 'form' | 'json' = 'form', query = '?request=token'): Promise<{ status: number; body: TokenBody }> {
  const all = { client_id: creds().oauth.clientId, client_secret: creds().oauth.clientSecret, ...params };
  const res = await httpRequest(`${c.sandbox.companyUrl()}/token.php${query}`, {
    method: 'POST',
    headers: { 'content-type': as === 'json' ? 'application/json' : 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: as === 'json' ? JSON.stringify(all) : new URLSearchParams(all).toString(),
  });
  return { status: res.status, body: res.json<TokenBody>() };
}

async function exchange(code: string, as: 'form' | 'json' = 'form'): Promise<{ status: number; body: TokenBody }> {
  return tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: creds().oauth.redirectUris[0]! }, as);
}

const bearerGet = (token: string, base = c.sandbox.companyUrl()) => httpRequest(`${base}/api/v1/employees/1`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });

describe('authorize', () => {
  it('auto-consents with a redirect carrying code and state', async () => {
    const { status, location } = await authorizeCode();
    expect(status).toBe(302);
    expect(`${location!.origin}${location!.pathname}`).toBe(creds().oauth.redirectUris[0]);
    expect(location!.searchParams.get('state')).toBe('csrf-123');
    expect(location!.searchParams.get('code')).toBeTruthy();
  });

  it('refuses a redirect URI that is not an exact match, without redirecting', async () => {
    const res = await authorizeCode('openid', `${creds().oauth.redirectUris[0]}/extra`);
    expect(res.status).toBe(400);
    expect(res.location).toBeUndefined();
  });

  it('shows a consent page when asked to, and honours Allow and Deny', async () => {
    c.sandbox.admin.setFaults({ consent: 'page' });
    try {
      const q = new URLSearchParams({ response_type: 'code', client_id: creds().oauth.clientId, redirect_uri: creds().oauth.redirectUris[0]!, scope: 'openid offline_access', state: 's1' });
      const page = await httpRequest(`${c.sandbox.companyUrl()}/authorize.php?${q}`);
      expect(page.status).toBe(200);
      expect(page.text()).toContain('<form method="post" action="authorize.php">');
      const decide = (decision: string) =>
        httpRequest(`${c.sandbox.companyUrl()}/authorize.php`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${q}&decision=${decision}` });
      const denied = new URL((await decide('deny')).headers.location!);
      expect([denied.searchParams.get('error'), denied.searchParams.get('state')]).toEqual(['access_denied', 's1']);
      const allowed = new URL((await decide('allow')).headers.location!);
      expect((await exchange(allowed.searchParams.get('code')!)).status).toBe(200);
    } finally {
      c.sandbox.admin.resetFaults();
    }
  });
});

describe('token', () => {
  it('exchanges a code (form body) for the documented token response', async () => {
    const code = (await authorizeCode()).location!.searchParams.get('code')!;
    const { status, body } = await exchange(code);
    expect(status).toBe(200);
    expect(body).toMatchObject({ expires_in: 3600, token_type: 'Bearer', scope: 'openid offline_access employee', companyDomain: 'keystone' });
    expect(body.refresh_token).toBeTruthy();
    expect(body.id_token!.split('.')).toHaveLength(3);
    expect((await bearerGet(body.access_token!)).status).toBe(200);
  });

  it('accepts a JSON body with request=token inside it', async () => {
    const code = (await authorizeCode()).location!.searchParams.get('code')!;
    const { status } = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: creds().oauth.redirectUris[0]!, request: 'token' }, 'json', '');
    expect(status).toBe(200);
  });

  it('gives no refresh token without offline_access', async () => {
    const code = (await authorizeCode('openid employee')).location!.searchParams.get('code')!;
    const { body } = await exchange(code);
    expect(body.access_token).toBeTruthy();
    expect(body.refresh_token).toBeUndefined();
  });

  it('rejects a reused code with invalid_grant and revokes what the first use issued', async () => {
    const code = (await authorizeCode()).location!.searchParams.get('code')!;
    const first = await exchange(code);
    const second = await exchange(code);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
    expect(second.body.error_description).toMatch(/already been used/);
    expect((await bearerGet(first.body.access_token!)).status).toBe(401);
  });

  it('rejects a wrong redirect URI at the token endpoint with invalid_grant', async () => {
    const code = (await authorizeCode()).location!.searchParams.get('code')!;
    const res = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:1/elsewhere' });
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('rejects a wrong client secret with 401 invalid_client and an unknown grant type with 400', async () => {
    expect(await tokenRequest({ grant_type: 'authorization_code', code: 'x', redirect_uri: 'x', client_secret: 'wrong' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await tokenRequest({ grant_type: 'password' })).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
  });
});

describe('refresh', () => {
  it('rotates the refresh token; reusing the old one revokes the whole grant', async () => {
    const code = (await authorizeCode()).location!.searchParams.get('code')!;
    const first = (await exchange(code)).body;
    const second = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    const reuse = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
    expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // Reuse detection: the legitimately rotated token is dead too.
    expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: second.body.refresh_token! })).status).toBe(400);
    expect((await bearerGet(second.body.access_token!)).status).toBe(401);
  });

  it('keeps the same refresh token valid when rotation is off', async () => {
    c.sandbox.admin.setFaults({ refreshRotation: false });
    try {
      const code = (await authorizeCode()).location!.searchParams.get('code')!;
      const first = (await exchange(code)).body;
      const a = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
      const b = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
      expect(a.body.refresh_token).toBe(first.refresh_token);
      expect(b.status).toBe(200);
    } finally {
      c.sandbox.admin.resetFaults();
    }
  });

  it('fails every grant with invalid_grant while the fault is on', async () => {
    c.sandbox.admin.setFaults({ forceInvalidGrant: true });
    try {
      const code = (await authorizeCode()).location!.searchParams.get('code')!;
      expect((await exchange(code)).body.error).toBe('invalid_grant');
    } finally {
      c.sandbox.admin.resetFaults();
    }
  });
});

describe('bearer tokens on the API', () => {
  it('answers 401 with WWW-Authenticate for an expired, unknown or other-company token', async () => {
    c.sandbox.admin.setFaults({ tokenTtlSeconds: 1 });
    const code = (await authorizeCode()).location!.searchParams.get('code')!;
    const { body } = await exchange(code);
    c.sandbox.admin.resetFaults();
    expect(body.expires_in).toBe(1);
    expect((await bearerGet(body.access_token!, c.sandbox.companyUrl('other'))).status).toBe(401);
    c.sandbox.admin.expireTokens('keystone');
    const expired = await bearerGet(body.access_token!);
    expect(expired.status).toBe(401);
    expect(expired.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(expired.headers['x-bamboohr-error-message']).toMatch(/expired/);
    expect((await bearerGet('at_not-a-token')).status).toBe(401);
  });
});
