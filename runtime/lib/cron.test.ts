import { describe, expect, it } from 'vitest';
import { lastMatchBetween } from './cron.ts';

describe('lastMatchBetween (catch-up after downtime)', () => {
  it('finds the latest missed tick in the time zone of the trigger', () => {
    const missed = lastMatchBetween('0 2 * * *', 'America/New_York', new Date('2026-11-25T12:00:00Z'), new Date('2026-11-28T12:00:00Z'));
    expect(missed?.toISOString()).toBe('2026-11-28T07:00:00.000Z');
  });

  it('finds nothing when no tick fell in the window', () => {
    expect(lastMatchBetween('0 2 * * *', 'UTC', new Date('2026-11-28T02:30:00Z'), new Date('2026-11-28T12:00:00Z'))).toBeUndefined();
  });

  it('one catch-up for many missed ticks: every 15 minutes over three days gives the last one', () => {
    const missed = lastMatchBetween('*/15 * * * *', 'UTC', new Date('2026-11-25T00:00:00Z'), new Date('2026-11-28T12:07:30Z'));
    expect(missed?.toISOString()).toBe('2026-11-28T12:00:00.000Z');
  });

  it('DST: a time skipped by spring-forward has no tick; a repeated fall-back time yields its later instant', () => {
    expect(lastMatchBetween('30 2 * * *', 'America/New_York', new Date('2026-03-07T12:00:00Z'), new Date('2026-03-08T12:00:00Z'))).toBeUndefined();
    const fallBack = lastMatchBetween('30 1 * * *', 'America/New_York', new Date('2026-11-01T00:00:00Z'), new Date('2026-11-01T12:00:00Z'));
    expect(fallBack?.toISOString()).toBe('2026-11-01T06:30:00.000Z');
  });
});
