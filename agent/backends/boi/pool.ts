// A small pool of Sage sessions per company. Each session takes a Sage user licence, so the pool is
// small, sessions idle out, a session whose COM connection broke is thrown away and rebuilt, and
// `drain` releases them all so an administrator can get exclusive use of the data files.
//
// COM calls through winax are synchronous, so one request holds a session for its whole (blocking)
// run and in-process requests never contend; the pool bounds licences and isolates failures.
import { AgentError } from '../../errors.ts';
import { sessionLost } from './classify.ts';
import type { ComRuntime } from './com.ts';
import { BoiSession, type SessionConfig } from './session.ts';

export interface PoolOptions {
  maxSessions: number;
  idleMs: number;
}

export class SessionPool {
  private readonly idle = new Map<string, BoiSession[]>();
  private busy = 0;
  private draining = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly com: ComRuntime, private readonly config: SessionConfig, private readonly options: PoolOptions) {
    this.timer = setInterval(() => this.closeIdle(), Math.max(1000, Math.min(options.idleMs, 30_000)));
    this.timer.unref();
  }

  get isDraining(): boolean {
    return this.draining;
  }

  counts(): { open: number; busy: number } {
    let open = this.busy;
    for (const list of this.idle.values()) open += list.length;
    return { open, busy: this.busy };
  }

  /**
   * Runs `work` on a session of `company`. A thrown COM error discards the session and becomes
   * `session_lost`; a read (`retryOnce`) is tried once more on a fresh session first.
   */
  run<T>(company: string, work: (session: BoiSession) => T, retryOnce = false): T {
    if (this.draining) throw new AgentError('draining', 'the agent is drained for Sage 100 maintenance; retry later', { retryAfterSeconds: 30 });
    const attempts = retryOnce ? 2 : 1;
    for (let attempt = 1; ; attempt++) {
      const session = this.acquire(company);
      try {
        const result = work(session);
        this.release(session);
        return result;
      } catch (error) {
        if (error instanceof AgentError) {
          this.release(session);
          throw error;
        }
        this.discard(session);
        if (attempt >= attempts) throw sessionLost(error, 'business object call');
      }
    }
  }

  private acquire(company: string): BoiSession {
    const list = this.idle.get(company) ?? [];
    const reused = list.pop();
    if (reused) {
      this.busy++;
      return reused;
    }
    if (this.counts().open >= this.options.maxSessions) this.closeOldestIdle();
    let session: BoiSession;
    try {
      session = BoiSession.open(this.com, company, this.config);
    } catch (error) {
      if (error instanceof AgentError) throw error;
      throw sessionLost(error, 'opening a session');
    }
    this.busy++;
    return session;
  }

  private release(session: BoiSession): void {
    this.busy--;
    session.lastUsedMs = Date.now();
    const list = this.idle.get(session.company) ?? [];
    list.push(session);
    this.idle.set(session.company, list);
  }

  private discard(session: BoiSession): void {
    this.busy--;
    session.close();
  }

  private closeOldestIdle(): void {
    let oldest: { company: string; index: number; at: number } | undefined;
    for (const [company, list] of this.idle) {
      list.forEach((s, index) => {
        if (!oldest || s.lastUsedMs < oldest.at) oldest = { company, index, at: s.lastUsedMs };
      });
    }
    if (oldest) this.idle.get(oldest.company)?.splice(oldest.index, 1)[0]?.close();
  }

  private closeIdle(now = Date.now()): void {
    for (const [company, list] of this.idle) {
      const keep = list.filter((s) => now - s.lastUsedMs < this.options.idleMs);
      for (const s of list) if (!keep.includes(s)) s.close();
      this.idle.set(company, keep);
    }
  }

  /** Refuses new work and closes every session (work in flight finishes first: it is synchronous). */
  drain(): void {
    this.draining = true;
    this.closeIdle(Infinity);
  }

  resume(): void {
    this.draining = false;
  }

  close(): void {
    clearInterval(this.timer);
    this.closeIdle(Infinity);
  }
}
