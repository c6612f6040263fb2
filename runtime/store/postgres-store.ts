// The Store port on PostgreSQL, for several `serve` replicas sharing one state. Every commit is one
// transaction; a job is claimed with FOR UPDATE SKIP LOCKED under a short claim lock, so across all
// replicas one pipeline runs one job at a time; a lease that runs out makes the job claimable again
// (a killed replica's batch is finished by another). Leases are judged by the time the caller passes
// (the worker's clock) — see README "Scaling out" for what that means with skewed clocks.
import type { Json } from '../connectors/definition.ts';
import { MlcError } from '../errors.ts';
import { createPgPool, inTransaction, type PgClient, type PgPool, type PgPoolOptions } from '../lib/pg.ts';
import { redactUrl } from '../util/redact-url.ts';
import { migrate } from './postgres-schema.ts';
import type { AuditEvent, AuditFilter, BatchCommit, InboxEntry, Job, MirrorEntry, PendingChange, QuarantineEntry, Store } from './store.ts';
import type { ActualItem, DesiredItem } from '../connectors/definition.ts';

/** Arbitrary constant: claims take this lock for their few milliseconds, so two replicas never lease two jobs of one pipeline. */
const CLAIM_LOCK = 4_711_009;
const AUDIT_PAGE = 500;

interface JobRow {
  id: string;
  pipeline: string;
  kind: Job['kind'];
  keys: string[] | null;
  attempts: number;
  not_before: Date;
  last_error: string | null;
}

const toJob = (r: JobRow): Job => ({
  id: String(r.id),
  pipeline: r.pipeline,
  kind: r.kind,
  ...(r.keys ? { keys: r.keys } : {}),
  attempts: r.attempts,
  notBefore: r.not_before.toISOString(),
  ...(r.last_error !== null ? { lastError: r.last_error } : {}),
});

async function applyCommit(client: PgClient, batch: BatchCommit): Promise<void> {
  const p = batch.pipeline;
  const q = (sql: string, values: unknown[]) => client.query(sql, values);
  for (const entry of batch.mirror.upsert) await q('INSERT INTO mlc_mirror (pipeline, key, entry) VALUES ($1, $2, $3) ON CONFLICT (pipeline, key) DO UPDATE SET entry = EXCLUDED.entry', [p, entry.key, entry]);
  if (batch.mirror.remove.length > 0) await q('DELETE FROM mlc_mirror WHERE pipeline = $1 AND key = ANY($2)', [p, batch.mirror.remove]);
  for (const table of ['desired', 'actual'] as const) {
    const part = batch[table];
    for (const item of part.upsert) await q(`INSERT INTO mlc_${table} (pipeline, entity, key, item) VALUES ($1, $2, $3, $4) ON CONFLICT (pipeline, entity, key) DO UPDATE SET item = EXCLUDED.item`, [p, item.entity, item.key, item]);
    for (const { entity, key } of part.remove) await q(`DELETE FROM mlc_${table} WHERE pipeline = $1 AND entity = $2 AND key = $3`, [p, entity, key]);
  }
  for (const event of batch.audit) await q('INSERT INTO mlc_audit (pipeline, record_key, related, at, event) VALUES ($1, $2, $3, $4, $5)', [event.pipeline, event.recordKey, event.related ?? [], event.at, event]);
  if (batch.quarantine.release.length > 0) await q('DELETE FROM mlc_quarantine WHERE pipeline = $1 AND record_key = ANY($2)', [p, batch.quarantine.release]);
  for (const entry of batch.quarantine.park) await q('INSERT INTO mlc_quarantine (pipeline, record_key, code, entry) VALUES ($1, $2, $3, $4) ON CONFLICT (pipeline, record_key) DO UPDATE SET code = EXCLUDED.code, entry = EXCLUDED.entry', [entry.pipeline, entry.recordKey, entry.code, entry]);
  for (const { entity, key } of batch.pending.clear) await q('DELETE FROM mlc_pending WHERE pipeline = $1 AND entity = $2 AND key = $3', [p, entity, key]);
  for (const change of batch.pending.set) await q('INSERT INTO mlc_pending (pipeline, entity, key, change) VALUES ($1, $2, $3, $4) ON CONFLICT (pipeline, entity, key) DO UPDATE SET change = EXCLUDED.change', [p, change.entity, change.key, change]);
  if ('checkpoint' in batch && batch.checkpoint !== undefined) {
    await q('INSERT INTO mlc_checkpoints (pipeline, value) VALUES ($1, $2) ON CONFLICT (pipeline) DO UPDATE SET value = EXCLUDED.value', [p, JSON.stringify(batch.checkpoint)]);
  }
}

