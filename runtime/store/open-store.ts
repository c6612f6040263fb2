// Which store a command uses is deployment configuration (--store, ML_CONNECTOR_STORE_URL), never
// pipeline YAML: `memory:` (nothing kept; for trials), or the embedded lowdb store in a directory
// (`lowdb:DIR`, a plain path, or by default the --data directory), or PostgreSQL (`postgres://…`)
// for several replicas sharing one state.
import { resolve } from 'node:path';
import { openLowdbStore } from './lowdb-store.ts';
import { openPostgresStore } from './postgres-store.ts';
import { createMemoryStore } from './memory-store.ts';
import type { Store } from './store.ts';

export interface StoreChoice {
  /** --store, or ML_CONNECTOR_STORE_URL. */
  url?: string;
  /** --data (default ./.ml-connector/). */
  dataDir: string;
  cwd: string;
  readOnly?: boolean;
  /** PostgreSQL: the password, resolved from a secret reference (store-password.ts); never in `url`. */
  password?: string;
}

export function describeStore(choice: StoreChoice): string {
  return choice.url ?? `lowdb:${resolve(choice.cwd, choice.dataDir)}`;
}

export async function openStore(choice: StoreChoice): Promise<Store> {
  const url = choice.url ?? `lowdb:${choice.dataDir}`;
  if (url === 'memory:') return createMemoryStore();
  if (/^postgres(ql)?:/.test(url)) return openPostgresStore({ url, ...(choice.password !== undefined ? { password: choice.password } : {}) });
  const dir = url.startsWith('lowdb:') ? url.slice('lowdb:'.length) : url.startsWith('file:') ? url.slice('file:'.length) : url;
  return openLowdbStore(resolve(choice.cwd, dir), { readOnly: choice.readOnly ?? false });
}
