// A fake ProvideX COM object model over the simulated database. It reproduces the BOI calling
// conventions the boi backend relies on — return codes 1/0/-1/2, sLastErrorMsg, SetKey 2 = new and
// 1 = existing, role security through SetProgram, licences taken by SetUser, records locked by other
// users, thrown COM failures — so the sim backend IS the boi backend driving this fake.
import type { BusObject, ByRef, ComRuntime, PvxScript, SySession } from '../boi/com.ts';
import { ComFailure, sageStamp, type SimDatabase } from './database.ts';
import { joinKey, OBJECTS, type CompanyData, type Row, type TableDef } from './tables.ts';

interface FakeRef extends ByRef {
  value: unknown;
}

/** Records every session-level call in order, so tests can check the documented sequence. */
export type CallLog = string[];

export function fakeComRuntime(db: SimDatabase, calls: CallLog = []): ComRuntime {
  return {
    createScript: () => new FakeScript(db, calls),
    byRef: (initial) => ({ brand: 'ByRef', value: initial }) as FakeRef,
    readByRef: (ref) => (ref as FakeRef).value,
  };
}

class FakeScript implements PvxScript {
  private home = '';
  constructor(private readonly db: SimDatabase, private readonly calls: CallLog) {}

  Init(homePath: string): unknown {
    this.db.comCall(this.db.generation);
    this.calls.push('Init');
    this.home = homePath;
    return undefined;
  }

  NewObject(name: string, session?: SySession): unknown {
    this.db.comCall(this.db.generation);
    this.calls.push(`NewObject:${name}`);
    if (!this.home) throw new ComFailure('ProvideX.Script has not been initialised (Init)');
    if (name === 'SY_Session') return new FakeSession(this.db, this.calls);
    const def = OBJECTS[name];
    if (!def || !(session instanceof FakeSession)) throw new ComFailure(`Unable to create object ${name}`);
    return new FakeBusObject(this.db, session, def);
  }
}

const TASKS = Object.values(OBJECTS).map((def) => def.task);

export class FakeSession implements SySession {
  sLastErrorMsg = '';
  readonly generation: number;
  user = '';
  company: CompanyData | undefined;
  task = '';
  private holdsLicence = false;
  private dropped = false;

  constructor(private readonly db: SimDatabase, private readonly calls: CallLog) {
    this.generation = db.generation;
  }

  private enter(name: string): void {
    this.calls.push(name);
    if (this.dropped) throw new ComFailure('Object has been dropped');
    this.db.comCall(this.generation);
  }

  private fail(message: string): number {
    this.sLastErrorMsg = message;
    return 0;
  }

  nSetUser(user: string, password: string): number {
    this.enter('SetUser');
    if (user !== this.db.user || password !== this.db.password) return this.fail('Invalid user logon or password.');
    if (!this.holdsLicence) {
      if (this.db.licencesInUse >= this.db.licencesTotal) return this.fail(this.db.messages.licence);
      this.db.licencesInUse++;
      this.holdsLicence = true;
    }
    this.user = user;
    return 1;
  }

  nSetCompany(code: string): number {
    this.enter('SetCompany');
    if (!this.user) return this.fail('User has not been set.');
    const company = this.db.companies[code];
    if (!company) return this.fail(`Company ${code} does not exist.`);
    if (!company.allowExternalAccess) return this.fail(`Company ${code} is not set up to allow external access.`);
    this.company = company;
    return 1;
  }

  nSetDate(module: string, date: string): number {
    this.enter('SetDate');
    return module === 'G/L' && /^\d{8}$/.test(date) ? 1 : this.fail(`Invalid date ${date} for module ${module}.`);
  }

  nSetModule(module: string): number {
    this.enter('SetModule');
    return module === 'G/L' ? 1 : this.fail(`Module ${module} is not installed.`);
  }

  nLookupTask(task: string): number {
    this.enter('LookupTask');
    const index = TASKS.indexOf(task);
    return index < 0 ? this.fail(`Task ${task} not found.`) : 100 + index;
  }

  nSetProgram(taskId: number): number {
    this.enter('SetProgram');
    const task = TASKS[taskId - 100];
    if (!task) return this.fail('Invalid program.');
    if (this.db.faults.deniedTasks.includes(task)) return this.fail(this.db.messages.security);
    this.task = task;
    return 1;
  }

  nCleanup(): number {
    this.calls.push('Cleanup');
    this.releaseLicence();
    return 1;
  }

  DropObject(): unknown {
    this.calls.push('DropSession');
    this.releaseLicence();
    this.dropped = true;
    return undefined;
  }

  private releaseLicence(): void {
    // A session from before a COM server restart already lost its licence with the server.
    if (this.holdsLicence && this.generation === this.db.generation) this.db.licencesInUse--;
    this.holdsLicence = false;
  }
}

class FakeBusObject implements BusObject {
  sLastErrorMsg = '';
  private key: Record<string, string> = {};
  /** 0 = no record, 1 = existing, 2 = new (BOI's EditState). */
  private editState = 0;
  private current: Row | undefined;
  private browse: Row[] = [];
  private browseIndex = 0;
  private filter = '';

