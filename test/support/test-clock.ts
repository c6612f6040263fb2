// A simulated clock's starting point for tests whose store stamps some times with the real clock (a
// job enqueued "now" is due at the real now): a whole hour at least an hour after the real time, so
// simulated time stays ahead of it for the whole test, and round, so schedules and backoff land on
// readable instants.
export function nextWholeHour(): Date {
  return new Date(Math.ceil((Date.now() + 3_600_000) / 3_600_000) * 3_600_000);
}

/** ISO time `ms` after `start`. */
export const isoAfter = (start: Date, ms: number): string => new Date(start.getTime() + ms).toISOString();
