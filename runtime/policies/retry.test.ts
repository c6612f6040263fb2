import { describe, expect, it } from 'vitest';
import { backoffDelayMs, nextAttempt, parseRetryAfterMs } from './retry.ts';

const now = new Date('2026-11-28T12:00:00Z');
const cap = 3_600_000;

describe('parseRetryAfterMs', () => {
  it.each([
    ['seconds', '5', 5_000],
    ['zero seconds', '0', 0],
    ['IMF-fixdate', 'Sat, 28 Nov 2026 12:00:30 GMT', 30_000],
    ['RFC 850 date', 'Saturday, 28-Nov-26 12:01:00 GMT', 60_000],
    ['asctime date', 'Sat Nov 28 12:00:10 2026', 10_000],
    ['asctime date with a one-digit day', 'Sun Nov  1 12:00:00 2026', 0],
    ['a date in 1990', 'Mon, 01 Jan 1990 00:00:00 GMT', 0],
    ['a huge number of seconds, capped', '999999999', cap],
    ['surrounding spaces', '  7 ', 7_000],
    ['10^12 seconds, clamped', '1000000000000', cap],
  ])('%s', (_name, header, expected) => {
    expect(parseRetryAfterMs(header, now, cap)).toBe(expected);
  });

  it.each([['-1'], ['1e9'], ['soon'], [''], ['1.5'], ['120 seconds'], ['Sat, 28 Nov 2026 12:00:30']])('nonsense %j falls back (undefined)', (header) => {
    expect(parseRetryAfterMs(header, now, cap)).toBeUndefined();
  });

  it('reads the three HTTP-date forms as GMT whatever the local zone (the same instant)', () => {
    const at = new Date('1994-11-06T08:00:00Z');
    const forms = ['Sun, 06 Nov 1994 08:49:37 GMT', 'Sunday, 06-Nov-94 08:49:37 GMT', 'Sun Nov  6 08:49:37 1994'];
    expect(forms.map((f) => parseRetryAfterMs(f, at, cap))).toEqual([2_977_000, 2_977_000, 2_977_000]);
    expect(parseRetryAfterMs('Sun, 06 Nov 1994 08:49:37 EST', at, cap)).toBeUndefined();
  });

  it('absent header is undefined', () => {
    expect(parseRetryAfterMs(undefined, now, cap)).toBeUndefined();
  });
});

describe('backoffDelayMs', () => {
  const policy = { initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 10_000 };
  it('grows exponentially up to the cap (random at its top)', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelayMs(a, policy, top))).toEqual([999, 1999, 3999, 7999, 9999, 9999]);
  });
  it('is full jitter: zero at the bottom of the range', () => {
    expect(backoffDelayMs(4, policy, () => 0)).toBe(0);
  });
});

describe('nextAttempt', () => {
  const policy = { initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 300_000, maxAttempts: 8 };
  const now = new Date('2026-11-28T12:00:00Z');

  it('keeps every sampled delay within full-jitter bounds and never past maxAttempts (DL-3)', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let outOfBounds = 0;
    for (let sample = 0; sample < 10_000; sample += 1) {
      const failures = 1 + (sample % 7);
      const next = nextAttempt(failures, policy, { now, firstAttemptAt: now, random });
      if (!('at' in next)) throw new Error('unexpected exhaustion');
      const delay = next.at.getTime() - now.getTime();
      if (delay < 0 || delay > Math.min(policy.maxIntervalMs, 1000 * 2 ** (failures - 1))) outOfBounds += 1;
    }
    expect(outOfBounds).toBe(0);
    expect(nextAttempt(8, policy, { now, firstAttemptAt: now })).toEqual({ exhausted: true, reason: 'gave up after 8 attempts' });
  });

  it("prefers the remote's Retry-After and respects the deadline", () => {
    expect(nextAttempt(1, policy, { now, firstAttemptAt: now, retryAfterMs: 7000 })).toEqual({ at: new Date(now.getTime() + 7000) });
    const late = nextAttempt(2, { ...policy, deadlineMs: 60_000 }, { now, firstAttemptAt: new Date(now.getTime() - 59_000), retryAfterMs: 5000 });
    expect(late).toEqual({ exhausted: true, reason: 'the retry deadline of 60 s has passed' });
  });
});
