// The worker of `serve`: claims one job at a time (leased), runs it as one batch through the engine
// and settles it. Keyed jobs of one pipeline that are due together are coalesced into one read, so a
// burst of webhooks for the same employee costs one GET. Failures steer by class: transient → the job
// comes back when the retry policy and any Retry-After say; after the last attempt the records it
// named are quarantined with the cause (never dropped); config → the pipeline is marked failing and
// the job waits for the longest interval (a reload that fixes it runs it sooner).
import { randomUUID } from 'node:crypto';
import type { OpenedPipeline } from '../engine/open-pipeline.ts';
import { type BatchPhase, runBatch, type RunMode } from '../engine/run-batch.ts';
import type { ReadAhead } from './read-ahead.ts';
import type { RunSummary } from '../engine/run-summary.ts';
import { isMlcError } from '../errors.ts';
import type { Logger } from '../lib/log.ts';
import type { ServiceMetrics } from '../lib/metrics.ts';
import { backoffDelayMs, nextAttempt } from '../policies/retry.ts';
import { fencedStore, fenceOf, keepLease } from '../store/lease-keeper.ts';
import { emptyBatch, type Job, type Store } from '../store/store.ts';
import { replayAfterRecovery } from './recovery-replay.ts';

export type PipelineHealth = 'ok' | 'degraded' | 'failing';

export interface PipelineStatus {
  state: PipelineHealth;
  lastRunAt?: string;
  lastSuccessAt?: string;
  lastError?: string;
  lastSummary?: Pick<RunSummary, 'read' | 'pending' | 'drift'> & { quarantined: number };
}

/** A batch this process finished: the console's runs page shows its duration (audit events carry one time per batch). */
export interface FinishedRun {
  runId: string;
  kind: Job['kind'];
  startedAt: string;
  endedAt: string;
  read: number;
  quarantined: number;
  pending: number;
}

const KEPT_RUNS = 50;

export interface WorkerOptions {
  store: Store;
  /** Looked up per job, so a reload swaps a pipeline between jobs. */
  pipeline(name: string): OpenedPipeline | undefined;
  logger: Logger;
  metrics?: ServiceMetrics;
  clock?: () => Date;
  random?: () => number;
  /** The in-batch wait between a change's attempts (tests pass a simulated one). */
  sleep?: (ms: number) => Promise<void>;
  leaseMs?: number;
  /** How often an idle worker looks for due jobs (wake() cuts the wait short). */
  pollMs?: number;
  /** Reads webhooks started ahead of their jobs (embedded store: this process runs every job). */
  readAhead?: ReadAhead;
}

export interface Worker {
  /** Claims and runs one due job; false when none was due. */
  step(): Promise<boolean>;
  start(): void;
  wake(): void;
  /** Stops taking jobs; waits for the running one up to the deadline, then aborts it (its lease runs out and it is run again). */
  stop(deadlineMs: number): Promise<void>;
  status(): ReadonlyMap<string, PipelineStatus>;
  /** The last batches this process finished for a pipeline, oldest first (in memory, at most 50). */
  recentRuns(pipeline: string): readonly FinishedRun[];
  /** Runs fn between batches, never during one (a reload swaps pipelines, a drift check reads the sink). */
  between<T>(fn: () => Promise<T>): Promise<T>;
}

const IN_BATCH_ATTEMPTS = 3;

const quarantinedCount = (summary: RunSummary): number => Object.values(summary.quarantined).reduce((a, b) => a + b, 0);

