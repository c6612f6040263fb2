// Optional persistence: the whole state as one JSON file, written atomically (temp file + rename),
// at most every 100 ms while changes keep coming. The file holds API keys and OAuth secrets: it is
// written 0600. A save that fails (disk full, folder removed) is logged and tried again later; it
// never stops the sandbox.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConnectorRuntimeError } from '../../runtime/errors.ts';
import type { Logger } from '../../runtime/lib/log.ts';
import type { Company } from './model.ts';

interface Snapshot {
  version: 1;
  companies: Company[];
}

export function loadSnapshot(file: string): Company[] | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  if (parsed.version !== 1 || !Array.isArray(parsed.companies)) throw new ConnectorRuntimeError('MLC_STATE_CORRUPT', `${file} is not a BambooHR sandbox data file`);
  return parsed.companies;
}

/** Why `file` cannot be the data file (its folder is missing or not a folder), or undefined. */
export function dataFileProblem(file: string): string | undefined {
  const dir = dirname(file);
  if (!existsSync(dir)) return `the folder of the data file does not exist: ${dir}`;
  if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
  return undefined;
}

export function saveSnapshot(file: string, companies: Company[]): void {
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o600);
    writeSync(fd, JSON.stringify({ version: 1, companies } satisfies Snapshot));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
}

export class DebouncedSaver {
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => Company[],
    private readonly logger?: Logger,
    private readonly write: (file: string, companies: Company[]) => void = saveSnapshot,
  ) {}

  /** Consecutive failed saves (0 once one succeeds). */
  get failedSaves(): number {
    return this.failures;
  }

  schedule(delayMs = 100): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), delayMs);
    this.timer.unref();
  }

  /** Saves now; on failure logs and schedules another try (backing off to 30 s). Never throws. */
  flush(): boolean {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      this.write(this.file, this.snapshot());
      if (this.failures > 0) this.logger?.info({ file: this.file, after: this.failures }, 'sandbox state saved again');
      this.failures = 0;
      return true;
    } catch (error) {
      this.failures++;
      this.logger?.error({ file: this.file, err: (error as Error).message, failures: this.failures }, 'sandbox state could not be saved; retrying');
      this.schedule(Math.min(30_000, 100 * 2 ** Math.min(this.failures, 9)));
      return false;
    }
  }

  /** Last save on shutdown: no retry timer is left behind. */
  close(): boolean {
    const saved = this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return saved;
  }
}
