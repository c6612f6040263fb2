// What `serve` runs beside a store shared by replicas (PostgreSQL): the claim metrics and queue depth
// on /metrics, the database in /readyz, and retention on a timer — audit events past the longest
// retention of the loaded pipelines (no pipeline loses events its own policy keeps) and the dedupe keys
// of cron ticks done a week ago, both deleted in small batches. Embedded stores have no operations:
// their batches prune the audit trail themselves, and /readyz reads them directly.
import type { Logger } from '../lib/log.ts';
import type { ServiceMetrics } from '../lib/metrics.ts';
import type { Store } from './store.ts';

const DAY_MS = 86_400_000;
/** A cron tick's dedupe key outlives its job this long, so a replica firing late cannot make the tick again. */
const DEDUPE_KEEP_MS = 7 * DAY_MS;

export interface StoreOperationsOptions {
  metrics: ServiceMetrics;
  logger: Logger;
  /** The audit retention (days) of each loaded pipeline, read at each run (a reload changes them). */
  retentionDays(): number[];
  /** Between retention runs (default one hour); the first runs one interval after start. */
  retentionEveryMs?: number;
  clock?: () => Date;
}

export interface RunningStoreOperations {
  /** The `store` part of /readyz, and whether it lets the service be ready. */
  readiness(): Promise<{ ready: boolean; detail: unknown }>;
  /** One retention run now (the timer calls it too). Returns the rows deleted. */
  retain(): Promise<{ audit: number; dedupe: number }>;
  stop(): void;
}

export function startStoreOperations(store: Store, options: StoreOperationsOptions): RunningStoreOperations {
  const clock = options.clock ?? (() => new Date());
  if (!store.operations) {
    return {
      async readiness() {
        await store.checkpoints.get('__readyz__');
        return { ready: true, detail: 'ok' };
      },
      retain: async () => ({ audit: 0, dedupe: 0 }),
      stop: () => undefined,
    };
  }
  const ops = store.operations;
  const shared = options.metrics.sharedStore(() => ops.queueDepth());
  ops.onClaim((claim) => {
    shared.claimSeconds.observe({ outcome: claim.pipeline === undefined ? 'empty' : 'claimed' }, claim.seconds);
    if (claim.leaseExpired && claim.pipeline !== undefined) shared.leaseExpiries.inc({ pipeline: claim.pipeline });
  });
  let running: Promise<unknown> | undefined;
  async function retain(): Promise<{ audit: number; dedupe: number }> {
    const now = clock().getTime();
    const days = options.retentionDays();
    const audit = days.length === 0 ? 0 : await store.audit.prune(new Date(now - Math.max(...days) * DAY_MS));
    const dedupe = await ops.pruneDone(new Date(now - DEDUPE_KEEP_MS));
    if (audit + dedupe > 0) options.logger.info({ audit, dedupe }, 'retention: pruned old audit events and done cron ticks');
    return { audit, dedupe };
  }
  const timer = setInterval(() => {
    // One run at a time per replica; several replicas pruning at once only split the batches.
    running ??= retain()
      .catch((error: unknown) => options.logger.warn({ err: error }, 'retention run failed; the next one tries again'))
      .finally(() => (running = undefined));
  }, options.retentionEveryMs ?? 3_600_000);
  timer.unref();
  return {
    async readiness() {
      try {
        const health = await ops.health();
        return { ready: health.ready, detail: health.detail };
      } catch (error) {
        return { ready: false, detail: { kind: 'postgres', reachable: false, error: error instanceof Error ? error.message : String(error) } };
      }
    },
    retain,
    stop: () => clearInterval(timer),
  };
}

/** Default lease on a store with heartbeats: a killed replica's job is taken over within this long. */
export const SHARED_LEASE_MS = 15_000;

/**
 * The worker's lease on this store: short where heartbeats keep it alive while a batch runs (a killed
 * replica's job moves on within seconds; ML_CONNECTOR_LEASE_MS tunes it), the worker's own default elsewhere.
 */
export function workerLease(store: Store, env: NodeJS.ProcessEnv): { leaseMs?: number } {
  if (!store.jobs.heartbeat) return {};
  const given = Number(env.ML_CONNECTOR_LEASE_MS);
  return { leaseMs: Number.isInteger(given) && given >= 300 ? given : SHARED_LEASE_MS };
}
