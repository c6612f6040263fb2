// Jobs shared by replicas on PostgreSQL. A claim takes FOR UPDATE SKIP LOCKED under a short claim
// lock, so across all replicas one pipeline runs one job at a time (the worker completes the keyed
// jobs it coalesced before the claimed one, so the pipeline stays leased until all are done). Each claim bumps the job's fencing token: complete and
// retryAt given that token are refused once the lease ran out or moved on, and heartbeat extends it.
// Lease times come from the database's clock, so a replica whose clock is off cannot steal or keep
// a lease; a caller's `now` only shifts that clock by how far `now` is from the caller's own clock
// (tests pass fixed times; a worker passes its clock, ≈ 0 shift, even when that clock is wrong).
import { MlcError } from '../errors.ts';
import { inTransaction, type PgClient, type PgPool } from '../lib/pg.ts';
import type { Job, Store } from './store.ts';

/** Arbitrary constant: claims take this lock for their few milliseconds, so two replicas never lease two jobs of one pipeline. */
const CLAIM_LOCK = 4_711_009;
/** Enqueues NOTIFY this channel; idle workers LISTEN on it (postgres-store onJobs). */
export const JOBS_CHANNEL = 'mlc_jobs';
/** "Now" as the caller sees it, on the database clock; $1 is the caller's shift in ms. */
const NOW = `(clock_timestamp() + make_interval(secs => $1::double precision / 1000))`;
const shiftMs = (now?: Date): number => (now ? now.getTime() - Date.now() : 0);

interface JobRow {
  id: string;
  pipeline: string;
  kind: Job['kind'];
  keys: string[] | null;
  attempts: number;
  not_before: Date;
  last_error: string | null;
  first_attempt_at: Date | null;
  fence: string;
}

const COLUMNS = 'id, pipeline, kind, keys, attempts, not_before, last_error, first_attempt_at, fence';

const toJob = (r: JobRow, withFence = false): Job => ({
  id: String(r.id),
  pipeline: r.pipeline,
  kind: r.kind,
  ...(r.keys ? { keys: r.keys } : {}),
  attempts: r.attempts,
  notBefore: r.not_before.toISOString(),
  ...(r.last_error !== null ? { lastError: r.last_error } : {}),
  ...(r.first_attempt_at ? { firstAttemptAt: r.first_attempt_at.toISOString() } : {}),
  ...(withFence ? { fence: Number(r.fence) } : {}),
});

const lost = (id: string, fence: number): MlcError =>
  new MlcError('MLC_STORE_LEASE_LOST', `the lease on job ${id} ran out or was taken by another replica (fencing token ${fence}); this replica's late write was refused`);

/** Inside a transaction: refuses (MLC_STORE_LEASE_LOST) unless claim `fence` of job `id` still holds its lease; the row stays locked until COMMIT. */
export async function holdFence(client: PgClient, id: string, fence: number): Promise<void> {
  const held = await client.query(`SELECT 1 FROM mlc_jobs WHERE id = $2 AND fence = $3 AND lease_until > ${NOW} FOR UPDATE`, [0, id, fence]);
  if (held.rowCount === 0) throw lost(id, fence);
}

/** What a claim reports to the operations metrics: its latency, and whether it took over a lease that had run out (a replica killed or stalled). */
export interface ClaimObservation {
  seconds: number;
  pipeline?: string;
  leaseExpired: boolean;
}

