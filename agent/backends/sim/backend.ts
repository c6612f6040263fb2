// The sim backend: the boi backend's driver over the fake COM object model and the simulated
// database, so every HTTPS test of the sim also exercises the code that talks to real Sage 100.
// Plus the "other side of the office": admin operations that act as another Sage user would.
import { join } from 'node:path';
import { normaliseSegmentValue, segmentNo } from '../../gl/account-format.ts';
import { AgentError } from '../../errors.ts';
import { DEFAULT_PROFILE, type SiteProfile } from '../../profile/profile.ts';
import type { Backend } from '../backend.ts';
import { createBoiBackend } from '../boi/backend.ts';
import { SIM_PASSWORD, SIM_USER, SimDatabase, sageStamp, type SimFaults, type SimOptions } from './database.ts';
import { fakeComRuntime, type CallLog } from './fake-com.ts';
import { seedKbs } from './seed.ts';
import { findByAccount, joinKey, SIM_LAYOUT, structureOf, subAccountTable } from './tables.ts';
import { STRICT_VARIANT, type SimVariant } from './variant.ts';

export interface SimBackendOptions extends SimOptions {
  maxSessions?: number;
  lockRetryAfterSeconds?: number;
  /** Which Sage 100 to pretend to be; default the strict reading of the 4.40 layouts. */
  variant?: Partial<SimVariant>;
  /** A site profile (e.g. one `agent selftest --backend sim` wrote); default the simulator's own answers. */
  profile?: SiteProfile;
  profileFile?: string;
}

export interface SimAdmin {
  /** Another user holds a record open; `seconds` null = the lock never clears. */
  lock(target: SimTarget, seconds: number | null): void;
  unlock(target: SimTarget): void;
  /** A person edits a sub-account in Sub Account Maintenance, bypassing the agent. */
  editSubAccount(company: string, segment: string, code: string, changes: { description?: string; shortDescription?: string; status?: 'A' | 'I' | 'D' }): void;
  setFaults(faults: Partial<SimFaults> & { licences?: number; dropSessions?: boolean }): void;
  state(): { licencesTotal: number; licencesInUse: number; locks: number; faults: SimFaults; companies: Record<string, Record<string, number>> };
}

export interface SimTarget {
  company: string;
  table: 'GL_SubAccount' | 'GL_Account';
  /** Sub-account: [segment, code]; account: [formatted account]. */
  key: string[];
}

export interface SimBackend {
  backend: Backend;
  admin: SimAdmin;
  db: SimDatabase;
  calls: CallLog;
}

/** The simulator's own answers: the default profile is the strict simulator's layout, verified by construction. */
export function simulatorProfile(): SiteProfile {
  return { ...DEFAULT_PROFILE, verified: { at: new Date().toISOString(), by: 'simulator', company: 'KBS', headcount: true } };
}

/** A data file written by an older simulator (another table layout) is re-seeded, not misread. */
function reseedOtherLayouts(db: SimDatabase): void {
  if (Object.values(db.companies).every((c) => c.layout === SIM_LAYOUT)) return;
  for (const code of Object.keys(db.companies)) delete db.companies[code];
  db.companies.KBS = seedKbs();
  db.save();
}

export function createSimBackend(options: SimBackendOptions = {}): SimBackend {
  const db = new SimDatabase({ ...options, dataDir: options.dataDir ? join(options.dataDir, 'sim') : undefined });
  reseedOtherLayouts(db);
  const calls: CallLog = [];
  const backend = createBoiBackend({
    kind: 'sim',
    com: fakeComRuntime(db, calls, { ...STRICT_VARIANT, ...options.variant }),
    homePath: 'C:\\Sage\\Sage 100 Standard\\MAS90\\Home',
    user: options.user ?? SIM_USER,
    password: options.password ?? SIM_PASSWORD,
    companies: Object.values(db.companies).map((c) => ({ code: c.code, name: c.name })),
    maxSessions: options.maxSessions ?? 2,
    lockRetryAfterSeconds: options.lockRetryAfterSeconds ?? 2,
    profile: options.profile ?? simulatorProfile(),
    profileSource: options.profile ? { source: 'file', ...(options.profileFile ? { file: options.profileFile } : {}) } : { source: 'simulator' },
  });
  // Keep the call log from growing without bound in a long demo run.
  const trim = setInterval(() => calls.splice(0, Math.max(0, calls.length - 1000)), 10_000);
  trim.unref();
  const close = async (): Promise<void> => {
    clearInterval(trim);
    await backend.close();
  };
  return { backend: { ...withLatency(backend, db), close }, admin: simAdmin(db), db, calls };
}

