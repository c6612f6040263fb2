// The one module that wraps lowdb. lowdb's own presets are never used: they switch to memory under
// NODE_ENV=test (so a durability test would pass while writing nothing) and their file adapter does
// not fsync. Here the adapter writes a temp file, fsyncs it, renames it over the old one and fsyncs
// the directory, so after a crash (kill -9 or power loss) the file is the old or the new version.
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Low, type Adapter } from 'lowdb';

export class DamagedFileError extends Error {
  override readonly name = 'DamagedFileError';
  constructor(readonly file: string, readonly reason: string) {
    super(`${file} is damaged: ${reason}`);
  }
}

function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Write `text` to `file` so that a crash at any instant leaves the old or the new content. */
export function writeFileDurably(file: string, text: string): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  fsyncDirectory(dirname(file));
}

/**
 * The same durable replace without blocking the event loop: while the fsyncs run, the process keeps
 * reading requests, and the store gathers the changes that arrive meanwhile into its next write (group
 * commit: one fsync for a burst of webhook deliveries, each still acknowledged only once it is durable).
 */
export async function writeFileDurablyAsync(file: string, text: string): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

class DurableJsonFile<T> implements Adapter<T> {
  constructor(private readonly file: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    // An empty or truncated file is never read as "no state": starting empty would re-create everything.
    if (text.trim() === '') throw new DamagedFileError(this.file, 'the file is empty');
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new DamagedFileError(this.file, `not valid JSON (${(error as Error).message})`);
    }
  }

  async write(data: T): Promise<void> {
    await writeFileDurablyAsync(this.file, JSON.stringify(data));
  }
}

export interface DurableDocument<T> {
  data: T;
  /** Durably replaces the file with `data`. */
  write(data: T): Promise<void>;
}

/** Opens (or starts) a JSON document; throws DamagedFileError for a file that exists but does not parse. */
export async function openDurableDocument<T>(file: string, defaults: () => T): Promise<DurableDocument<T>> {
  // Temp files of writers killed before their rename hold nothing committed.
  for (const stale of [`.${basename(file)}`]) rmStaleTemps(dirname(file), stale);
  const low = new Low<T>(new DurableJsonFile<T>(file), defaults());
  await low.read();
  return {
    get data() {
      return low.data;
    },
    async write(data) {
      low.data = data;
      await low.write();
    },
  };
}

function rmStaleTemps(dir: string, prefix: string): void {
  try {
    for (const name of readdirSync(dir)) if (name.startsWith(prefix) && name.endsWith('.tmp')) rmSync(join(dir, name), { force: true });
  } catch {
    // a directory we cannot list is reported by the first real read or write
  }
}