export interface PostgresStoreOptions extends PgPoolOptions {}

export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store & { pool: PgPool }> {
  const pool = createPgPool(options);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    const detail = error instanceof Error ? error.message : String(error);
    throw new MlcError('MLC_STORE_UNREACHABLE', `the PostgreSQL store at ${redactUrl(options.url)} cannot be opened: ${detail.replaceAll(options.url, redactUrl(options.url))}`, { cause: error });
  }
  const rows = async <T>(sql: string, values: unknown[] = []): Promise<T[]> => (await pool.query(sql, values)).rows as T[];
  const field = async <T>(sql: string, values: unknown[], name: string): Promise<T[]> => (await rows<Record<string, T>>(sql, values)).map((r) => r[name] as T);

  return {
    pool,
    inbox: {
      async append(entry) {
        const [row] = await rows<{ id: string }>('INSERT INTO mlc_inbox (pipeline, entry) VALUES ($1, $2) RETURNING id', [entry.pipeline, entry]);
        return `inbox-${row?.id}`;
      },
      list: async (pipeline) => (await rows<{ id: string; entry: Omit<InboxEntry, 'id'> }>('SELECT id, entry FROM mlc_inbox WHERE pipeline = $1 ORDER BY id', [pipeline])).map((r) => ({ ...r.entry, id: `inbox-${r.id}` })),
      async remove(ids) {
        await pool.query('DELETE FROM mlc_inbox WHERE id = ANY($1::bigint[])', [ids.map((id) => id.replace(/^inbox-/, ''))]);
      },
    },
    jobs: {
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
          const inserted = await client.query<{ id: string }>('INSERT INTO mlc_jobs (pipeline, kind, keys, not_before) VALUES ($1, $2, $3, $4) RETURNING id', [
            job.pipeline,
            job.kind,
            job.keys ? JSON.stringify(job.keys) : null,
            (options.notBefore ?? new Date()).toISOString(),
          ]);
          const id = String(inserted.rows[0]?.id);
          if (options.dedupeKey !== undefined) await client.query('UPDATE mlc_dedupe SET job_id = $2 WHERE dedupe_key = $1', [options.dedupeKey, id]);
          return { id, created: true };
        }),
      claim: (workerId, leaseMs, now = new Date()) =>
        inTransaction(pool, async (client) => {
          await client.query('SELECT pg_advisory_xact_lock($1)', [CLAIM_LOCK]);
          const claimed = await client.query<JobRow>(
            `WITH busy AS (SELECT DISTINCT pipeline FROM mlc_jobs WHERE lease_until > $1),
                  due AS (SELECT id FROM mlc_jobs
                          WHERE not_before <= $1 AND (lease_until IS NULL OR lease_until <= $1) AND pipeline NOT IN (SELECT pipeline FROM busy)
                          ORDER BY not_before, id LIMIT 1 FOR UPDATE SKIP LOCKED)
             UPDATE mlc_jobs j SET lease_owner = $2, lease_until = $1::timestamptz + ($3 || ' milliseconds')::interval, fence = j.fence + 1
             FROM due WHERE j.id = due.id
             RETURNING j.id, j.pipeline, j.kind, j.keys, j.attempts, j.not_before, j.last_error`,
            [now.toISOString(), workerId, String(leaseMs)],
          );
          const row = claimed.rows[0];
          return row ? toJob(row) : undefined;
        }),
      async complete(id) {
        await pool.query('DELETE FROM mlc_jobs WHERE id = $1', [id]);
      },
      async retryAt(id, at, error) {
        await pool.query('UPDATE mlc_jobs SET attempts = attempts + 1, not_before = $2, last_error = $3, lease_owner = NULL, lease_until = NULL WHERE id = $1', [id, at.toISOString(), error]);
      },
      list: async (pipeline) =>
        (await rows<JobRow>(`SELECT id, pipeline, kind, keys, attempts, not_before, last_error FROM mlc_jobs ${pipeline === undefined ? '' : 'WHERE pipeline = $1'} ORDER BY not_before, id`, pipeline === undefined ? [] : [pipeline])).map(toJob),
    },
    checkpoints: {
      async get(pipeline) {
        const [row] = await rows<{ value: Json }>('SELECT value FROM mlc_checkpoints WHERE pipeline = $1', [pipeline]);
        return row?.value ?? undefined;
      },
    },
    mirror: {
      all: (pipeline) => field<MirrorEntry>('SELECT entry FROM mlc_mirror WHERE pipeline = $1 ORDER BY key COLLATE "C"', [pipeline], 'entry'),
      get: async (pipeline, key) => (await field<MirrorEntry>('SELECT entry FROM mlc_mirror WHERE pipeline = $1 AND key = $2', [pipeline, key], 'entry'))[0],
    },
    desired: { all: (pipeline) => field<DesiredItem>('SELECT item FROM mlc_desired WHERE pipeline = $1 ORDER BY entity, key', [pipeline], 'item') },
    actual: { all: (pipeline) => field<ActualItem>('SELECT item FROM mlc_actual WHERE pipeline = $1 ORDER BY entity, key', [pipeline], 'item') },
    pending: { list: (pipeline) => field<PendingChange>('SELECT change FROM mlc_pending WHERE pipeline = $1 ORDER BY entity, key', [pipeline], 'change') },
    audit: {
      query: (filter) => queryAudit(pool, filter),
      async prune(before) {
        return (await pool.query('DELETE FROM mlc_audit WHERE at < $1', [before.toISOString()])).rowCount ?? 0;
      },
    },
    quarantine: {
      list: (filter) =>
        field<QuarantineEntry>(
          'SELECT entry FROM mlc_quarantine WHERE ($1::text IS NULL OR pipeline = $1) AND ($2::text IS NULL OR code = $2) ORDER BY pipeline, record_key',
          [filter.pipeline ?? null, filter.code ?? null],
          'entry',
        ),
    },
    state: {
      get: async (scope, key) => (await field<Json>('SELECT value FROM mlc_state WHERE scope = $1 AND key = $2', [scope, key], 'value'))[0],
      async set(scope, key, value) {
        await pool.query('INSERT INTO mlc_state (scope, key, value) VALUES ($1, $2, $3) ON CONFLICT (scope, key) DO UPDATE SET value = EXCLUDED.value', [scope, key, JSON.stringify(value)]);
      },
    },
    commit: (batch) => inTransaction(pool, (client) => applyCommit(client, batch)),
    async close() {
      await pool.end();
    },
  };
}

/** Pages through the log by sequence, so a long trail never sits in memory at once. */
async function* queryAudit(pool: PgPool, filter: AuditFilter): AsyncIterable<AuditEvent> {
  let after = 0;
  for (;;) {
    const page = await pool.query<{ seq: string; event: AuditEvent }>(
      `SELECT seq, event FROM mlc_audit
       WHERE seq > $1 AND ($2::text IS NULL OR pipeline = $2) AND ($3::text IS NULL OR record_key = $3 OR $3 = ANY(related)) AND ($4::timestamptz IS NULL OR at >= $4)
       ORDER BY seq LIMIT ${AUDIT_PAGE}`,
      [after, filter.pipeline ?? null, filter.recordKey ?? null, filter.since ?? null],
    );
    for (const row of page.rows) yield row.event;
    if (page.rows.length < AUDIT_PAGE) return;
    after = Number(page.rows.at(-1)?.seq ?? after);
  }
}
