// `store export|import` on PostgreSQL: enumerating what the store keeps (every table names its
// pipeline), and restoring jobs with their attempts, due time and last error (new ids; the dedupe row
// of a cron tick is tied to the restored job, so no replica makes that tick's job again).
import type { Json } from '../connectors/definition.ts';
import { inTransaction, type PgPool } from '../lib/pg.ts';
import type { StoreTransfer } from './store.ts';

const PIPELINE_TABLES = ['mlc_jobs', 'mlc_inbox', 'mlc_checkpoints', 'mlc_mirror', 'mlc_desired', 'mlc_actual', 'mlc_pending', 'mlc_quarantine', 'mlc_audit'];

export function postgresTransfer(pool: PgPool): StoreTransfer {
  return {
    async pipelines() {
      const union = PIPELINE_TABLES.map((table) => `SELECT DISTINCT pipeline FROM ${table}`).join(' UNION ');
      return (await pool.query<{ pipeline: string }>(`SELECT pipeline FROM (${union}) p ORDER BY pipeline COLLATE "C"`)).rows.map((r) => r.pipeline);
    },
    state: async () => (await pool.query<{ scope: string; key: string; value: Json }>('SELECT scope, key, value FROM mlc_state ORDER BY scope, key')).rows,
    dedupeKeys: async () =>
      (await pool.query<{ dedupe_key: string; job_id: string }>('SELECT d.dedupe_key, d.job_id FROM mlc_dedupe d ORDER BY d.dedupe_key')).rows.map((r) => ({
        key: r.dedupe_key,
        // The job may be done already (the row outlives it): the exporter ties a key only to a job still queued.
        ...(r.job_id !== '0' ? { jobId: String(r.job_id) } : {}),
      })),
    restoreJob: (job, dedupeKey) =>
      inTransaction(pool, async (client) => {
        if (dedupeKey !== undefined) {
          // The tick this key names is already in the store (queued or done): not made twice.
          const fresh = await client.query('INSERT INTO mlc_dedupe (dedupe_key, job_id) VALUES ($1, 0) ON CONFLICT DO NOTHING', [dedupeKey]);
          if (fresh.rowCount === 0) return String((await client.query<{ job_id: string }>('SELECT job_id FROM mlc_dedupe WHERE dedupe_key = $1', [dedupeKey])).rows[0]?.job_id ?? '');
        }
        const inserted = await client.query<{ id: string }>(
          'INSERT INTO mlc_jobs (pipeline, kind, keys, attempts, not_before, last_error, first_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
          [job.pipeline, job.kind, job.keys ? JSON.stringify(job.keys) : null, job.attempts, job.notBefore, job.lastError ?? null, job.firstAttemptAt ?? null],
        );
        const id = String(inserted.rows[0]?.id);
        if (dedupeKey !== undefined) await client.query('UPDATE mlc_dedupe SET job_id = $2 WHERE dedupe_key = $1', [dedupeKey, id]);
        return id;
      }),
    async restoreDedupeKey(key) {
      await pool.query('INSERT INTO mlc_dedupe (dedupe_key, job_id) VALUES ($1, 0) ON CONFLICT DO NOTHING', [key]);
    },
  };
}
