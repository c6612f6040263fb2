// Durable small-file writes for the agent's state (keys, certificate, idempotency log compaction):
// temp file, fsync, rename, so a crash leaves the old or the new content, never a torn file. The temp
// file is created exclusively (a planted file or symlink at its name is never written through) and
// removed when the write fails; `sweepStaleTemps` removes those left by a crashed process.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

const TEMP = /^.+\.(\d+)\.tmp$/;

export interface AtomicWriteOptions {
  /**
   * false: atomic against a crash of this process (temp file + rename), not against power loss (no
   * fsync of the file or its directory). Only for data that is not the agent's own state.
   */
  sync?: boolean;
}

export function writeFileAtomic(path: string, content: string, mode = 0o600, options: AtomicWriteOptions = {}): void {
  const sync = options.sync ?? true;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  // Ours from an earlier failed write in this process, or a dead process that had our pid.
  rmSync(temp, { force: true });
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', mode);
    writeSync(fd, content);
    if (sync) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  if (sync) syncDirectory(dirname(path));
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `*.PID.tmp` files in `directory` whose writer is no longer running. Returns how many. */
export function sweepStaleTemps(directory: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return 0;
  }
  for (const name of names) {
    const pid = TEMP.exec(name)?.[1];
    if (pid === undefined || alive(Number(pid))) continue;
    rmSync(join(directory, name), { force: true });
    removed++;
  }
  return removed;
}

/**
 * Makes the rename itself durable (reliability.md §0.7: rename without a directory fsync can be lost
 * on power failure). Windows cannot open a directory for fsync; NTFS journals the rename instead.
 */
function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // EISDIR/EPERM on Windows: nothing more to do there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