export function postgresJobs(pool: PgPool, observe: (claim: ClaimObservation) => void = () => undefined): Store['jobs'] & { heartbeat: NonNullable<Store['jobs']['heartbeat']> } {
  /** Runs `write` only while the claim `fence` of job `id` still holds its lease. */
  const fenced = (id: string, fence: number | undefined, write: (client: { query: PgPool['query'] }) => Promise<unknown>): Promise<void> =>
    inTransaction(pool, async (client) => {
      if (fence !== undefined) await holdFence(client, id, fence);
      await write(client);
    });

  return {
    enqueue: (job, options = {}) =>
      inTransaction(pool, async (client) => {
        if (options.dedupeKey !== undefined) {
          // The dedupe row outlives the job: a tick already done is not made again by a late replica.
          const claimed = await client.query<{ job_id: string }>('INSERT INTO mlc_dedupe (dedupe_key, job_id) VALUES ($1, 0) ON CONFLICT DO NOTHING RETURNING job_id', [options.dedupeKey]);
          if (claimed.rowCount === 0) {
            const existing = await client.query<{ job_id: string }>('SELECT job_id FROM mlc_dedupe WHERE dedupe_key = $1', [options.dedupeKey]);
            return { id: String(existing.rows[0]?.job_id ?? ''), created: false };
          }
        }
        const inserted = await client.query<{ id: string }>('INSERT INTO mlc_jobs (pipeline, kind, keys, not_before) VALUES ($1, $2, $3, coalesce($4::timestamptz, now())) RETURNING id', [
          job.pipeline,
          job.kind,
          job.keys ? JSON.stringify(job.keys) : null,
          options.notBefore?.toISOString() ?? null,
        ]);
        const id = String(inserted.rows[0]?.id);
        if (options.dedupeKey !== undefined) await client.query('UPDATE mlc_dedupe SET job_id = $2 WHERE dedupe_key = $1', [options.dedupeKey, id]);
        // Delivered at COMMIT: a woken worker finds the job already there.
        await client.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, job.pipeline]);
        return { id, created: true };
      }),
    claim: async (workerId, leaseMs, now) => {
      const started = process.hrtime.bigint();
      const row = await inTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [CLAIM_LOCK]);
        // A job still naming a lease owner was never settled by it: that lease ran out (retryAt and complete clear or delete it).
        const claimed = await client.query<JobRow & { previous_owner: string | null }>(
          `WITH busy AS (SELECT DISTINCT pipeline FROM mlc_jobs WHERE lease_until > ${NOW}),
                due AS (SELECT id, lease_owner AS previous_owner FROM mlc_jobs
                        WHERE not_before <= ${NOW} AND (lease_until IS NULL OR lease_until <= ${NOW}) AND pipeline NOT IN (SELECT pipeline FROM busy)
                        ORDER BY not_before, id LIMIT 1 FOR UPDATE SKIP LOCKED)
           UPDATE mlc_jobs j SET lease_owner = $2, lease_until = ${NOW} + make_interval(secs => $3::double precision / 1000), fence = j.fence + 1,
               first_attempt_at = coalesce(j.first_attempt_at, ${NOW})
           FROM due WHERE j.id = due.id
           RETURNING j.${COLUMNS.split(', ').join(', j.')}, due.previous_owner`,
          [shiftMs(now), workerId, leaseMs],
        );
        return claimed.rows[0];
      });
      observe({ seconds: Number(process.hrtime.bigint() - started) / 1e9, ...(row ? { pipeline: row.pipeline } : {}), leaseExpired: row?.previous_owner != null });
      return row ? toJob(row, true) : undefined;
    },
    complete: (id, fence) => fenced(id, fence, (client) => client.query('DELETE FROM mlc_jobs WHERE id = $1', [id])),
    retryAt: (id, at, error, fence) =>
      fenced(id, fence, (client) =>
        client.query('UPDATE mlc_jobs SET attempts = attempts + 1, not_before = $2, last_error = $3, lease_owner = NULL, lease_until = NULL WHERE id = $1', [id, at.toISOString(), error]),
      ),
    async heartbeat(job, leaseMs) {
      if (job.fence === undefined) return true;
      const extended = await pool.query(
        `UPDATE mlc_jobs SET lease_until = ${NOW} + make_interval(secs => $4::double precision / 1000) WHERE id = $2 AND fence = $3 AND lease_until > ${NOW}`,
        [0, job.id, job.fence, leaseMs],
      );
      return (extended.rowCount ?? 0) > 0;
    },
    list: async (pipeline) =>
      (await pool.query<JobRow>(`SELECT ${COLUMNS} FROM mlc_jobs ${pipeline === undefined ? '' : 'WHERE pipeline = $1'} ORDER BY not_before, id`, pipeline === undefined ? [] : [pipeline])).rows.map((r) => toJob(r)),
  };
}
