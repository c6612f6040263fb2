// A simulated clock's starting point for tests whose store stamps some times with the real clock (a
// job enqueued "now" is due at the real now): the next whole hour after the real time, so simulated
// time is never behind it, and round, so schedules and backoff land on readable instants.
export function nextWholeHour(): Date {
  return new Date(Math.ceil((Date.now() + 1) / 3_600_000) * 3_600_000);
}

/** ISO time `ms` after `start`. */
export const isoAfter = (start: Date, ms: number): string => new Date(start.getTime() + ms).toISOString();
