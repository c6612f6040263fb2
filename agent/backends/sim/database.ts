// The simulated Sage 100 data files plus the "rest of the office": other users' record locks,
// the licence count and injected failures. Table data is persisted (two files written in turn, no
// fsync: see SimDatabase.save); locks,
// licences and faults are runtime state, as they are in a real Sage system. A save that fails (disk
// full) rolls the tables back to the last saved state before it throws: the write then fails as a
// whole, like a Sage write that did not reach its data file, and leaves no effect behind.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedKbs } from './seed.ts';
import type { CompanyData } from './tables.ts';

export interface SimFaults {
  /** The next N COM calls throw, as a crashed pvxcom.exe does. */
  comFailures: number;
  /** `_ui` tasks the integration user has no role rights on. */
  deniedTasks: string[];
  /** Added (asynchronously, see sim/backend.ts) before every backend call, to imitate a slow server. */
  latencyMs: number;
}

export interface SimOptions {
  /** Directory for the persisted tables; omitted = in memory only. */
  dataDir?: string;
  /** Sage user licences available to the agent's sessions. */
  licences?: number;
  /** The sLastErrorMsg of a locked record. Configurable because the real text is unverified (sage100.md §2.4). */
  lockMessage?: string;
  licenceMessage?: string;
  securityMessage?: string;
  user?: string;
  password?: string;
  /** How a tables file is written; tests pass one that fails like a full disk. Default: a plain write. */
  persist?: (file: string, content: string) => void;
}

/** What a tables file holds: the tables and the number of the save that wrote them. */
interface StoredTables {
  seq?: number;
  companies: Record<string, CompanyData>;
}

/** The two files the tables are saved to in turn; the first is the one older simulators wrote. */
export function simTableFiles(dataDir: string): [string, string] {
  return [join(dataDir, 'sage100-sim.json'), join(dataDir, 'sage100-sim.2.json')];
}

/**
 * The tables as last saved in `dataDir`: the newer of the two files that reads whole (one cut off by
 * a kill in the middle of a save is passed over: the other holds the save before). `index` is the
 * file they came from. A file that exists but does not read, with no other to fall back on, throws.
 */
export function readSimTables(dataDir: string): { stored: StoredTables | undefined; index: number } {
  let best: { stored: StoredTables; index: number } | undefined;
  let failure: unknown;
  simTableFiles(dataDir).forEach((file, index) => {
    if (!existsSync(file)) return;
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredTables;
      if ((stored.seq ?? 0) >= (best?.stored.seq ?? -1)) best = { stored, index };
    } catch (error) {
      failure = error;
    }
  });
  if (!best && failure) throw failure;
  return { stored: best?.stored, index: best?.index ?? 1 };
}

interface RecordLock {
  holder: string;
  /** Epoch ms; Infinity for a lock that never clears. */
  until: number;
}

export const SIM_USER = 'MLCONNECT';
export const SIM_PASSWORD = 'sim-password';

export class SimDatabase {
  readonly companies: Record<string, CompanyData>;
  readonly faults: SimFaults = { comFailures: 0, deniedTasks: [], latencyMs: 0 };
  readonly messages: { lock: string; licence: string; security: string };
  readonly user: string;
  readonly password: string;
  licencesTotal: number;
  licencesInUse = 0;
  /** Bumped to invalidate every open session (a pvxcom.exe restart). */
  generation = 0;
  private readonly locks = new Map<string, RecordLock>();
  private readonly files: [string, string] | undefined;
  private readonly persist: (file: string, content: string) => void;
  /** The tables as last saved: what a failed save rolls back to. */
  private lastSaved: string;
  /** The number of the last save, and which of the two files holds it. */
  private seq: number;
  private current: number;

  constructor(options: SimOptions = {}) {
    this.files = options.dataDir ? simTableFiles(options.dataDir) : undefined;
    this.licencesTotal = options.licences ?? 5;
    this.user = options.user ?? SIM_USER;
    this.password = options.password ?? SIM_PASSWORD;
    this.messages = {
      lock: options.lockMessage ?? 'Record is in use by another user (JSMITH on WKSTN07).',
      licence: options.licenceMessage ?? 'No user licenses are available. Try again later.',
      security: options.securityMessage ?? 'You do not have security rights to this task.',
    };
    // No fsync: the tables survive a crash or kill of the agent (what the crash tests and the demo
    // need), not a power cut. The fsyncs cost 3–14 ms per simulated write on a busy disk, inside the
    // agent's answer and blocking its event loop, on top of the latency fault that stands for Sage's
    // own time — the simulator's cost, not the agent's.
    this.persist = options.persist ?? ((file, content) => writeFileSync(file, content, { mode: 0o600 }));
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const { stored, index } = options.dataDir ? readSimTables(options.dataDir) : { stored: undefined, index: 1 };
    this.companies = stored?.companies ?? { KBS: seedKbs() };
    this.seq = stored?.seq ?? 0;
    this.current = index;
    this.lastSaved = JSON.stringify({ seq: this.seq, companies: this.companies });
    if (!stored) this.save();
  }

