// A lock file beside a file that several processes rewrite (a CLI and a running service storing a
// rotated token), so that one read-change-write cannot undo another. The lock holds the owner's pid; a
// lock whose owner no longer runs (killed) is broken. Held for milliseconds, so waiting is short.
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessRunning } from './process-alive.ts';

export interface FileLockOptions {
  /** How many times to look again while another live process holds it. */
  attempts?: number;
  waitMs?: number;
  directoryMode?: number;
}

export class FileLockBusy extends Error {}

export async function withFileLock<T>(path: string, body: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lock = `${path}.lock`;
  await mkdir(dirname(lock), { recursive: true, mode: options.directoryMode ?? 0o700 });
  const attempts = options.attempts ?? 250;
  for (let attempt = 0; ; attempt += 1) {
    if (await tryCreate(lock)) break;
    const owner = Number.parseInt(await readFile(lock, 'utf8').catch(() => ''), 10);
    // Our own pid cannot be a live holder (this process serialises its own writers): it is a lock left
    // by an earlier process that had the same pid (pid 1 in a restarted container).
    if (!Number.isInteger(owner) || owner === process.pid || !isProcessRunning(owner)) {
      await unlink(lock).catch(() => undefined);
      continue;
    }
    if (attempt >= attempts) throw new FileLockBusy(`${lock} is held by process ${owner}`);
    await sleep(options.waitMs ?? 20);
  }
  try {
    return await body();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

async function tryCreate(lock: string): Promise<boolean> {
  try {
    const handle = await open(lock, 'wx', 0o600);
    try {
      await handle.writeFile(`${process.pid}\n`);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
