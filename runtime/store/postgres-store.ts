// The Store port on PostgreSQL, for several `serve` replicas sharing one state. Every commit is one
// transaction. Jobs (postgres-jobs.ts) are claimed with FOR UPDATE SKIP LOCKED, one running job per
// pipeline across all replicas, leased on the database's clock with a fencing token; a lease that
// runs out makes the job claimable again (a killed replica's batch is finished by another).
import type { Json } from '../connectors/definition.ts';
import { MlcError } from '../errors.ts';
import { createPgPool, inTransaction, listenWithReconnect, type PgClient, type PgPool, type PgPoolOptions } from '../lib/pg.ts';
import { redactUrl } from '../util/redact-url.ts';
import { holdFence, JOBS_CHANNEL, postgresJobs, type ClaimObservation } from './postgres-jobs.ts';
import { inBatches, postgresOperations, PRUNE_BATCH } from './postgres-operations.ts';
import { migrate } from './postgres-schema.ts';
import { postgresTransfer } from './postgres-transfer.ts';
import type { AuditEvent, AuditFilter, BatchCommit, InboxEntry, MirrorEntry, PendingChange, QuarantineEntry, Store } from './store.ts';
import type { ActualItem, DesiredItem } from '../connectors/definition.ts';

const AUDIT_PAGE = 500;

/** The last of each key wins (a batch may name an item twice); ON CONFLICT cannot touch a row twice in one statement. */
const lastByKey = <T>(items: readonly T[], key: (item: T) => string): T[] => [...new Map(items.map((item) => [key(item), item])).values()];
const byItem = (i: { entity: string; key: string }): string => `${i.entity}/${i.key}`;
const json = (value: unknown): string => JSON.stringify(value);

/** Each part of the batch is one statement over a JSON array (not one round trip per row): a 1,000-record batch is a dozen statements. */
async function applyCommit(client: PgClient, batch: BatchCommit): Promise<void> {
  const p = batch.pipeline;
  const q = (sql: string, values: unknown[]) => client.query(sql, values);
  // First, in the same transaction: a replica whose lease ran out writes nothing of its batch.
  if (batch.fence) await holdFence(client, batch.fence.jobId, batch.fence.token);
  const mirror = lastByKey(batch.mirror.upsert, (e) => e.key);
  if (mirror.length > 0) await q(`INSERT INTO mlc_mirror (pipeline, key, entry) SELECT $1, e->>'key', e FROM jsonb_array_elements($2::jsonb) e ON CONFLICT (pipeline, key) DO UPDATE SET entry = EXCLUDED.entry`, [p, json(mirror)]);
  if (batch.mirror.remove.length > 0) await q('DELETE FROM mlc_mirror WHERE pipeline = $1 AND key = ANY($2)', [p, batch.mirror.remove]);
  for (const table of ['desired', 'actual'] as const) {
    const upsert = lastByKey(batch[table].upsert, byItem);
    if (upsert.length > 0) await q(`INSERT INTO mlc_${table} (pipeline, entity, key, item) SELECT $1, e->>'entity', e->>'key', e FROM jsonb_array_elements($2::jsonb) e ON CONFLICT (pipeline, entity, key) DO UPDATE SET item = EXCLUDED.item`, [p, json(upsert)]);
    await removeItems(client, `mlc_${table}`, p, batch[table].remove);
  }
  if (batch.audit.length > 0) {
    // WITH ORDINALITY … ORDER BY: the log's sequence follows the batch's order.
    await q(
      `INSERT INTO mlc_audit (pipeline, record_key, related, at, event)
       SELECT e->>'pipeline', e->>'recordKey', ARRAY(SELECT jsonb_array_elements_text(coalesce(e->'related', '[]'::jsonb))), (e->>'at')::timestamptz, e
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, n) ORDER BY n`,
      [json(batch.audit)],
    );
  }
  if (batch.quarantine.release.length > 0) await q('DELETE FROM mlc_quarantine WHERE pipeline = $1 AND record_key = ANY($2)', [p, batch.quarantine.release]);
  const park = lastByKey(batch.quarantine.park, (e) => `${e.pipeline}\u0000${e.recordKey}`);
  if (park.length > 0) await q(`INSERT INTO mlc_quarantine (pipeline, record_key, code, entry) SELECT e->>'pipeline', e->>'recordKey', e->>'code', e FROM jsonb_array_elements($1::jsonb) e ON CONFLICT (pipeline, record_key) DO UPDATE SET code = EXCLUDED.code, entry = EXCLUDED.entry`, [json(park)]);
  await removeItems(client, 'mlc_pending', p, batch.pending.clear);
  const pending = lastByKey(batch.pending.set, byItem);
  if (pending.length > 0) await q(`INSERT INTO mlc_pending (pipeline, entity, key, change) SELECT $1, e->>'entity', e->>'key', e FROM jsonb_array_elements($2::jsonb) e ON CONFLICT (pipeline, entity, key) DO UPDATE SET change = EXCLUDED.change`, [p, json(pending)]);
  if ('checkpoint' in batch && batch.checkpoint !== undefined) {
    await q('INSERT INTO mlc_checkpoints (pipeline, value) VALUES ($1, $2) ON CONFLICT (pipeline) DO UPDATE SET value = EXCLUDED.value', [p, json(batch.checkpoint)]);
  }
}

