import { describe, expect, it } from 'vitest';
import { checkSchedule, checkTimeZone } from './cron-schedule.ts';

describe('checkSchedule', () => {
  it.each(['*/15 * * * *', '0 2 * * 0', '0 2 * * 7', '@hourly', '@daily', '@weekly', '@monthly', '@yearly', '0 0 * * MON-FRI', '0 0 1 JAN *', '*/30 * * * * *', '0 0 29 2 *'])('accepts %s', (schedule) => {
    expect(checkSchedule(schedule)).toEqual([]);
  });

  it.each([
    ['*/15 * * *', 0, /4 fields/],
    ['0 25 * * *', 2, /hour 25 is out of range \(0-23\)/],
    ['60 * * * *', 0, /minute 60/],
    ['1-60/5 * * * *', 2, /minute 60 is out of range/],
    ['*/0 * * * *', 2, /step of 0/],
    ['*/75 * * * *', 2, /step 75 is larger/],
    ['0 2 * * 8', 8, /day of week 8/],
    ['0 0 * 13 *', 6, /month 13/],
    ['every 15 minutes', 0, /not a cron expression/],
    ['H/15 * * * *', 0, /Jenkins/],
    ['@reboot', 0, /not a schedule shorthand/],
    ['@hourlly', 0, /did you mean '@hourly'/],
    ['0 2 31 2 *', 4, /day 31 never comes in February/],
    ['0 0 31 4,6 *', 4, /never comes in April, June/],
    ['1,,2 * * * *', 0, /'1,,2' is not a valid minute/],
  ])('refuses %s at offset %i', (schedule, offset, message) => {
    const [problem, ...rest] = checkSchedule(schedule);
    expect(rest).toEqual([]);
    expect(problem?.offset).toBe(offset);
    expect(problem?.message).toMatch(message);
  });
});

describe('checkTimeZone', () => {
  it.each(['UTC', 'America/New_York', 'Europe/Berlin', 'US/Eastern'])('accepts %s', (zone) => {
    expect(checkTimeZone(zone)).toBeUndefined();
  });

  it.each([
    ['Mars/Olympus', undefined],
    ['US/Eastrn', 'US/Eastern'],
    ['Europe/Berln', 'Europe/Berlin'],
  ])('refuses %s', (zone, suggestion) => {
    const problem = checkTimeZone(zone);
    expect(problem?.message).toContain(`'${zone}' is not an IANA time zone`);
    if (suggestion) expect(problem?.message).toContain(`did you mean '${suggestion}'`);
    else expect(problem?.message).not.toContain('did you mean');
  });
});
