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

  constructor(private readonly ctx: HandlerContext) {}

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
      this.notBefore.set(clientKey, Math.max(told ?? 0, retryAfterInstant(window.untilMs, now, window.retryAfterFormat)));
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