async function removeItems(client: PgClient, table: string, pipeline: string, items: readonly { entity: string; key: string }[]): Promise<void> {
  if (items.length === 0) return;
  await client.query(`DELETE FROM ${table} WHERE pipeline = $1 AND (entity, key) IN (SELECT e->>'entity', e->>'key' FROM jsonb_array_elements($2::jsonb) e)`, [pipeline, json(items.map(({ entity, key }) => ({ entity, key })))]);
}

export interface PostgresStoreOptions extends PgPoolOptions {}

export interface PostgresStore extends Store {
  pool: PgPool;
  operations: NonNullable<Store['operations']>;
  jobs: ReturnType<typeof postgresJobs>;
  /** Calls `onWake` when any replica enqueues a job, and after each reconnect of the listener. */
  onJobs(onWake: () => void): { close(): Promise<void> };
}

export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = createPgPool(options);
  try {
    await migrate(pool, options.schema);
  } catch (error) {
    await pool.end().catch(() => undefined);
    const detail = error instanceof Error ? error.message : String(error);
    throw new MlcError('MLC_STORE_UNREACHABLE', `the PostgreSQL store at ${redactUrl(options.url)} cannot be opened: ${detail.replaceAll(options.url, redactUrl(options.url))}`, { cause: error });
  }
  const rows = async <T>(sql: string, values: unknown[] = []): Promise<T[]> => (await pool.query(sql, values)).rows as T[];
  const field = async <T>(sql: string, values: unknown[], name: string): Promise<T[]> => (await rows<Record<string, T>>(sql, values)).map((r) => r[name] as T);

  const listeners = new Set<{ close(): Promise<void> }>();
  const claims = { listeners: new Set<(claim: ClaimObservation) => void>() };
  return {
    pool,
    onJobs(onWake) {
      const listener = listenWithReconnect(options, JOBS_CHANNEL, onWake);
      listeners.add(listener);
      return listener;
    },
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
    jobs: postgresJobs(pool, (claim) => {
      for (const listener of claims.listeners) listener(claim);
    }),
    operations: postgresOperations(pool, claims),
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
      // Oldest first, a bounded batch per statement: a long trail is pruned without one long lock.
      prune: (before) =>
        inBatches(async () => (await pool.query(`DELETE FROM mlc_audit WHERE seq IN (SELECT seq FROM mlc_audit WHERE at < $1 ORDER BY seq LIMIT ${PRUNE_BATCH})`, [before.toISOString()])).rowCount ?? 0),
    },
    quarantine: {
      list: (filter) =>
        field<QuarantineEntry>(
          'SELECT entry FROM mlc_quarantine WHERE ($1::text IS NULL OR pipeline = $1) AND ($2::text IS NULL OR code = $2) ORDER BY pipeline, record_key',
          [filter.pipeline ?? null, filter.code ?? null],
          'entry',
        ),
      async page(query) {
        const byCause = (await rows<{ code: string; cause: string; count: string }>("SELECT code, entry->>'cause' AS cause, count(*) AS count FROM mlc_quarantine WHERE pipeline = $1 GROUP BY 1, 2", [query.pipeline])).map((r) => ({ code: r.code, cause: r.cause, count: Number(r.count) }));
        const items = await field<QuarantineEntry>(
          `SELECT entry FROM mlc_quarantine WHERE pipeline = $1 AND ($2::text IS NULL OR code = $2) ORDER BY entry->>'since' COLLATE "C", record_key COLLATE "C" OFFSET $3 LIMIT $4`,
          [query.pipeline, query.code ?? null, query.offset, query.limit],
          'entry',
        );
        const count = (of: typeof byCause) => of.reduce((a, c) => a + c.count, 0);
        return { total: count(byCause), matching: count(query.code === undefined ? byCause : byCause.filter((c) => c.code === query.code)), byCause, items };
      },
    },
    state: {
      get: async (scope, key) => (await field<Json>('SELECT value FROM mlc_state WHERE scope = $1 AND key = $2', [scope, key], 'value'))[0],
      async set(scope, key, value) {
        await pool.query('INSERT INTO mlc_state (scope, key, value) VALUES ($1, $2, $3) ON CONFLICT (scope, key) DO UPDATE SET value = EXCLUDED.value', [scope, key, JSON.stringify(value)]);
      },
    },
    transfer: postgresTransfer(pool),
    commit: (batch) => inTransaction(pool, (client) => applyCommit(client, batch)),
    async close() {
      for (const listener of listeners) await listener.close();
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
