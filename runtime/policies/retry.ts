// Pure retry arithmetic shared by the HTTP client and the engine's scheduled retries: the delay before
// the next attempt from the policy (Temporal-style: initial interval, coefficient, cap, full jitter) and
// a remote's Retry-After, which always wins over the policy when it is sane.

export interface BackoffPolicy {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maxIntervalMs: number;
}

/**
 * Full jitter: a uniform delay in [0, min(cap, initial × coefficient^(attempt-1))], so clients that
 * failed together do not retry together. `attempt` counts failures so far, from 1.
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(policy.maxIntervalMs, policy.initialIntervalMs * policy.backoffCoefficient ** exponent);
  return Math.floor(random() * Math.max(0, ceiling));
}

// RFC 9110 §10.2.3: delay-seconds or an HTTP-date in any of its three forms. Date.parse alone would
// take "120" for a year and "1e9" for nothing sensible, so each form is matched before parsing.
const DELAY_SECONDS = /^\d+$/;
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC_850 = /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\d{2}) (\d{2}:\d{2}:\d{2}) GMT$/;
const ASCTIME = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ( \d|\d{2}) (\d{2}:\d{2}:\d{2}) (\d{4})$/;

function httpDateMs(value: string, now: Date): number | undefined {
  if (IMF_FIXDATE.test(value)) return Date.parse(value);
  const rfc850 = RFC_850.exec(value);
  if (rfc850) {
    // Two-digit years: RFC 9110 says a year more than 50 years ahead is in the past century.
    const [, , day, month, yy, time] = rfc850;
    let year = Math.floor(now.getUTCFullYear() / 100) * 100 + Number(yy);
    if (year > now.getUTCFullYear() + 50) year -= 100;
    return Date.parse(`${day} ${month} ${year} ${time} GMT`);
  }
  const asctime = ASCTIME.exec(value);
  if (asctime) {
    const [, , month, day, time, year] = asctime;
    return Date.parse(`${(day ?? '').trim()} ${month} ${year} ${time} GMT`);
  }
  return undefined;
}

/**
 * Milliseconds to wait according to a Retry-After header, or undefined when it is absent or nonsense
 * (the caller then falls back to its backoff). A date in the past means "now" (0); anything above
 * `capMs` is capped, so a hostile or broken server cannot park a client for a year.
 */
export function parseRetryAfterMs(header: string | undefined, now: Date, capMs: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  let ms: number | undefined;
  if (DELAY_SECONDS.test(value)) ms = Number(value) * 1000;
  else {
    const at = httpDateMs(value, now);
    if (at === undefined || Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now.getTime());
  }
  return Math.min(ms, capMs);
}

export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Optional: no attempt starts later than this long after the first one. */
  deadlineMs?: number;
}

export type NextAttempt = { at: Date } | { exhausted: true; reason: string };

/**
 * When the next attempt of a failed change or job may start, after `failures` failed attempts: the
 * remote's Retry-After when it gave one, otherwise full-jitter backoff; or exhausted, when the policy's
 * attempts or deadline are used up (the caller then quarantines with the cause — nothing is dropped).
 */
export function nextAttempt(
  failures: number,
  policy: RetryPolicy,
  options: { now: Date; firstAttemptAt: Date; retryAfterMs?: number; random?: () => number },
): NextAttempt {
  if (failures >= policy.maxAttempts) return { exhausted: true, reason: `gave up after ${failures} attempt${failures === 1 ? '' : 's'}` };
  const delay = options.retryAfterMs ?? backoffDelayMs(failures, policy, options.random);
  const at = new Date(options.now.getTime() + delay);
  if (policy.deadlineMs !== undefined && at.getTime() - options.firstAttemptAt.getTime() > policy.deadlineMs) {
    return { exhausted: true, reason: `the retry deadline of ${Math.round(policy.deadlineMs / 1000)} s has passed` };
  }
  return { at };
}
