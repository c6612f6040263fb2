// One writer per data directory: lowdb has no locking between processes, and two writers would
// lose each other's commits. The lock is a file created exclusively, holding the owner's pid; a lock
// left by a process that no longer runs (killed with -9) is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { MlcError } from '../errors.ts';
import { isProcessRunning } from '../util/process-alive.ts';

/** Locks this process holds: a lock file naming our own pid that is not among them was left by an
 * earlier process that had the same pid (pid 1 in a restarted container), and is taken over. */
const held = new Set<string>();

export function acquireDataLock(file: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(file);
      return () => {
        held.delete(file);
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
      const live = owner === process.pid ? held.has(file) : Number.isInteger(owner) && isProcessRunning(owner);
      if (live) {
        throw new MlcError('MLC_STORE_LOCKED', `${file}: process ${owner} is using this state directory; one process writes a --data directory at a time`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new MlcError('MLC_STORE_LOCKED', `${file}: could not take the lock`);
}
