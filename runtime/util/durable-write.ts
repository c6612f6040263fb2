// Durable small-file writes: temp file beside the target, fsync, rename, fsync the directory. A kill at
// any instant leaves the old content or the new, never a torn file; the directory fsync makes the
// rename survive a power cut too (a rename alone can be lost).
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isProcessRunning } from './process-alive.ts';

export interface DurableWriteOptions {
  /** Mode of the file (default 0600: whatever we write durably is usually private). */
  mode?: number;
  /** Mode of the directory if it has to be created (an existing directory is left as it is). */
  directoryMode?: number;
  /** Called after the temp file is synced and before it replaces the target; may veto by throwing. */
  beforeRename?: () => Promise<void>;
}

export async function writeFileDurably(path: string, content: string | Uint8Array, options: DurableWriteOptions = {}): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true, mode: options.directoryMode ?? 0o700 });
  await removeStaleTemps(path);
  const temp = join(directory, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', options.mode ?? 0o600);
  try {
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await options.beforeRename?.();
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}

/** Makes a rename in `directory` durable. Windows cannot open a directory for fsync; NTFS journals renames. */
export async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM on Windows: nothing more can be done there.
  } finally {
    await handle?.close();
  }
}

/** Temp files left by a process that was killed before its rename (its pid no longer runs). */
async function removeStaleTemps(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    const pid = name.startsWith(prefix) && name.endsWith('.tmp') ? Number(name.slice(prefix.length).split('.')[0]) : Number.NaN;
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isProcessRunning(pid)) await unlink(join(dirname(path), name)).catch(() => undefined);
  }
}

