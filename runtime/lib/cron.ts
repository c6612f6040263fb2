// The one module that wraps node-cron. `validate` asks it whether a schedule can be scheduled at all
// (node-cron's own parser, so what passes here is exactly what the engine can start); the engine
// creates its tasks here too (≥ 4.3: earlier versions could spin or stop around DST changes).
import nodeCron, { createTask, type ScheduledTask } from 'node-cron';

export interface CronRefusal {
  /** node-cron's field name: expression, second, minute, hour, dayOfMonth, month, dayOfWeek. */
  field: string;
  value?: string;
  message: string;
}

/** Why node-cron would refuse this schedule; empty when it would schedule it. */
export function cronRefusals(expression: string): CronRefusal[] {
  const result = nodeCron.validateDetailed(expression);
  return result.valid ? [] : result.errors.map((e) => ({ field: e.field, ...(e.value !== undefined ? { value: e.value } : {}), message: e.message }));
}

/** The `@name` shorthands node-cron accepts, for messages. */
export const CRON_SHORTHANDS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'] as const;

export interface CronSchedule {
  stop(): Promise<void>;
  nextRun(): Date | null;
}

/**
 * Runs `onTick` at each match of the pattern in the time zone. A tick that comes while the previous
 * one is still running is skipped (noOverlap); the work it stands for is done by the running one.
 */
export function scheduleCron(pattern: string, options: { timezone?: string; name: string; onTick(scheduledAt: Date): Promise<void> }): CronSchedule {
  const task: ScheduledTask = createTask(pattern, (context) => options.onTick(context.date), {
    name: options.name,
    noOverlap: true,
    suppressMissedWarning: true,
    ...(options.timezone ? { timezone: options.timezone } : {}),
  });
  void task.start();
  return {
    stop: async () => {
      await task.destroy();
    },
    nextRun: () => task.getNextRun(),
  };
}

const MINUTE = 60_000;
/** A catch-up looks back at most this far (a container down for longer catches up once all the same). */
const LOOKBACK_MINUTES = 60 * 24 * 62;

/**
 * The latest minute in (after, until] at which the pattern fires, or undefined: used at start-up so a
 * tick missed during downtime runs once, not once per missed tick.
 */
export function lastMatchBetween(pattern: string, timezone: string | undefined, after: Date, until: Date): Date | undefined {
  const task = createTask(pattern, () => undefined, timezone ? { timezone } : {});
  try {
    const floor = Math.max(after.getTime(), until.getTime() - LOOKBACK_MINUTES * MINUTE);
    for (let at = Math.floor(until.getTime() / MINUTE) * MINUTE; at > floor; at -= MINUTE) {
      const candidate = new Date(at);
      if (task.match(candidate)) return candidate;
    }
    return undefined;
  } finally {
    void task.destroy();
  }
}
