// Durable small-file writes for the agent's state (keys, certificate, idempotency log compaction):
// temp file, fsync, rename, so a crash leaves the old or the new content, never a torn file.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeFileAtomic(path: string, content: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  syncDirectory(dirname(path));
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
