// A fake ProvideX COM object model over the simulated database, strict to the 4.40 layouts and to
// winax (sage100.md §9): return codes 1/0/-1/2, sLastErrorMsg (a dispatch wrapper, not a string,
// unless the variant says otherwise), SetKey 2 = new and 1 = existing, NewObject returning Nothing on
// a security refusal or an unknown object, key columns per table, browse filters as prefixes of the
// primary key, by-reference variants that must have the column's type, licences taken by SetUser,
// records locked by other users and thrown COM failures. The sim backend IS the boi driver over this.
import type { ComRuntime, PvxScript, SySession } from '../boi/com.ts';
import { ComFailure, type SimDatabase } from './database.ts';
import { dispatchWrapper, FakeBusObject, type FakeRef } from './fake-bus.ts';
import type { CompanyData } from './tables.ts';
import { objectsFor, STRICT_VARIANT, TASKS, type SimVariant } from './variant.ts';

/** Records every session-level call in order, so tests can check the documented sequence. */
export type CallLog = string[];

export function fakeComRuntime(db: SimDatabase, calls: CallLog = [], variant: SimVariant = STRICT_VARIANT): ComRuntime {
  return {
    createScript: () => new FakeScript(db, calls, variant),
    byRef: (initial) => ({ brand: 'ByRef', value: initial, initialType: typeof initial }) as FakeRef,
    readByRef: (ref) => (ref as FakeRef).value,
  };
}

class FakeScript implements PvxScript {
  private home = '';
  private readonly objects: ReturnType<typeof objectsFor>;
  constructor(private readonly db: SimDatabase, private readonly calls: CallLog, private readonly variant: SimVariant) {
    this.objects = objectsFor(variant);
  }

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
    if (name === 'SY_Session') return new FakeSession(this.db, this.calls, this.variant);
    if (!(session instanceof FakeSession) || !session.company) throw new ComFailure(`Unable to create object ${name}: no session`);
    const def = this.objects[name];
    if (!def) return session.refuse(`Unable to create object ${name}: the object was not found.`);
    // Role security is checked here: a task without rights, or no task set, gives Nothing.
    if (def.task && (session.task !== def.task || this.db.faults.deniedTasks.includes(def.task))) return session.refuse(this.db.messages.security);
    return new FakeBusObject(this.db, session, def, this.variant);
  }
}

export class FakeSession implements SySession {
  private message = '';
  readonly generation: number;
  user = '';
  company: CompanyData | undefined;
  task = '';
  private holdsLicence = false;
  private dropped = false;

  constructor(private readonly db: SimDatabase, private readonly calls: CallLog, private readonly variant: SimVariant) {
    this.generation = db.generation;
  }

  get sLastErrorMsg(): unknown {
    return this.variant.wrapProperties ? dispatchWrapper(this.message) : this.message;
  }

  get sCompanyName(): unknown {
    const name = this.company?.name ?? '';
    return this.variant.wrapProperties ? dispatchWrapper(name) : name;
  }

  /** NewObject's Nothing, with the reason on the session. */
  refuse(message: string): null {
    this.message = message;
    return null;
  }

  private enter(name: string): void {
    this.calls.push(name);
    if (this.dropped) throw new ComFailure('Object has been dropped');
    this.db.comCall(this.generation);
  }

  private fail(message: string): number {
    this.message = message;
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
    if (company.usersWithoutAccess?.includes(this.user)) return this.fail(`User ${this.user} does not have rights to company ${code}.`);
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
    const index = (TASKS as readonly string[]).indexOf(task);
    return index < 0 ? this.fail(`Task ${task} not found.`) : 100 + index;
  }

  nSetProgram(taskId: number): number {
    this.enter('SetProgram');
    const task = TASKS[taskId - 100];
    if (!task) return this.fail('Invalid program.');
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
