// The one module that imports the PostgreSQL client (`pg`): a pool per store, one transaction helper,
// and URLs with their password hidden for every message and log line.
import pg from 'pg';

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;

export interface PgPoolOptions {
  url: string;
  /** Sets search_path for every connection (tests give each store its own schema). */
  schema?: string;
  max?: number;
  /** How long a query waits for a free connection before it fails (bounded, never forever). */
  connectionTimeoutMs?: number;
  /** TLS to PostgreSQL: the server's CA (PEM); verification stays on. */
  ca?: string;
}

export function createPgPool(options: PgPoolOptions): PgPool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    ...(options.ca ? { ssl: { ca: options.ca, rejectUnauthorized: true } } : {}),
  });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

export async function inTransaction<T>(pool: PgPool, work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