  constructor(private readonly db: SimDatabase, private readonly session: FakeSession, private readonly def: TableDef) {}

  private enter(): CompanyData {
    this.db.comCall(this.session.generation);
    if (!this.session.company) throw new ComFailure('Session has no company');
    return this.session.company;
  }

  private fail(message: string): number {
    this.sLastErrorMsg = message;
    return 0;
  }

  private allowed(): boolean {
    return this.session.task === this.def.task || this.def.readOnlyObject === true;
  }

  nSetKeyValue(column: string, value: string): number {
    this.enter();
    const name = column.replace(/\$$/, '');
    if (!this.def.keyColumns.includes(name)) return this.fail(`${name} is not a key column.`);
    this.key[name] = value;
    return 1;
  }

  private resolveKey(company: CompanyData): Record<string, string> | string {
    return this.def.normaliseKey ? this.def.normaliseKey(company, this.key) : this.key;
  }

  nSetKey(): number {
    const company = this.enter();
    if (!this.allowed()) return this.fail(this.db.messages.security);
    if (this.def.readOnlyObject) return this.fail(`${this.def.name} cannot be edited through this object.`);
    const key = this.resolveKey(company);
    if (typeof key === 'string') return this.fail(key);
    const joined = joinKey(this.def, key);
    if (this.db.isLocked(company.code, this.def.name, joined)) return this.fail(this.db.messages.lock);
    const existing = company.tables[this.def.name][joined];
    this.key = key;
    this.current = existing ? { ...existing } : { ...this.def.defaults?.(company, key), ...key };
    this.editState = existing ? 1 : 2;
    return this.editState;
  }

  nFind(): number {
    const company = this.enter();
    if (!this.allowed()) return this.fail(this.db.messages.security);
    const key = this.resolveKey(company);
    if (typeof key === 'string') return this.fail(key);
    const row = company.tables[this.def.name][joinKey(this.def, key)];
    if (!row) return this.fail('Record not found.');
    this.current = { ...row };
    this.editState = 0;
    return 1;
  }

  nSetValue(column: string, value: string | number): number {
    this.enter();
    const name = column.replace(/\$$/, '');
    const spec = this.def.columns[name];
    if (this.editState === 0 || !this.current) return this.fail('No record is selected.');
    if (!spec) return this.fail(`Column ${name} is not valid.`);
    if (spec.readOnly || this.def.keyColumns.includes(name)) return this.fail(`Column ${name} is read only.`);
    const text = String(value);
    if (spec.numeric ? !Number.isFinite(Number(value)) : text.length > spec.length) return this.fail(`The value for ${name} is invalid or too long (maximum ${spec.length}).`);
    if (spec.values && !spec.values.includes(text)) return this.fail(`${text} is not a valid value for ${name}.`);
    this.current[name] = spec.numeric ? Number(value) : text;
    return 1;
  }

  nGetValue(column: string, ref: ByRef): number {
    this.enter();
    const row = this.editState === 0 && !this.current ? this.browse[this.browseIndex] : this.current;
    const name = column.replace(/\$$/, '');
    if (!row || !(name in row)) return this.fail(`Column ${name} is not valid.`);
    (ref as FakeRef).value = row[name];
    return 1;
  }

  nWrite(): number {
    const company = this.enter();
    if (this.editState === 0 || !this.current) return this.fail('No record is selected.');
    const isNew = this.editState === 2;
    const row = this.current;
    const problem = this.def.beforeWrite?.(company, row, isNew);
    if (problem) return this.fail(problem);
    const { date, time } = sageStamp();
    if (isNew) Object.assign(row, { DateCreated: date, TimeCreated: time, UserCreatedKey: '0000000042' });
    Object.assign(row, { DateUpdated: date, TimeUpdated: time, UserUpdatedKey: '0000000042' });
    company.tables[this.def.name][joinKey(this.def, this.key)] = row;
    this.db.save();
    const warning = this.def.warning?.(company, row);
    this.nClear();
    if (warning) {
      this.sLastErrorMsg = warning;
      return -1;
    }
    return 1;
  }

  nClear(): number {
    this.key = {};
    this.current = undefined;
    this.editState = 0;
    return 1;
  }

  nSetBrowseFilter(prefix: string): number {
    this.enter();
    this.filter = prefix;
    return 1;
  }

  nMoveFirst(): number {
    const company = this.enter();
    if (!this.allowed()) return this.fail(this.db.messages.security);
    this.nClear();
    this.browse = Object.entries(company.tables[this.def.name])
      .filter(([key]) => key.startsWith(this.filter))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => row);
    this.browseIndex = 0;
    return this.browse.length > 0 ? 1 : 0;
  }

  nMoveNext(): number {
    this.enter();
    this.browseIndex++;
    return this.browseIndex < this.browse.length ? 1 : 0;
  }

  nEOF(): number {
    this.enter();
    return this.browseIndex >= this.browse.length ? 1 : 0;
  }

  DropObject(): unknown {
    this.nClear();
    return undefined;
  }
}
