// The PostgreSQL store's versioned migrations. Applied in order on open (and by `store migrate`)
// under an advisory lock, so replicas starting together migrate once; each version is recorded in
// mlc_migrations in the same transaction as its statements.
import { escapeIdentifier, inTransaction, type PgPool } from '../lib/pg.ts';

/** Arbitrary constant: the advisory lock key replicas take to migrate one at a time. */
const MIGRATION_LOCK = 4_711_008;

export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'store tables',
    sql: `
      CREATE TABLE mlc_jobs (
        id bigserial PRIMARY KEY,
        pipeline text NOT NULL,
        kind text NOT NULL,
        keys jsonb,
        attempts integer NOT NULL DEFAULT 0,
        not_before timestamptz NOT NULL,
        last_error text,
        lease_owner text,
        lease_until timestamptz,
        fence bigint NOT NULL DEFAULT 0
      );
      CREATE INDEX mlc_jobs_due ON mlc_jobs (not_before, id);
      CREATE INDEX mlc_jobs_pipeline ON mlc_jobs (pipeline);
      CREATE TABLE mlc_dedupe (dedupe_key text PRIMARY KEY, job_id bigint NOT NULL);
      CREATE TABLE mlc_inbox (id bigserial PRIMARY KEY, pipeline text NOT NULL, entry jsonb NOT NULL);
      CREATE TABLE mlc_checkpoints (pipeline text PRIMARY KEY, value jsonb);
      CREATE TABLE mlc_mirror (pipeline text NOT NULL, key text NOT NULL, entry jsonb NOT NULL, PRIMARY KEY (pipeline, key));
      CREATE TABLE mlc_desired (pipeline text NOT NULL, entity text NOT NULL, key text NOT NULL, item jsonb NOT NULL, PRIMARY KEY (pipeline, entity, key));
      CREATE TABLE mlc_actual (pipeline text NOT NULL, entity text NOT NULL, key text NOT NULL, item jsonb NOT NULL, PRIMARY KEY (pipeline, entity, key));
      CREATE TABLE mlc_pending (pipeline text NOT NULL, entity text NOT NULL, key text NOT NULL, change jsonb NOT NULL, PRIMARY KEY (pipeline, entity, key));
      CREATE TABLE mlc_quarantine (pipeline text NOT NULL, record_key text NOT NULL, code text NOT NULL, entry jsonb NOT NULL, PRIMARY KEY (pipeline, record_key));
      CREATE TABLE mlc_audit (seq bigserial PRIMARY KEY, pipeline text NOT NULL, record_key text NOT NULL, related text[] NOT NULL DEFAULT '{}', at timestamptz NOT NULL, event jsonb NOT NULL);
      CREATE INDEX mlc_audit_record ON mlc_audit (record_key);
      CREATE INDEX mlc_audit_related ON mlc_audit USING gin (related);
      CREATE INDEX mlc_audit_at ON mlc_audit (at);
      CREATE TABLE mlc_state (scope text NOT NULL, key text NOT NULL, value jsonb NOT NULL, PRIMARY KEY (scope, key));
    `,
  },
  {
    version: 2,
    name: 'first attempt of a job (retry deadlines)',
    sql: 'ALTER TABLE mlc_jobs ADD COLUMN first_attempt_at timestamptz',
  },
  {
    version: 3,
    name: 'when a dedupe key was made (retention of done cron ticks)',
    sql: 'ALTER TABLE mlc_dedupe ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(); CREATE INDEX mlc_dedupe_created ON mlc_dedupe (created_at)',
  },
];

export const LATEST_MIGRATION = Math.max(...MIGRATIONS.map((m) => m.version));

/** The highest migration applied (0 before the first). */
export async function schemaLevel(pool: PgPool): Promise<number> {
  const exists = await pool.query<{ found: string | null }>("SELECT to_regclass('mlc_migrations')::text AS found");
  if (!exists.rows[0]?.found) return 0;
  return Number((await pool.query<{ level: number | null }>('SELECT max(version) AS level FROM mlc_migrations')).rows[0]?.level ?? 0);
}

/** Applies what is missing; returns the versions applied now (empty when the schema was current). */
export async function migrate(pool: PgPool, schema?: string): Promise<number[]> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(schema)}`);
    await client.query('CREATE TABLE IF NOT EXISTS mlc_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM mlc_migrations')).rows.map((r) => r.version));
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO mlc_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    return applied;
  });
}