const SAGE_CALLS = ['listCompanies', 'accountStructure', 'listSubAccounts', 'getSubAccount', 'upsertSubAccount', 'listAccounts', 'getAccount', 'upsertAccount', 'listHeadcount', 'upsertHeadcount'] as const;

/**
 * The latency fault as an asynchronous wait before each Sage call. It used to be a busy wait inside
 * every COM call, which froze the whole agent (health checks, TLS handshakes, connection limits)
 * for as long as the fault lasted.
 */
function withLatency(backend: Backend, db: SimDatabase): Backend {
  const wrapped: Backend = { ...backend };
  for (const name of SAGE_CALLS) {
    const call = backend[name] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      if (db.faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, db.faults.latencyMs));
      return call(...args);
    };
  }
  return wrapped;
}

function companyOf(db: SimDatabase, code: string) {
  const company = db.companies[code.toUpperCase()];
  if (!company) throw new AgentError('unknown_company', `company ${code} does not exist in the simulator`);
  return company;
}

/** The primary key of the target record: GL_Account is keyed by AccountKey, found from the formatted account. */
function tableKey(db: SimDatabase, target: SimTarget): string {
  const company = companyOf(db, target.company);
  if (target.table === 'GL_Account') {
    const row = findByAccount(company, target.key[0] ?? '');
    if (!row) throw new AgentError('not_found', `account ${target.key[0] ?? ''} does not exist`);
    return String(row.AccountKey);
  }
  const spec = structureOf(company).segments.find((s) => segmentNo(s.number) === target.key[0]);
  const code = spec ? normaliseSegmentValue(spec, target.key[1] ?? '') : undefined;
  return joinKey(subAccountTable, { SegmentNo: target.key[0] ?? '', SubAccountCode: code && 'value' in code ? code.value : (target.key[1] ?? '') });
}

function simAdmin(db: SimDatabase): SimAdmin {
  return {
    lock: (target, seconds) => db.lockRecord(target.company.toUpperCase(), target.table, tableKey(db, target), seconds),
    unlock: (target) => db.unlockRecord(target.company.toUpperCase(), target.table, tableKey(db, target)),
    editSubAccount(companyCode, segment, code, changes) {
      const key = tableKey(db, { company: companyCode, table: 'GL_SubAccount', key: [segment, code] });
      const row = companyOf(db, companyCode).tables.GL_SubAccount[key];
      if (!row) throw new AgentError('not_found', `sub-account ${segment}/${code} does not exist`);
      const { date, time } = sageStamp();
      if (changes.description !== undefined) row.SubAccountDesc = changes.description.slice(0, 40);
      if (changes.shortDescription !== undefined) row.SubAccountShortDesc = changes.shortDescription.slice(0, 10);
      if (changes.status !== undefined) row.Status = changes.status;
      Object.assign(row, { DateUpdated: date, TimeUpdated: time, UserUpdatedKey: '0000000007' });
      db.save();
    },
    setFaults(faults) {
      if (faults.comFailures !== undefined) db.faults.comFailures = faults.comFailures;
      if (faults.deniedTasks !== undefined) db.faults.deniedTasks = faults.deniedTasks;
      if (faults.latencyMs !== undefined) db.faults.latencyMs = faults.latencyMs;
      if (faults.licences !== undefined) db.licencesTotal = faults.licences;
      if (faults.dropSessions) {
        // pvxcom.exe restarted: every open session is dead and its licence is returned.
        db.generation++;
        db.licencesInUse = 0;
      }
    },
    state: () => ({
      licencesTotal: db.licencesTotal,
      licencesInUse: db.licencesInUse,
      locks: db.lockCount(),
      faults: { ...db.faults },
      companies: Object.fromEntries(
        Object.values(db.companies).map((c) => [c.code, Object.fromEntries(Object.entries(c.tables).map(([name, rows]) => [name, Object.keys(rows).length]))]),
      ),
    }),
  };
}
