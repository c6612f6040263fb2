// Optional persistence: the whole state as one JSON file, written atomically (temp file + rename),
// at most every 100 ms while changes keep coming.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ConnectorRuntimeError } from '../../runtime/errors.ts';
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

export function saveSnapshot(file: string, companies: Company[]): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify({ version: 1, companies } satisfies Snapshot));
  renameSync(tmp, file);
}

export class DebouncedSaver {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => Company[],
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), 100);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    saveSnapshot(this.file, this.snapshot());
  }
}
