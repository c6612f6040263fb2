// The one module that wraps node-cron. `validate` asks it whether a schedule can be scheduled at all
// (node-cron's own parser, so what passes here is exactly what the engine can start); the engine
// will create its tasks here too.
import nodeCron from 'node-cron';

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
