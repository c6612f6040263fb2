// Credentials on API requests: Basic with the API key as user name (any password), or a Bearer token
// from the OAuth flow. Failures answer 401 with `WWW-Authenticate: Basic realm=...` as BambooHR does.
import { timingSafeEqual } from 'node:crypto';
import type { Company } from './model.ts';
import { errorReply, type AuthKind, type Reply } from './http.ts';
import type { RuntimeSettings } from './options.ts';
import type { TokenStore } from './tokens.ts';

export const REALM = 'Basic realm="BambooHR"';

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export type AuthResult = { ok: true; kind: AuthKind; scopes?: string[] } | { ok: false; kind: AuthKind; reply: Reply };

export function authenticate(header: string | undefined, company: Company, tokens: TokenStore, settings: RuntimeSettings, nowMs: number): AuthResult {
  const deny = (kind: AuthKind, message: string): AuthResult => ({ ok: false, kind, reply: errorReply(settings, 401, message, { 'www-authenticate': REALM }) });
  if (!header) return deny('none', 'Your API key is missing');
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
    return sameText(user, company.apiKey) ? { ok: true, kind: 'basic' } : deny('basic', 'Invalid API key');
  }
  if (scheme?.toLowerCase() === 'bearer') {
    const check = tokens.checkAccess(value, nowMs);
    if (!check.ok) return deny('bearer', check.reason === 'expired' ? 'The access token has expired' : 'The access token is invalid');
    if (check.company !== company.domain) return deny('bearer', 'The access token is not valid for this company');
    return { ok: true, kind: 'bearer', scopes: check.scopes };
  }
  return deny('none', 'Unsupported authorization scheme');
}
