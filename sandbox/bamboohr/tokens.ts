// OAuth codes and tokens. A "family" is everything issued from one authorization code, so that a
// replayed code or a reused (rotated-out) refresh token can revoke the whole chain (RFC 6749 §4.1.2,
// RFC 9700 §4.14).
import { randomBytes } from 'node:crypto';

interface Grant {
  company: string;
  clientId: string;
  scopes: string[];
  familyId: string;
}

interface Code extends Grant {
  redirectUri: string;
  expiresAtMs: number;
  used: boolean;
}

interface Access extends Grant {
  expiresAtMs: number;
}

interface Refresh extends Grant {
  /** Rotated out: a later use is reuse and revokes the family. */
  rotated: boolean;
}

export type AccessCheck = { ok: true; company: string; scopes: string[] } | { ok: false; reason: 'unknown' | 'expired' };

const CODE_TTL_MS = 10 * 60 * 1000;
/** /authorize.php needs no secret, so codes are capped; the oldest go first. */
const MAX_CODES = 10_000;
/** Expired codes and access tokens are kept this long so errors still say "expired"/"already used". */
const GRACE_MS = 60 * 60 * 1000;
const SWEEP_EVERY = 1_000;

const newToken = (prefix: string): string => `${prefix}_${randomBytes(24).toString('base64url')}`;

export class TokenStore {
  private readonly codes = new Map<string, Code>();
  private readonly access = new Map<string, Access>();
  private readonly refresh = new Map<string, Refresh>();
  private readonly revokedFamilies = new Set<string>();
  private issuedSinceSweep = 0;
  private lastSweepMs = -Infinity;

  issueCode(grant: Omit<Grant, 'familyId'>, redirectUri: string, nowMs: number): string {
    this.maybeSweep(nowMs);
    while (this.codes.size >= MAX_CODES) this.codes.delete(this.codes.keys().next().value!);
    const code = newToken('code');
    this.codes.set(code, { ...grant, familyId: newToken('fam'), redirectUri, expiresAtMs: nowMs + CODE_TTL_MS, used: false });
    return code;
  }

  /** Returns the grant for a valid, unused code and marks it used; a second use revokes what the first issued. */
  redeemCode(code: string, clientId: string, redirectUri: string, nowMs: number): { ok: true; grant: Grant } | { ok: false; description: string } {
    const found = this.codes.get(code);
    if (!found || found.clientId !== clientId) return { ok: false, description: 'The authorization code is invalid.' };
    if (found.used) {
      this.revokedFamilies.add(found.familyId);
      return { ok: false, description: 'The authorization code has already been used.' };
    }
    if (found.expiresAtMs <= nowMs) return { ok: false, description: 'The authorization code has expired.' };
    if (found.redirectUri !== redirectUri) return { ok: false, description: 'The redirect URI does not match the one used in the authorization request.' };
    found.used = true;
    return { ok: true, grant: { company: found.company, clientId: found.clientId, scopes: found.scopes, familyId: found.familyId } };
  }

  issueTokens(grant: Grant, ttlSeconds: number, nowMs: number, withRefresh: boolean, keepRefresh?: string): { accessToken: string; refreshToken?: string } {
    this.maybeSweep(nowMs);
    const accessToken = newToken('at');
    this.access.set(accessToken, { ...grant, expiresAtMs: nowMs + ttlSeconds * 1000 });
    if (!withRefresh) return { accessToken };
    if (keepRefresh) return { accessToken, refreshToken: keepRefresh };
    const refreshToken = newToken('rt');
    this.refresh.set(refreshToken, { ...grant, rotated: false });
    return { accessToken, refreshToken };
  }

  useRefresh(token: string, clientId: string, rotation: boolean): { ok: true; grant: Grant } | { ok: false; description: string } {
    const found = this.refresh.get(token);
    if (!found || found.clientId !== clientId || this.revokedFamilies.has(found.familyId)) return { ok: false, description: 'The refresh token is invalid.' };
    if (found.rotated) {
      this.revokedFamilies.add(found.familyId);
      return { ok: false, description: 'The refresh token was already used; all tokens of this grant are revoked.' };
    }
    if (rotation) found.rotated = true;
    return { ok: true, grant: { company: found.company, clientId: found.clientId, scopes: found.scopes, familyId: found.familyId } };
  }

  checkAccess(token: string, nowMs: number): AccessCheck {
    const found = this.access.get(token);
    if (!found || this.revokedFamilies.has(found.familyId)) return { ok: false, reason: 'unknown' };
    if (found.expiresAtMs <= nowMs) return { ok: false, reason: 'expired' };
    return { ok: true, company: found.company, scopes: found.scopes };
  }

  /** Fault: every access token of a company (or all) expires now. */
  expireAccessTokens(company: string | undefined, nowMs: number): number {
    let n = 0;
    for (const t of this.access.values()) {
      if (!company || t.company === company) {
        t.expiresAtMs = Math.min(t.expiresAtMs, nowMs);
        n++;
      }
    }
    return n;
  }

  sizes(): { codes: number; access: number; refresh: number } {
    return { codes: this.codes.size, access: this.access.size, refresh: this.refresh.size };
  }

  /** Every SWEEP_EVERY issues, or when time has moved on by GRACE_MS, drop what can no longer matter. */
  private maybeSweep(nowMs: number): void {
    if (++this.issuedSinceSweep < SWEEP_EVERY && nowMs - this.lastSweepMs < GRACE_MS) return;
    this.issuedSinceSweep = 0;
    this.lastSweepMs = nowMs;
    const cutoff = nowMs - GRACE_MS;
    for (const [k, v] of this.codes) if (v.expiresAtMs <= cutoff) this.codes.delete(k);
    for (const [k, v] of this.access) if (v.expiresAtMs <= cutoff) this.access.delete(k);
  }

  clear(): void {
    this.codes.clear();
    this.access.clear();
    this.refresh.clear();
    this.revokedFamilies.clear();
  }
}
