// The one module that imports the PostgreSQL client (`pg`): a pool per store, one transaction helper,
// and URLs with their password hidden for every message and log line.
import pg from 'pg';
import { MlcError } from '../errors.ts';
import { redactUrl } from '../util/redact-url.ts';

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
  /** Resolved from a secret reference, never part of `url` (so no message or log line can carry it). */
  password?: string;
}

export function createPgPool(options: PgPoolOptions): PgPool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    ...(options.ca ? { ssl: { ca: options.ca, rejectUnauthorized: true } } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
  });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  codeErrors(pool, options);
  return pool;
}

// SQLSTATE classes 08 (connection), 53 (resources) and 57P (server shutting down or starting).
const UNREACHABLE_STATE = /^(08|53|57P)/;
const UNREACHABLE_TEXT = /timeout exceeded when trying to connect|Connection terminated|ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EAI_AGAIN|the database system is/i;

/** A dropped or unreachable server, or a pool with no free connection in time, as MLC_STORE_UNREACHABLE (transient). */
export function codedPgError(error: unknown, options: Pick<PgPoolOptions, 'url' | 'connectionTimeoutMs'>): unknown {
  if (error instanceof MlcError || !(error instanceof Error)) return error;
  const code = (error as { code?: string }).code;
  if (!UNREACHABLE_TEXT.test(error.message) && !(code && UNREACHABLE_STATE.test(code))) return error;
  const busy = /timeout exceeded when trying to connect/.test(error.message);
  const detail = busy ? `no pooled connection came free within ${options.connectionTimeoutMs ?? 10_000} ms (pool exhausted or server unreachable)` : error.message.replaceAll(options.url, redactUrl(options.url));
  return new MlcError('MLC_STORE_UNREACHABLE', `the PostgreSQL store at ${redactUrl(options.url)} is unavailable: ${detail}`, { cause: error });
}

/** Promise-style query/connect reject with coded errors; callback-style (pg's own internals) is left alone. */
function codeErrors(pool: pg.Pool, options: PgPoolOptions): void {
  const wrap = <F extends (...args: never[]) => unknown>(fn: F): F =>
    ((...args: never[]) => {
      const result = fn(...args);
      return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(codedPgError(error, options))) : result;
    }) as F;
  pool.query = wrap(pool.query.bind(pool) as (...args: never[]) => unknown) as typeof pool.query;
  pool.connect = wrap(pool.connect.bind(pool) as (...args: never[]) => unknown) as typeof pool.connect;
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

export const escapeIdentifier = (name: string): string => pg.escapeIdentifier(name);

/**
 * LISTEN on its own connection that comes back after the connection drops (pg does not re-LISTEN by
 * itself): reconnects with backoff up to 5 s, LISTENs again, and calls `onNotify` once after every
 * (re)connect so a wake-up missed while away is made up. Notifications only wake; polling guarantees progress.
 */
export function listenWithReconnect(options: PgPoolOptions, channel: string, onNotify: () => void): { close(): Promise<void> } {
  let closed = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let delayMs = 100;
  const schedule = (): void => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delayMs);
    delayMs = Math.min(delayMs * 2, 5_000);
  };
  const connect = async (): Promise<void> => {
    if (closed) return;
    const next = new pg.Client({ connectionString: options.url, ...(options.ca ? { ssl: { ca: options.ca, rejectUnauthorized: true } } : {}), ...(options.password !== undefined ? { password: options.password } : {}) });
    next.on('error', () => undefined);
    next.on('notification', () => onNotify());
    next.on('end', () => {
      if (client === next) client = undefined;
      schedule();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      client = next;
      delayMs = 100;
      onNotify();
    } catch {
      await next.end().catch(() => undefined);
      schedule();
    }
  };
  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
