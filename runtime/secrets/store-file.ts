// The store file: `{format, version, secrets: {name: envelope}}`, names in the clear (so `list` and
// `validate` need no key), values sealed. Every change is one durable write (temp, fsync, rename,
// directory fsync) of the whole file. Changes from two processes are kept apart by a lock file, and,
// should a lock be broken wrongly, by re-reading the file just before the rename and starting over if
// someone else wrote it meanwhile.
import { readFile } from 'node:fs/promises';
import { writeFileDurably } from '../util/durable-write.ts';
import { FileLockBusy, withFileLock } from '../util/file-lock.ts';
import { crashPoint } from './crash-point.ts';
import { secretError } from './secret-rules.ts';

export const STORE_FORMAT = 'ml-connector-secrets';
export const STORE_VERSION = 1;

export interface StoreDocument {
  format: typeof STORE_FORMAT;
  version: typeof STORE_VERSION;
  /** Entries stay `unknown` until used: one damaged entry must not make the others unreadable. */
  secrets: Record<string, unknown>;
}

export const emptyStore = (): StoreDocument => ({ format: STORE_FORMAT, version: STORE_VERSION, secrets: {} });

async function readRaw(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw secretError('MLC_SECRET_CORRUPT', `secret store ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
  }
}

export function parseStore(raw: string | undefined, path: string): StoreDocument {
  if (raw === undefined) return emptyStore();
  const corrupt = (why: string): Error => secretError('MLC_SECRET_CORRUPT', `secret store ${path} ${why}; restore it from a backup or remove it and set the secrets again`);
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    throw corrupt('is not valid JSON');
  }
  const d = doc as Partial<StoreDocument> | null;
  if (!d || typeof d !== 'object' || d.format !== STORE_FORMAT) throw corrupt(`is not an ml-connector secret store (no "format": "${STORE_FORMAT}")`);
  if (d.version !== STORE_VERSION) throw corrupt(`has version ${JSON.stringify(d.version)}; this ml-connector reads version ${STORE_VERSION}`);
  if (!d.secrets || typeof d.secrets !== 'object' || Array.isArray(d.secrets)) throw corrupt('has no "secrets" object');
  return { format: STORE_FORMAT, version: STORE_VERSION, secrets: d.secrets };
}

export async function readStore(path: string): Promise<StoreDocument> {
  return parseStore(await readRaw(path), path);
}

class ChangedMeanwhile extends Error {}

/** Serialises this process's changes per file; other processes are caught by the re-read before rename. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Applies `change` to the current document and writes the result durably. `change` returns undefined
 * for "nothing to write" and may throw to refuse (the file is then untouched).
 */
export function updateStore(path: string, change: (doc: StoreDocument) => StoreDocument | undefined): Promise<void> {
  const previous = queues.get(path) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => lockedUpdate(path, change));
  queues.set(path, next);
  void next.finally(() => {
    if (queues.get(path) === next) queues.delete(path);
  }).catch(() => undefined);
  return next;
}

async function lockedUpdate(path: string, change: (doc: StoreDocument) => StoreDocument | undefined): Promise<void> {
  try {
    await withFileLock(path, () => updateNow(path, change));
  } catch (error) {
    if (!(error instanceof FileLockBusy)) throw error;
    throw secretError('MLC_SECRET_STORE_BUSY', `secret store ${path} is being changed by another process; try again (${error.message})`);
  }
}

async function updateNow(path: string, change: (doc: StoreDocument) => StoreDocument | undefined): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const raw = await readRaw(path);
    const updated = change(parseStore(raw, path));
    if (updated === undefined) return;
    try {
      await writeFileDurably(path, `${JSON.stringify(updated, null, 2)}\n`, {
        mode: 0o600,
        directoryMode: 0o700,
        beforeRename: async () => {
          if ((await readRaw(path)) !== raw) throw new ChangedMeanwhile();
          crashPoint('store:before-rename');
        },
      });
      return;
    } catch (error) {
      if (!(error instanceof ChangedMeanwhile)) throw error;
    }
  }
  throw new Error(`secret store ${path} kept changing while this process tried to write it (10 attempts)`);
}
