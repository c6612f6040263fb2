// The simulated Sage 100 data files plus the "rest of the office": other users' record locks,
// the licence count and injected failures. Table data is persisted (atomic write, no fsync); locks,
// licences and faults are runtime state, as they are in a real Sage system. A save that fails (disk
// full) rolls the tables back to the last saved state before it throws: the write then fails as a
// whole, like a Sage write that did not reach its data file, and leaves no effect behind.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../fs-atomic.ts';
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
  /** How the tables file is written; tests pass one that fails like a full disk. Default: atomic write. */
  persist?: (file: string, content: string) => void;
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
  private readonly file: string | undefined;
  private readonly persist: (file: string, content: string) => void;
  /** The tables as last saved: what a failed save rolls back to. */
  private lastSaved: string;

  constructor(options: SimOptions = {}) {
    this.file = options.dataDir ? join(options.dataDir, 'sage100-sim.json') : undefined;
    this.licencesTotal = options.licences ?? 5;
    this.user = options.user ?? SIM_USER;
    this.password = options.password ?? SIM_PASSWORD;
    this.messages = {
      lock: options.lockMessage ?? 'Record is in use by another user (JSMITH on WKSTN07).',
      licence: options.licenceMessage ?? 'No user licenses are available. Try again later.',
      security: options.securityMessage ?? 'You do not have security rights to this task.',
    };
    // Temp file + rename, without fsync: the tables survive a crash or kill of the agent (what the
    // crash tests and the demo need), not a power cut. The two fsyncs of every save cost 3–14 ms per
    // simulated write on a busy disk, inside the agent's answer and blocking its event loop, on top of
    // the latency fault that stands for Sage's own time — the simulator's cost, not the agent's.
    this.persist = options.persist ?? ((file, content) => writeFileAtomic(file, content, 0o600, { sync: false }));
    const stored = this.file && existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as { companies: Record<string, CompanyData> }) : undefined;
    this.companies = stored?.companies ?? { KBS: seedKbs() };
    this.lastSaved = JSON.stringify({ companies: this.companies });
    if (!stored) this.save();
  }

  /**
   * Writes the tables durably (a crash leaves the old or the new file, never half). When that fails,
   * the in-memory tables go back to the last saved state and the error is rethrown.
   */
  save(): void {
    const content = JSON.stringify({ companies: this.companies });
    if (this.file) {
      try {
        this.persist(this.file, content);
      } catch (error) {
        this.rollback();
        throw error;
      }
    }
    this.lastSaved = content;
  }

  /**
   * Restores every table from the last saved state in place: open sessions keep references to the
   * company objects, so the objects stay and their rows are replaced.
   */
  private rollback(): void {
    const saved = (JSON.parse(this.lastSaved) as { companies: Record<string, CompanyData> }).companies;
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
