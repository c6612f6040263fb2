// One Sage 100 session, opened with the documented sequence (sage100.md §2.2):
// ProvideX.Script → Init(home) → SY_Session → SetUser → SetCompany → SetDate → SetModule, then per
// task LookupTask → SetProgram before a business object is created. Every value read from COM goes
// through com-value.ts (winax wrappers), and NewObject's result is checked (it can be Nothing).
import { AgentError } from '../../errors.ts';
import { byRefInitial, type SiteProfile } from '../../profile/profile.ts';
import { classifyBoiFailure, type ClassifyOptions, type Fallback } from './classify.ts';
import { comNumber, comText, comValue, isNothing } from './com-value.ts';
import type { BusObject, ComRuntime, PvxScript, SySession } from './com.ts';
import { MODULE } from './objects.ts';

export interface SessionConfig {
  homePath: string;
  user: string;
  password: string;
  classify: ClassifyOptions;
  profile: SiteProfile;
  /** Formatted account → AccountKey, per company, shared by the pool's sessions (AccountKey never changes). */
  accountKeys?: Map<string, Map<string, string>>;
  /** Accounting date for SetDate; defaults to today. */
  today?: () => string;
}

function todayYyyymmdd(): string {
  const now = new Date();
  return `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}`;
}

export class BoiSession {
  private readonly taskIds = new Map<string, number>();
  private currentTask = '';
  lastUsedMs = Date.now();

  private constructor(
    readonly com: ComRuntime,
    private readonly script: PvxScript,
    private readonly session: SySession,
    readonly company: string,
    readonly classify: ClassifyOptions,
    readonly profile: SiteProfile,
    private readonly keys: Map<string, Map<string, string>>,
  ) {}

  /** The known AccountKeys of this session's company (a cache: a hit is confirmed before use). */
  accountKeys(): Map<string, string> {
    let map = this.keys.get(this.company);
    if (!map) this.keys.set(this.company, (map = new Map()));
    return map;
  }

  /** Opens a session; a refusal becomes a typed error and whatever was opened is released. */
  static open(com: ComRuntime, company: string, config: SessionConfig): BoiSession {
    const script = com.createScript();
    script.Init(config.homePath);
    const created = script.NewObject('SY_Session');
    if (isNothing(created)) throw new AgentError('internal_error', 'ProvideX.Script.NewObject("SY_Session") returned Nothing; check the Sage 100 client install (run agent selftest)');
    const session = created as SySession;
    const steps: Array<[string, () => unknown]> = [
      ['SetUser', () => session.nSetUser(config.user, config.password)],
      ['SetCompany', () => session.nSetCompany(company)],
      ['SetDate', () => session.nSetDate(MODULE, (config.today ?? todayYyyymmdd)())],
      ['SetModule', () => session.nSetModule(MODULE)],
    ];
    for (const [step, call] of steps) {
      let rc: number;
      try {
        rc = comNumber(call());
      } catch (error) {
        release(session); // a half-open session may hold a licence
        throw error;
      }
      if (rc === 0) {
        const error = classifyBoiFailure(comText(session.sLastErrorMsg), step, config.classify, 'permission_denied');
        release(session);
        throw error;
      }
    }
    return new BoiSession(com, script, session, company, config.classify, config.profile, config.accountKeys ?? new Map());
  }

  /** Selects the `_ui` task whose role rights apply to the next business object. */
  useTask(task: string): void {
    if (this.currentTask === task) return;
    let id = this.taskIds.get(task);
    if (id === undefined) {
      id = comNumber(this.session.nLookupTask(task));
      if (!id) throw classifyBoiFailure(this.sessionMessage(), `LookupTask ${task}`, this.classify, 'permission_denied');
      this.taskIds.set(task, id);
    }
    if (comNumber(this.session.nSetProgram(id)) === 0) throw classifyBoiFailure(this.sessionMessage(), `SetProgram ${task}`, this.classify, 'permission_denied');
    this.currentTask = task;
  }

  sessionMessage(): string {
    return comText(this.session.sLastErrorMsg);
  }

  /**
   * Creates a business object, runs `use` with it and always drops it (objects hold files open).
   * NewObject returns Nothing when Sage refuses (no role rights, unknown object), with the reason on
   * the session: a refusal is permission_denied, anything else not_supported, never a COM crash.
   */
  withObject<T>(name: string, task: string | undefined, use: (bus: BusObject) => T): T {
    if (task) this.useTask(task);
    const created = this.script.NewObject(name, this.session);
    if (isNothing(created)) throw classifyBoiFailure(this.sessionMessage(), `NewObject ${name}`, this.classify, 'not_supported');
    const bus = created as BusObject;
    try {
      return use(bus);
    } finally {
      try {
        bus.DropObject();
      } catch {
        // Dropping an object of a dead session fails too; the session is discarded by the caller.
      }
    }
  }

  /** Reads one column of the current record; the by-ref variant is typed by the column (`$` = string). */
  value(bus: BusObject, column: string): string | number {
    const ref = this.com.byRef(byRefInitial(this.profile, column));
    if (comNumber(bus.nGetValue(column, ref)) === 0) throw new AgentError('internal_error', `could not read ${column}: ${comText(bus.sLastErrorMsg)}`);
    const value = comValue(this.com.readByRef(ref));
    return typeof value === 'number' ? value : comText(value);
  }

  text(bus: BusObject, column: string): string {
    return String(this.value(bus, column));
  }

  number(bus: BusObject, column: string): number {
    const value = Number(this.value(bus, column));
    if (!Number.isFinite(value)) throw new AgentError('internal_error', `${column} is not a number`);
    return value;
  }

  fail(bus: BusObject, step: string, fallback: Fallback = 'sage_rejected'): AgentError {
    return classifyBoiFailure(comText(bus.sLastErrorMsg), step, this.classify, fallback);
  }

  /** The session's company name, when Sage exposes it ([I] `sCompanyName`). */
  companyName(): string {
    return comText(this.session.sCompanyName);
  }

  close(): void {
    release(this.session);
  }
}

function release(session: SySession): void {
  try {
    session.nCleanup();
    session.DropObject();
  } catch {
    // A session whose COM server died cannot be cleaned up; the server took its licence with it.
  }
}