export function createWorker(options: WorkerOptions): Worker {
  const clock = options.clock ?? (() => new Date());
  const workerId = `worker-${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const pollMs = options.pollMs ?? 1_000;
  const statuses = new Map<string, PipelineStatus>();
  const finished = new Map<string, FinishedRun[]>();
  const controller = new AbortController();
  let stopping = false;
  let running: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  // One chain for batches and between-batch work: each waits for the one before it.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  const setStatus = (pipeline: string, patch: Partial<PipelineStatus>): void => {
    statuses.set(pipeline, { state: 'ok', ...statuses.get(pipeline), ...patch });
  };

  /**
   * The job and the other jobs of its pipeline and kind that it stands for, as one read: due keyed jobs
   * merge their keys; every queued changed-since (or full) job is the same read, due or waiting, so
   * cron ticks that pile up during an outage retry as one job and retry traffic stays bounded.
   */
  function coalesce(job: Job, queued: readonly Job[]): { jobs: Job[]; keys: string[] } {
    if (job.kind === 'replay') return { jobs: [job], keys: job.keys ?? [] };
    const now = clock().getTime();
    // A full read covers a changed-since one (both move the checkpoint): due cron ticks join a full job
    // instead of making a second read of a source that may be throttling.
    const joins = (j: Job): boolean => j.kind === job.kind || (job.kind === 'full' && j.kind === 'changed' && Date.parse(j.notBefore) <= now);
    const others = queued.filter((j) => j.id !== job.id && joins(j) && (job.kind !== 'keys' || Date.parse(j.notBefore) <= now));
    const jobs = [job, ...others];
    return { jobs, keys: [...new Set(jobs.flatMap((j) => j.keys ?? []))] };
  }

  /**
   * Changes the sink left pending come back through one changed-since job. Its delay grows with the
   * number of batches in a row that ended with pending changes (kept in the store, so a restart does not
   * reset it) up to maxIntervalMs, and a Retry-After longer than that wins: while a sink is down for
   * hours, about one batch per maxIntervalMs tries it, and pending changes wait (never dropped).
   */
  async function schedulePendingRetry(opened: OpenedPipeline): Promise<void> {
    const name = opened.compiled.name;
    const pending = await options.store.pending.list(name);
    const streak = Number((await options.store.state.get(`serve/${name}`, 'pendingStreak')) ?? 0);
    if (pending.length === 0) {
      if (streak !== 0) await options.store.state.set(`serve/${name}`, 'pendingStreak', 0);
      return;
    }
    await options.store.state.set(`serve/${name}`, 'pendingStreak', streak + 1);
    const policy = opened.compiled.policies.retry;
    const retryAfter = Math.max(0, ...pending.map((p) => p.retryAfterMs ?? 0));
    const delay = Math.max(1_000, retryAfter, backoffDelayMs(streak + 1, policy, options.random));
    const at = new Date(clock().getTime() + delay);
    // One queued retry per pipeline, however many pending changes wait: a changed-since batch
    // recomputes the desired state, where every pending change shows up again. (A dedupe key per
    // minute would swallow a second retry due in the same minute as the first.)
    if ((await options.store.jobs.list(name)).some((j) => j.kind === 'changed')) return;
    await options.store.jobs.enqueue({ pipeline: name, kind: 'changed' }, { notBefore: at });
    options.metrics?.retries.inc({ pipeline: name });
  }

  /** In a batch a change is tried a few times (a blip); a longer outage is left to scheduled retries, so the worker is never held. */
  const inBatchPolicy = (opened: OpenedPipeline): OpenedPipeline['compiled'] => {
    const { compiled } = opened;
    const retry = compiled.policies.retry;
    return retry.maxAttempts <= IN_BATCH_ATTEMPTS ? compiled : { ...compiled, policies: { ...compiled.policies, retry: { ...retry, maxAttempts: IN_BATCH_ATTEMPTS } } };
  };

  /**
   * Puts off a job claimed while its pipeline's source is being waited out (it answered a throttle's
   * Retry-After, or failed and is backed off): it waits with the job that failed, to be coalesced with
   * it then, instead of calling the source early. As a fresh job: it has not been tried.
   */
  async function putOff(job: Job, until: number): Promise<void> {
    await options.store.jobs.enqueue({ pipeline: job.pipeline, kind: job.kind, ...(job.keys ? { keys: job.keys } : {}) }, { notBefore: new Date(until) });
    await options.store.jobs.complete(job.id, job.fence);
    options.logger.debug({ pipeline: job.pipeline, jobId: job.id, until: new Date(until).toISOString() }, 'job put off: the source is being waited out');
  }

  /** `fromSource`: the batch failed before its source read was done (a throttle or an outage of the source, not the sink). */
  async function settleFailure(claimed: Job, coalesced: Job[], opened: OpenedPipeline, error: unknown, fromSource: boolean): Promise<void> {
    // Changed-since and full jobs are all the same read: the one furthest into its backoff waits for the
    // next attempt (a fresh cron tick must not reset the backoff), the others are done. A full job stays
    // full (the changed-since ticks it took in are covered by it).
    let job = claimed;
    let related = coalesced;
    if (claimed.kind === 'changed' || claimed.kind === 'full') {
      job = coalesced.filter((j) => j.kind === claimed.kind).reduce((a, b) => (b.attempts > a.attempts ? b : a), claimed);
      for (const j of coalesced) if (j.id !== job.id) await options.store.jobs.complete(j.id);
      related = [job];
    }
    const message = error instanceof Error ? error.message : String(error);
    const now = clock();
    const policy = opened.compiled.policies.retry;
    const transient = isMlcError(error) && error.errorClass === 'transient';
    if (transient) {
      const firstAttemptAt = job.firstAttemptAt ? new Date(job.firstAttemptAt) : now;
      const next = nextAttempt(job.attempts + 1, policy, { now, firstAttemptAt, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}), ...(options.random ? { random: options.random } : {}) });
      if ('at' in next) {
        if (fromSource) {
          // Jobs and deliveries meanwhile wait with this one: reading for them would call the source early.
          sourceWaits.set(job.pipeline, next.at.getTime());
          options.readAhead?.pause(job.pipeline, next.at.getTime());
        }
        for (const j of related) await options.store.jobs.retryAt(j.id, next.at, message, j === job ? job.fence : undefined);
        setStatus(job.pipeline, { state: 'degraded', lastError: message });
        options.metrics?.retries.inc({ pipeline: job.pipeline });
        return;
      }
      setStatus(job.pipeline, { state: 'degraded', lastError: message });
      if (related.some((j) => (j.keys ?? []).length > 0)) {
        await quarantineJobKeys(job, related, `${message} (${next.reason})`, isMlcError(error) ? error.code : 'MLC_INTERNAL');
        return;
      }
      // A changed-since or full read names no records to park: keep it at the longest interval instead
      // of dropping it (it is the read that finds whatever changed while the remote was away).
      for (const j of related) await options.store.jobs.retryAt(j.id, new Date(now.getTime() + policy.maxIntervalMs), `${message} (${next.reason}; retried every ${policy.maxIntervalMs} ms)`);
      options.metrics?.retries.inc({ pipeline: job.pipeline });
      return;
    }
    // Config or bug: nothing will change until someone fixes the files or the credentials.
    setStatus(job.pipeline, { state: 'failing', lastError: message });
    options.logger.error({ pipeline: job.pipeline, jobId: job.id, code: isMlcError(error) ? error.code : undefined, err: isMlcError(error) ? undefined : error }, `pipeline stopped: ${message}`);
    const later = new Date(now.getTime() + policy.maxIntervalMs);
    for (const j of related) await options.store.jobs.retryAt(j.id, later, message);
  }

  async function quarantineJobKeys(job: Job, related: Job[], cause: string, code: string): Promise<void> {
    const keys = [...new Set(related.flatMap((j) => j.keys ?? []))];
    const since = clock().toISOString();
    if (keys.length > 0) {
      await options.store.commit({
        ...emptyBatch(job.pipeline, `job-${job.id}`),
        quarantine: { park: keys.map((recordKey) => ({ pipeline: job.pipeline, recordKey, code, cause, since, sourceKeys: [recordKey] })), release: [] },
        ...fenceOf(job),
      });
    }
    for (const j of related) await options.store.jobs.complete(j.id);
    options.logger.warn({ pipeline: job.pipeline, jobId: job.id, keys: keys.length }, `job gave up: ${cause}; its records are quarantined`);
  }

  /** Pipeline → until when (ms) its source is left alone (see putOff). */
  const sourceWaits = new Map<string, number>();

  // A failure that could not be recorded (the store was down too) leaves its job leased in memory: it is
  // settled again before the next claim, or the pipeline would wait out the whole lease after recovery.
  let unsettled: (() => Promise<void>) | undefined;

  async function stepOnce(): Promise<boolean> {
    if (stopping) return false;
    if (unsettled) {
      await unsettled();
      unsettled = undefined;
    }
    const job = await options.store.jobs.claim(workerId, leaseMs, clock());
    if (!job) return false;
    const opened = options.pipeline(job.pipeline);
    if (!opened) {
      await options.store.jobs.retryAt(job.id, new Date(clock().getTime() + 60_000), 'the pipeline is not loaded');
      return true;
    }
    const waitUntil = sourceWaits.get(job.pipeline) ?? 0;
    if (job.kind !== 'replay' && job.attempts === 0 && waitUntil > clock().getTime()) {
      await putOff(job, waitUntil);
      return true;
    }
    const queued = job.kind === 'replay' ? [] : await options.store.jobs.list(job.pipeline);
    if (job.kind === 'changed' && queued.some((j) => j.kind === 'full')) {
      // A full read is waiting (for its retry, say while the source throttles): it covers this one.
      await options.store.jobs.complete(job.id, job.fence);
      return true;
    }
    const { jobs, keys } = coalesce(job, queued);
    const mode: RunMode = job.kind === 'full' ? 'full' : job.kind === 'changed' ? 'changed-since' : 'keys';
    // A replay's audit events say so in their run id (and, like every event, carry the pipeline version).
    const runId = `${job.kind === 'replay' ? 'replay-' : ''}${randomUUID().slice(0, 8)}`;
    const startedAt = clock().toISOString();
    setStatus(job.pipeline, { lastRunAt: startedAt });
    const stopBeating = keepLease(options.store, job, leaseMs, () => options.logger.warn({ pipeline: job.pipeline, jobId: job.id }, 'lease lost: another replica may run this job'));
    let readDone = false;
    const onPhase = (phase: BatchPhase, ms: number): void => {
      if (phase === 'read') readDone = true;
      options.metrics?.batchPhaseSeconds.observe({ pipeline: job.pipeline, phase }, ms / 1000);
    };
    try {
      const { summary } = await runBatch({
        pipeline: inBatchPolicy(opened),
        source: job.kind === 'keys' && options.readAhead ? options.readAhead.source(job.pipeline, opened.source) : opened.source,
        sink: opened.sink,
        store: fencedStore(options.store, job),
        mode,
        runId,
        signal: controller.signal,
        clock,
        ...(mode === 'keys' ? { keys } : {}),
        ...(job.kind === 'replay' ? { replay: true, keys } : {}),
        ...(options.random ? { random: options.random } : {}),
        ...(options.sleep ? { sleep: options.sleep } : {}),
        onPhase,
      });
      // The claimed job last, fenced: its lease keeps the pipeline from other replicas until all are done.
      for (const j of jobs.slice(1)) await options.store.jobs.complete(j.id);
      await options.store.jobs.complete(job.id, job.fence);
      const quarantined = quarantinedCount(summary);
      const metrics = options.metrics;
      if (metrics) {
        metrics.records.inc({ pipeline: job.pipeline, outcome: 'read' }, summary.read);
        metrics.records.inc({ pipeline: job.pipeline, outcome: 'unchanged' }, summary.unchanged);
        metrics.records.inc({ pipeline: job.pipeline, outcome: 'quarantined' }, quarantined);
        metrics.pending.set({ pipeline: job.pipeline }, summary.pending);
        metrics.quarantined.set({ pipeline: job.pipeline }, (await options.store.quarantine.list({ pipeline: job.pipeline })).length);
        if (summary.pending === 0) metrics.lastSuccessfulRun.set({ pipeline: job.pipeline }, clock().getTime() / 1000);
      }
      const at = clock().toISOString();
      const runs = finished.get(job.pipeline) ?? [];
      runs.push({ runId, kind: job.kind, startedAt, endedAt: at, read: summary.read, quarantined, pending: summary.pending });
      finished.set(job.pipeline, runs.slice(-KEPT_RUNS));
      setStatus(job.pipeline, {
        state: summary.pending > 0 || quarantined > 0 ? 'degraded' : 'ok',
        lastSummary: { read: summary.read, pending: summary.pending, drift: summary.drift, quarantined },
        ...(summary.pending === 0 ? { lastSuccessAt: at } : {}),
      });
      await schedulePendingRetry(opened);
      const recovered = job.kind === 'replay' ? 0 : await replayAfterRecovery(options.store, job.pipeline, clock());
      if (recovered > 0) options.logger.info({ pipeline: job.pipeline, keys: recovered }, 'a batch succeeded again: replaying the records an outage left in quarantine');
      options.logger.info({ pipeline: job.pipeline, runId, jobId: job.id, kind: job.kind, coalesced: jobs.length, read: summary.read, pending: summary.pending, quarantined }, 'batch done');
    } catch (error) {
      if (controller.signal.aborted) return true; // shutting down: the lease runs out and the job runs again
      if (isMlcError(error) && error.code === 'MLC_STORE_LEASE_LOST') {
        // Another replica holds the job now and runs it again; this one wrote nothing of the batch.
        options.logger.warn({ pipeline: job.pipeline, jobId: job.id }, error.message);
        return true;
      }
      const settle = () => settleFailure(job, jobs, opened, error, !readDone);
      await settle().catch((settleError: unknown) => {
        unsettled = settle;
        throw settleError;
      });
    } finally {
      stopBeating();
    }
    return true;
  }

  const step = (): Promise<boolean> => serial(stepOnce);

  async function loop(): Promise<void> {
    while (!stopping) {
      let worked = false;
      try {
        worked = await step();
      } catch (error) {
        options.logger.error({ err: error }, 'worker step failed (store unavailable?); trying again');
      }
      if (!worked && !stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wakeUp = undefined;
      }
    }
  }

  return {
    step,
    start() {
      running ??= loop();
    },
    wake: () => wakeUp?.(),
    async stop(deadlineMs) {
      stopping = true;
      wakeUp?.();
      if (!running) return;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), deadlineMs);
      });
      if ((await Promise.race([running.then(() => 'done' as const), deadline])) === 'late') {
        controller.abort(new Error('serve is shutting down'));
        await running;
      }
      clearTimeout(timer);
    },
    status: () => statuses,
    recentRuns: (pipeline) => finished.get(pipeline) ?? [],
    between: (fn) => serial(fn),
  };
}
