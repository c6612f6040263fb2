// OAuth 2.0 authorization-code flow on the tenant host: /authorize.php (auto-consent) and /token.php
// (form or JSON bodies, `request=token` in the query or the body or absent). Token errors follow
// RFC 6749 §5.2 because BambooHR documents none of its own.
import { createHmac } from 'node:crypto';
import type { Company } from './model.ts';
import type { HandlerContext } from './context.ts';
import { contentTypeOf, parseJsonObject, type Reply, type SandboxRequest } from './http.ts';

function oauthError(status: number, error: string, description: string): Reply {
  return {
    status,
    alwaysJson: true,
    headers: { 'cache-control': 'no-store', ...(status === 401 ? { 'www-authenticate': 'Basic realm="BambooHR"' } : {}) },
    json: { error, error_description: description },
  };
}

function plainError(status: number, message: string): Reply {
  return { status, text: message, contentType: 'text/plain; charset=utf-8' };
}

function consentPage(company: Company, q: URLSearchParams): Reply {
  const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  const hidden = [...q].map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
  const html = `<!doctype html><meta charset="utf-8"><title>Authorize</title><h1>${esc(company.name)}</h1><p>Allow ${esc(q.get('client_id') ?? '')} to access: ${esc(q.get('scope') ?? '(default scopes)')}</p><form method="post" action="authorize.php">${hidden}<button name="decision" value="allow">Allow</button> <button name="decision" value="deny">Deny</button></form>`;
  return { status: 200, text: html, contentType: 'text/html; charset=utf-8' };
}

/**
 * GET shows nothing and redirects at once (auto-consent), or shows a minimal consent page when the
 * `consent` setting is `page`; the page POSTs back here with decision=allow|deny.
 */
export function authorize(ctx: HandlerContext, company: Company, req: SandboxRequest): Reply {
  const posted = req.method === 'POST';
  const q = posted ? new URLSearchParams(req.body.toString('utf8')) : req.query;
  const clientId = q.get('client_id') ?? '';
  const redirectUri = q.get('redirect_uri') ?? '';
  // Errors about the client or redirect URI must not redirect (RFC 6749 §4.1.2.1): the URI is untrusted.
  if (clientId !== company.oauthClient.clientId) return plainError(400, 'Invalid client_id');
  if (!company.oauthClient.redirectUris.includes(redirectUri)) return plainError(400, 'redirect_uri does not match a registered redirect URI');
  const request = q.get('request');
  if (request !== null && request !== 'authorize') return plainError(400, 'Invalid request parameter');
  const state = q.get('state');
  const back = (params: Record<string, string>): Reply => {
    const target = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    if (state !== null) target.searchParams.set('state', state);
    return { status: 302, headers: { location: target.toString() } };
  };
  if (q.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
  if (!posted && ctx.settings.consent === 'page') return consentPage(company, q);
  if (posted && q.get('decision') !== 'allow') return back({ error: 'access_denied' });
  // Scopes arrive space-separated (form-encoded `+`); absent means the app's configured scopes.
  const scopeText = q.get('scope');
  const scopes = scopeText ? scopeText.split(/[\s+]+/).filter(Boolean) : ['openid', 'offline_access', 'employee', 'employee_directory', 'field', 'report', 'webhooks'];
  return back({ code: ctx.tokens.issueCode({ company: company.domain, clientId, scopes }, redirectUri, ctx.nowMs()) });
}

function readParams(req: SandboxRequest): Record<string, string> | undefined {
  const type = contentTypeOf(req).toLowerCase();
  const out: Record<string, string> = {};
  if (type.startsWith('application/json')) {
    const obj = parseJsonObject(req.body);
    if (!obj) return undefined;
    for (const [k, v] of Object.entries(obj)) if (typeof v === 'string') out[k] = v;
  } else {
    for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) out[k] = v;
  }
  return out;
}

function clientCredentials(req: SandboxRequest, params: Record<string, string>): { id: string; secret: string } {
  const header = String(req.headers.authorization ?? '');
  if (header.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    if (at < 0) return { id: '', secret: '' };
    // RFC 6749 §2.3.1: both parts are form-urlencoded; broken encoding is just a failed client authentication.
    try {
      return { id: decodeURIComponent(decoded.slice(0, at)), secret: decodeURIComponent(decoded.slice(at + 1)) };
    } catch {
      return { id: '', secret: '' };
    }
  }
  return { id: params.client_id ?? '', secret: params.client_secret ?? '' };
}

function idToken(company: Company, clientId: string, secret: string, nowMs: number, ttlSeconds: number): string {
  const enc = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const iat = Math.floor(nowMs / 1000);
  const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ iss: `https://${company.domain}.bamboohr.com`, aud: clientId, sub: String(company.apiUserEmployeeId), iat, exp: iat + ttlSeconds })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

export function token(ctx: HandlerContext, company: Company, req: SandboxRequest): Reply {
  const params = readParams(req);
  if (!params) return oauthError(400, 'invalid_request', 'The request body is not valid JSON.');
  const request = req.query.get('request') ?? params.request;
  if (request !== undefined && request !== 'token') return oauthError(400, 'invalid_request', 'request must be "token".');
  const client = clientCredentials(req, params);
  if (client.id !== company.oauthClient.clientId || client.secret !== company.oauthClient.clientSecret) {
    return oauthError(401, 'invalid_client', 'Client authentication failed.');
  }
  const s = ctx.settings;
  if (s.forceInvalidGrant) return oauthError(400, 'invalid_grant', 'The grant is invalid (injected fault).');
  const now = ctx.nowMs();
  let grant;
  let keepRefresh: string | undefined;
  if (params.grant_type === 'authorization_code') {
    if (!params.code || !params.redirect_uri) return oauthError(400, 'invalid_request', 'code and redirect_uri are required.');
    const result = ctx.tokens.redeemCode(params.code, client.id, params.redirect_uri, now);
    if (!result.ok) return oauthError(400, 'invalid_grant', result.description);
    grant = result.grant;
  } else if (params.grant_type === 'refresh_token') {
    if (!params.refresh_token) return oauthError(400, 'invalid_request', 'refresh_token is required.');
    const result = ctx.tokens.useRefresh(params.refresh_token, client.id, s.refreshRotation);
    if (!result.ok) return oauthError(400, 'invalid_grant', result.description);
    grant = result.grant;
    if (!s.refreshRotation) keepRefresh = params.refresh_token;
  } else if (!params.grant_type) {
    return oauthError(400, 'invalid_request', 'grant_type is required.');
  } else {
    return oauthError(400, 'unsupported_grant_type', `grant_type ${params.grant_type} is not supported.`);
  }
  const offline = grant.scopes.includes('offline_access');
  const issued = ctx.tokens.issueTokens(grant, s.tokenTtlSeconds, now, offline, keepRefresh);
  return {
    status: 200,
    alwaysJson: true,
    headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
    json: {
      access_token: issued.accessToken,
      expires_in: s.tokenTtlSeconds,
      token_type: 'Bearer',
      scope: grant.scopes.join(' '),
      ...(issued.refreshToken ? { refresh_token: issued.refreshToken } : {}),
      id_token: idToken(company, client.id, company.oauthClient.clientSecret, now, s.tokenTtlSeconds),
      companyDomain: company.domain,
    },
  };
}
