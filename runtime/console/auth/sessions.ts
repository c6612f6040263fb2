// Console sessions: a random id in an HttpOnly, SameSite=Strict cookie, a role, an expiry, and a CSRF
// token the page must echo on every POST. Held in memory: a restart logs everyone out, which is the
// safe direction. Only the cookie and the CSRF token reach the browser, never a credential.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../api/types.ts';

export const SESSION_COOKIE = 'mlc_console';
const MAX_SESSIONS = 1000;

export interface Session {
  id: string;
  role: Role;
  csrf: string;
  expiresAt: number;
  loopback: boolean;
}

export interface SessionStore {
  create(role: Role, loopback: boolean): Session;
  /** The live session a cookie header names; expired ones are dropped. */
  find(cookieHeader: string | undefined): Session | undefined;
  end(id: string): void;
  cookie(session: Session, secure: boolean): string;
  clearCookie(): string;
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

export function createSessionStore(ttlMs: number, clock: () => number = Date.now): SessionStore {
  const sessions = new Map<string, Session>();
  return {
    create(role, loopback) {
      if (sessions.size >= MAX_SESSIONS) {
        const oldest = [...sessions.values()].sort((a, b) => a.expiresAt - b.expiresAt)[0];
        if (oldest) sessions.delete(oldest.id);
      }
      const session = { id: randomBytes(32).toString('base64url'), role, csrf: randomBytes(32).toString('base64url'), expiresAt: clock() + ttlMs, loopback };
      sessions.set(session.id, session);
      return session;
    },
    find(cookieHeader) {
      const id = cookieValue(cookieHeader, SESSION_COOKIE);
      if (!id) return undefined;
      const session = sessions.get(id);
      if (!session) return undefined;
      if (session.expiresAt <= clock()) {
        sessions.delete(id);
        return undefined;
      }
      return session;
    },
    end(id) {
      sessions.delete(id);
    },
    cookie(session, secure) {
      const maxAge = Math.max(0, Math.floor((session.expiresAt - clock()) / 1000));
      return `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
    },
    clearCookie: () => `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`,
  };
}
