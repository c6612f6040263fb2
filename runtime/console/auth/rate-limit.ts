// Login attempts per client address: a fixed window with a small budget, so guessing a token or a
// password costs hours. The clock is injected so tests count attempts instead of waiting.
export interface RateLimiter {
  /** True when one more attempt is allowed (and counts it). */
  allow(client: string): boolean;
  /** Seconds until the client may try again. */
  retryAfterSeconds(client: string): number;
}

export function createRateLimiter(limit: number, windowMs: number, clock: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  function current(client: string): { start: number; count: number } {
    const now = clock();
    let w = windows.get(client);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, count: 0 };
      windows.set(client, w);
      if (windows.size > 10_000) for (const [k, v] of windows) if (now - v.start >= windowMs) windows.delete(k);
    }
    return w;
  }
  return {
    allow(client) {
      const w = current(client);
      if (w.count >= limit) return false;
      w.count++;
      return true;
    },
    retryAfterSeconds(client) {
      const w = current(client);
      return Math.max(1, Math.ceil((w.start + windowMs - clock()) / 1000));
    },
  };
}
