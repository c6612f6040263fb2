// Run-time faults on API requests: added latency, throttle windows (503 legacy or 429, Retry-After
// as seconds or any HTTP-date form), seeded random 5xx. It also remembers what each client was told
// so the request log can flag a client that came back before its Retry-After had passed.
import type { HandlerContext } from './context.ts';
import { errorReply, type Reply } from './http.ts';
import { formatRetryAfter, retryAfterInstant, type RetryAfterFormat } from './time.ts';
import type { ThrottleWindow } from './options.ts';

export interface FaultVerdict {
  reply?: Reply;
  throttled: boolean;
  /** The client had been told to wait until later than now. */
  earlyRetry: boolean;
  fault?: string;
  /** Close the connection without answering. */
  drop?: boolean;
}

export class Faults {
  private readonly notBefore = new Map<string, number>();

  /** `maxClients` bounds what is remembered: keys are raw Authorization headers, chosen by callers. */
  constructor(
    private readonly ctx: HandlerContext,
    private readonly maxClients = 10_000,
  ) {}

  trackedClients(): number {
    return this.notBefore.size;
  }

  private remember(clientKey: string, instant: number, now: number): void {
    this.notBefore.delete(clientKey);
    this.notBefore.set(clientKey, instant);
    if (this.notBefore.size <= this.maxClients) return;
    // Instants already passed carry no information; after that, forget the least recently told.
    for (const [k, v] of this.notBefore) if (v <= now) this.notBefore.delete(k);
    while (this.notBefore.size > this.maxClients) this.notBefore.delete(this.notBefore.keys().next().value!);
  }

  startThrottle(status: 429 | 503, seconds: number, retryAfterFormat: RetryAfterFormat): ThrottleWindow {
    const window: ThrottleWindow = { status, untilMs: this.ctx.nowMs() + seconds * 1000, retryAfterFormat };
    this.ctx.settings.throttle = window;
    return window;
  }

  /** `clientKey` identifies a caller (its credentials, else its address). */
  check(clientKey: string): FaultVerdict {
    const now = this.ctx.nowMs();
    const s = this.ctx.settings;
    const told = this.notBefore.get(clientKey);
    const earlyRetry = told !== undefined && now < told;
    if (told !== undefined && !earlyRetry) this.notBefore.delete(clientKey);
    const window = s.throttle;
    if (window && now < window.untilMs) {
      const retryAfter = formatRetryAfter(window.untilMs, now, window.retryAfterFormat);
      this.remember(clientKey, Math.max(told ?? 0, retryAfterInstant(window.untilMs, now, window.retryAfterFormat)), now);
      const message = window.status === 429 ? 'Too Many Requests' : 'Service Unavailable: request throttled';
      return { reply: errorReply(s, window.status, message, { 'retry-after': retryAfter }), throttled: true, earlyRetry, fault: `throttle-${window.status}` };
    }
    if (window && now >= window.untilMs) s.throttle = null;
    if (s.dropConnectionRate > 0 && this.ctx.faultPrng.chance(s.dropConnectionRate)) {
      return { throttled: false, earlyRetry, fault: 'dropped-connection', drop: true };
    }
    if (s.errorRate > 0 && this.ctx.faultPrng.chance(s.errorRate)) {
      const status = this.ctx.faultPrng.pick(s.errorStatuses.length > 0 ? s.errorStatuses : [500]);
      return { reply: errorReply(s, status, 'Internal error (injected fault)'), throttled: false, earlyRetry, fault: `random-${status}` };
    }
    return { throttled: false, earlyRetry };
  }

  clear(): void {
    this.notBefore.clear();
  }
}