  /**
   * Writes the tables so that a crash leaves the last save or this one, never half of one: each save
   * goes to the file that does not hold the last one, numbered, and a start reads the newer file that
   * is whole (readSimTables). Overwriting in turn, not a temp file renamed over the old one: on ext4 a
   * rename over a file makes the kernel write the new file's data out first, which took 1–4 ms of
   * every simulated write while other processes synced. When the write fails, the in-memory tables go
   * back to the last saved state and the error is rethrown.
   */
  save(): void {
    const seq = this.seq + 1;
    const content = JSON.stringify({ seq, companies: this.companies });
    if (this.files) {
      const next = 1 - this.current;
      const file = this.files[next] as string;
      try {
        this.persist(file, content);
      } catch (error) {
        // What the failed write left (nothing, or part of a file) must not be read at the next start;
        // the other file still holds the last save.
        rmSync(file, { force: true });
        this.rollback();
        throw error;
      }
      this.current = next;
    }
    this.seq = seq;
    this.lastSaved = content;
  }

  /**
   * Restores every table from the last saved state in place: open sessions keep references to the
   * company objects, so the objects stay and their rows are replaced.
   */
  private rollback(): void {
    const saved = (JSON.parse(this.lastSaved) as StoredTables).companies;
    for (const [code, company] of Object.entries(this.companies)) {
      const before = saved[code];
      if (!before) {
        delete this.companies[code];
        continue;
      }
      const { tables, ...scalars } = before;
      // e.g. nextAccountKey: a rolled-back create must not use up an AccountKey.
      Object.assign(company, scalars);
      for (const name of Object.keys(company.tables) as Array<keyof CompanyData['tables']>) {
        const rows = company.tables[name] as Record<string, unknown>;
        for (const key of Object.keys(rows)) delete rows[key];
        Object.assign(rows, tables[name] ?? {});
      }
    }
  }

  lockKey(company: string, table: string, key: string): string {
    return `${company}|${table}|${key}`;
  }

  /** Another user opens the record in a maintenance screen; `seconds` null = never lets go. */
  lockRecord(company: string, table: string, key: string, seconds: number | null, holder = 'JSMITH'): void {
    this.locks.set(this.lockKey(company, table, key), { holder, until: seconds === null ? Infinity : Date.now() + seconds * 1000 });
  }

  unlockRecord(company: string, table: string, key: string): void {
    this.locks.delete(this.lockKey(company, table, key));
  }

  isLocked(company: string, table: string, key: string): boolean {
    const lock = this.locks.get(this.lockKey(company, table, key));
    if (!lock) return false;
    if (lock.until <= Date.now()) {
      this.locks.delete(this.lockKey(company, table, key));
      return false;
    }
    return true;
  }

  lockCount(): number {
    return [...this.locks.values()].filter((l) => l.until > Date.now()).length;
  }

  /** Throws like a dead COM server when a failure is injected; every COM entry point calls it. */
  comCall(sessionGeneration: number): void {
    if (this.faults.comFailures > 0) {
      this.faults.comFailures--;
      throw new ComFailure('The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)');
    }
    if (sessionGeneration !== this.generation) throw new ComFailure('The object invoked has disconnected from its clients. (Exception from HRESULT: 0x80010108)');
  }
}

/** What a COM call throws when the out-of-process server is gone (the HRESULT path, not a return code). */
export class ComFailure extends Error {
  override readonly name = 'ComFailure';
}

/** `YYYYMMDD` and Sage's decimal-hours time (sage100.md §2.7). */
export function sageStamp(now = new Date()): { date: string; time: string } {
  const date = `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
  const hours = now.getHours() + now.getMinutes() / 60 + now.getSeconds() / 3600;
  return { date, time: hours.toFixed(5) };
}
