// The data directory holds the private key, the API key hashes and the idempotency log: only the
// agent's own account may read or change it. Created 0700 (whatever the umask), files 0600; an
// existing directory or file that others can write (or, for secrets, read) is refused with the fix,
// because another local user could otherwise swap in their own admin key. On Windows the mode bits
// mean nothing: there the folder's ACL does this job (README, "Install on Windows as a service").
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { AgentStartupError } from './startup-error.ts';

const POSIX = process.platform !== 'win32';

function ownedByAnother(uid: number): boolean {
  const me = process.getuid?.();
  return me !== undefined && uid !== me && uid !== 0;
}

/** Creates `dir` (0700) or checks that an existing one is not writable by others. */
export function ensurePrivateDir(dir: string): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode is filtered by the umask only downwards; chmod makes it exact.
    if (POSIX) chmodSync(dir, 0o700);
    return;
  }
  const stat = statSync(dir);
  if (!stat.isDirectory()) throw new AgentStartupError(`the data directory ${dir} is not a directory`, 'pass --data with a directory path');
  if (!POSIX) return;
  if ((stat.mode & 0o022) !== 0) {
    throw new AgentStartupError(`the data directory ${dir} can be written by other users (mode ${octal(stat.mode)}): they could replace the API keys or the private key`, `chmod 700 '${dir}'`);
  }
  if (ownedByAnother(stat.uid)) throw new AgentStartupError(`the data directory ${dir} belongs to another user (uid ${stat.uid})`, `chown "$(id -u)" '${dir}' && chmod 700 '${dir}'`);
}

/**
 * Refuses a secret file (private key, API key hashes) that others can read or write, or that
 * another user owns. `what` names it in the message.
 */
export function assertPrivateFile(file: string, what: string): void {
  if (!POSIX || !existsSync(file)) return;
  const stat = statSync(file);
  if ((stat.mode & 0o077) !== 0) {
    throw new AgentStartupError(`${what} ${file} can be read or written by other users (mode ${octal(stat.mode)})`, `chmod 600 '${file}'`);
  }
  if (ownedByAnother(stat.uid)) throw new AgentStartupError(`${what} ${file} belongs to another user (uid ${stat.uid})`, `check who replaced it, then chown "$(id -u)" '${file}'`);
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}
