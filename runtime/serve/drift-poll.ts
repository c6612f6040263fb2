// Drift polling of `serve`, per pipeline: on `policies.driftSchedule` (UTC) the sink's actual state is
// compared with the desired state (drift-check.ts). `report` records each difference (audit, log,
// metric, /readyz counter) and leaves the sink alone; `repair` does the same and queues a full batch,
// which applies the desired state back; `ignore` schedules nothing.
import { randomUUID } from 'node:crypto';
import type { OpenedPipeline } from '../engine/open-pipeline.ts';
import { scheduleCron, type CronSchedule } from '../lib/cron.ts';
import type { Logger } from '../lib/log.ts';
import type { ServiceMetrics } from '../lib/metrics.ts';
import type { Store } from '../store/store.ts';
import { checkDrift, type DriftReport } from './drift-check.ts';

export interface DriftStatus {
  lastCheckAt?: string;
  /** Items that differed at the last check, plus the sink's own findings. */
  drifted: number;
  /** Full batches queued to put the desired state back (repair). */
  repairsQueued: number;
  lastError?: string;
}

export interface DriftPoller {
  /** Runs one check now (the schedule calls this); undefined when the pipeline ignores drift or is gone. */
  check(pipeline: string): Promise<DriftReport | undefined>;
  status(): ReadonlyMap<string, DriftStatus>;
  /** After a reload: schedules follow the pipelines now served (a changed driftSchedule or policy). */
  reschedule(names: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

export interface DriftPollOptions {
  store: Store;
  logger: Logger;
  metrics?: ServiceMetrics;
  clock?: () => Date;
  signal?: AbortSignal;
  onEnqueued(): void;
  /** Tests drive check() themselves. */
  schedule?: boolean;
  /**
   * The worker's between-batches gate. A check made while a batch of the pipeline is being applied would
   * see the batch's writes in the sink before its commit moves the desired state, and report them as
   * drift; run inside the gate it sees both or neither. (Across replicas the job lease serialises
   * batches, not checks: another replica's batch in flight can still look like drift once.)
   */
  between?<T>(fn: () => Promise<T>): Promise<T>;
}

const MAX_LOGGED_ITEMS = 20;

/** `pipelines` is looked up on every check, so a reloaded pipeline is checked by its new version. */
export function startDriftPolling(names: readonly string[], pipelines: (name: string) => OpenedPipeline | undefined, options: DriftPollOptions): DriftPoller {
  const clock = options.clock ?? (() => new Date());
  const signal = options.signal ?? new AbortController().signal;
  const statuses = new Map<string, DriftStatus>();
  const running = new Set<string>();

  async function check(name: string): Promise<DriftReport | undefined> {
    const opened = pipelines(name);
    if (!opened || opened.compiled.policies.drift === 'ignore' || running.has(name)) return undefined;
    running.add(name);
    const previous = statuses.get(name) ?? { drifted: 0, repairsQueued: 0 };
    try {
      let now = clock();
      // Looked up again inside the gate: a reload may have swapped the pipeline while the check waited.
      const run = () => {
        now = clock();
        return checkDrift(pipelines(name) ?? opened, options.store, { now, runId: `drift-${randomUUID().slice(0, 8)}`, signal });
      };
      const report = await (options.between ? options.between(run) : run());
      const drifted = report.items.length + report.findings.length;
      options.metrics?.driftItems.set({ pipeline: name }, drifted);
      let repairsQueued = previous.repairsQueued;
      if (drifted > 0) {
        const items = report.items.slice(0, MAX_LOGGED_ITEMS).map((i) => `${i.entity}/${i.key}`);
        options.logger.warn({ pipeline: name, drifted, items, findings: report.findings.map((f) => `${f.kind} ${f.entity}${f.key ? `/${f.key}` : ''}`), policy: opened.compiled.policies.drift }, 'the sink was changed by hand');
        if (opened.compiled.policies.drift === 'repair' && report.items.length > 0) {
          const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
          const { created } = await options.store.jobs.enqueue({ pipeline: name, kind: 'full' }, { dedupeKey: `${name}#drift-repair@${minute}` });
          if (created) {
            repairsQueued += 1;
            options.onEnqueued();
          }
        }
      }
      statuses.set(name, { lastCheckAt: report.checkedAt, drifted, repairsQueued });
      return report;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      statuses.set(name, { ...previous, lastError: message });
      options.logger.error({ pipeline: name, err: error }, `drift check failed: ${message}`);
      return undefined;
    } finally {
      running.delete(name);
    }
  }

  let schedules: CronSchedule[] = [];
  const schedule = (current: readonly string[]): void => {
    for (const name of current) {
      const opened = pipelines(name);
      if (!opened || opened.compiled.policies.drift === 'ignore') continue;
      schedules.push(scheduleCron(opened.compiled.policies.driftSchedule, { name: `${name}#drift`, timezone: 'UTC', onTick: async () => void (await check(name)) }));
    }
  };
  const unschedule = async (): Promise<void> => {
    const stopping = schedules;
    schedules = [];
    await Promise.all(stopping.map((s) => s.stop()));
  };
  if (options.schedule !== false) schedule(names);
  return {
    check,
    status: () => statuses,
    async reschedule(current) {
      await unschedule();
      if (options.schedule !== false) schedule(current);
      for (const name of statuses.keys()) if (!current.includes(name)) statuses.delete(name);
    },
    stop: unschedule,
  };
}
