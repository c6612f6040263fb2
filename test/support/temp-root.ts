// Vitest's global setup: every test file (and every process a test starts) makes its temporary
// folders under one folder for this run, removed when the run ends. Tests clean up after themselves
// where they can; a server killed mid-test or a folder a harness hands out cannot, and those were
// left in the machine's temporary folder by the thousand.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'mlc-tests-'));
  // Passable by other users, as the system's temporary folder is: run as root, the PostgreSQL tests
  // start the server as the postgres user, in a folder made here.
  chmodSync(root, 0o711);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
