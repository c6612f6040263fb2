// What `serve` watches and schedules on the PostgreSQL store: /readyz's view of the database
// (reachable, schema level against this release's), claim latency and lease take-overs for /metrics,
// queue depth per pipeline, and retention that deletes in small batches — each batch its own short
// statement, so neither replicas' claims nor commits wait behind one long DELETE.
import { type PgPool } from '../lib/pg.ts';
import type { ClaimObservation } from './postgres-jobs.ts';
import { LATEST_MIGRATION, schemaLevel } from './postgres-schema.ts';
import type { StoreOperations } from './store.ts';

/** Rows one retention statement deletes at most. */
export const PRUNE_BATCH = 1_000;

/** Runs `deleteBatch` until it deletes fewer than PRUNE_BATCH rows; returns how many went in all. */
export async function inBatches(deleteBatch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch();
    total += deleted;
    if (deleted < PRUNE_BATCH) return total;
  }
}

export function postgresOperations(pool: PgPool, claims: { listeners: Set<(claim: ClaimObservation) => void> }): StoreOperations {
  return {
    async health() {
      const started = process.hrtime.bigint();
      const level = await schemaLevel(pool);
      const latencyMs = Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100;
      const detail = { kind: 'postgres', reachable: true, latencyMs, schema: level, expectedSchema: LATEST_MIGRATION };
      // A newer schema (a later release migrated it) is kept compatible by additive migrations; an older one is not enough.
      return level >= LATEST_MIGRATION ? { ready: true, detail } : { ready: false, detail: { ...detail, error: `the database schema is at migration ${level}, this release needs ${LATEST_MIGRATION}: run \`ml-connector store migrate\`` } };
    },
    onClaim(listener) {
      claims.listeners.add(listener);
    },
    async queueDepth() {
      const rows = (await pool.query<{ pipeline: string; n: number }>('SELECT pipeline, count(*)::int AS n FROM mlc_jobs GROUP BY pipeline')).rows;
      return Object.fromEntries(rows.map((r) => [r.pipeline, r.n]));
    },
    pruneDone: (before) =>
      inBatches(
        async () =>
          (
            await pool.query(
              `DELETE FROM mlc_dedupe WHERE dedupe_key IN (
                 SELECT d.dedupe_key FROM mlc_dedupe d WHERE d.created_at < $1 AND NOT EXISTS (SELECT 1 FROM mlc_jobs j WHERE j.id = d.job_id) LIMIT ${PRUNE_BATCH})`,
              [before.toISOString()],
            )
          ).rowCount ?? 0,
      ),
  };
}
