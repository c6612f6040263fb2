// Cron triggers of `serve`: each tick becomes one job, deduplicated by pipeline, trigger and scheduled
// minute (so replicas firing the same tick make one job); the last tick is remembered, and a tick
// missed while the service was down runs once at start, not once per missed tick.
import type { CronTrigger } from '../load/pipeline.types.generated.ts';
import { lastMatchBetween, scheduleCron, type CronSchedule } from '../lib/cron.ts';
import type { Logger } from '../lib/log.ts';
import type { Store } from '../store/store.ts';

export interface CronPipeline {
  name: string;
  triggers: readonly CronTrigger[];
}

const minute = (date: Date): string => new Date(Math.floor(date.getTime() / 60_000) * 60_000).toISOString();

export async function enqueueTick(store: Store, pipeline: string, index: number, trigger: CronTrigger, scheduledAt: Date): Promise<boolean> {
  const kind = trigger.mode === 'full' ? 'full' : 'changed';
  const { created } = await store.jobs.enqueue({ pipeline, kind }, { dedupeKey: `${pipeline}#cron${index}@${minute(scheduledAt)}` });
  await store.state.set(`serve/${pipeline}`, `cron${index}:last`, scheduledAt.toISOString());
  return created;
}

export async function startCronTriggers(
  pipelines: readonly CronPipeline[],
  options: { store: Store; logger: Logger; clock?: () => Date; onEnqueued(): void },
): Promise<{ stop(): Promise<void> }> {
  const clock = options.clock ?? (() => new Date());
  const schedules: CronSchedule[] = [];
  for (const pipeline of pipelines) {
    for (const [index, trigger] of pipeline.triggers.entries()) {
      const last = await options.store.state.get(`serve/${pipeline.name}`, `cron${index}:last`);
      const now = clock();
      if (typeof last === 'string') {
        const missed = lastMatchBetween(trigger.schedule, trigger.timezone, new Date(last), now);
        if (missed && (await enqueueTick(options.store, pipeline.name, index, trigger, missed))) {
          options.logger.info({ pipeline: pipeline.name, schedule: trigger.schedule, missed: missed.toISOString() }, 'running a tick missed while stopped');
          options.onEnqueued();
        }
      } else {
        await options.store.state.set(`serve/${pipeline.name}`, `cron${index}:last`, now.toISOString());
      }
      schedules.push(
        scheduleCron(trigger.schedule, {
          name: `${pipeline.name}#cron${index}`,
          ...(trigger.timezone ? { timezone: trigger.timezone } : {}),
          onTick: async (scheduledAt) => {
            try {
              if (await enqueueTick(options.store, pipeline.name, index, trigger, scheduledAt)) options.onEnqueued();
            } catch (error) {
              options.logger.error({ pipeline: pipeline.name, err: error }, 'cron tick could not be queued (store unavailable?)');
            }
          },
        }),
      );
    }
  }
  return { stop: async () => void (await Promise.all(schedules.map((s) => s.stop()))) };
}
