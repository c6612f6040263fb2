// One Sage 100 session, opened with the documented sequence (sage100.md §2.2):
// ProvideX.Script → Init(home) → SY_Session → SetUser → SetCompany → SetDate → SetModule, then per
// task LookupTask → SetProgram before a business object is created.
import { AgentError } from '../../errors.ts';
import { classifyBoiFailure, type ClassifyOptions } from './classify.ts';
import type { BusObject, ComRuntime, PvxScript, SySession } from './com.ts';
import { MODULE } from './objects.ts';

export interface SessionConfig {
  homePath: string;
  user: string;
  password: string;
  classify: ClassifyOptions;
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
    private readonly classify: ClassifyOptions,
  ) {}

  /** Opens a session; a refusal becomes a typed error and whatever was opened is released. */
  static open(com: ComRuntime, company: string, config: SessionConfig): BoiSession {
    const script = com.createScript();
    script.Init(config.homePath);
    const session = script.NewObject('SY_Session') as SySession;
    const steps: Array<[string, () => number]> = [
      ['SetUser', () => session.nSetUser(config.user, config.password)],
      ['SetCompany', () => session.nSetCompany(company)],
      ['SetDate', () => session.nSetDate(MODULE, (config.today ?? todayYyyymmdd)())],
      ['SetModule', () => session.nSetModule(MODULE)],
    ];
    for (const [step, call] of steps) {
      let rc: number;
      try {
        rc = call();
      } catch (error) {
        release(session); // a half-open session may hold a licence
        throw error;
      }
      if (rc === 0) {
        const error = classifyBoiFailure(session.sLastErrorMsg, step, config.classify, 'permission_denied');
        release(session);
        throw error;
      }
    }
    return new BoiSession(com, script, session, company, config.classify);
  }

  /** Selects the `_ui` task whose role rights apply to the next business object. */
  useTask(task: string): void {
    if (this.currentTask === task) return;
    let id = this.taskIds.get(task);
    if (id === undefined) {
      id = this.session.nLookupTask(task);
      if (!id) throw classifyBoiFailure(this.session.sLastErrorMsg, `LookupTask ${task}`, this.classify, 'permission_denied');
      this.taskIds.set(task, id);
    }
    if (this.session.nSetProgram(id) === 0) throw classifyBoiFailure(this.session.sLastErrorMsg, `SetProgram ${task}`, this.classify, 'permission_denied');
    this.currentTask = task;
  }

  /** Creates a business object, runs `use` with it and always drops it (objects hold files open). */
  withObject<T>(name: string, task: string | undefined, use: (bus: BusObject) => T): T {
    if (task) this.useTask(task);
    const bus = this.script.NewObject(name, this.session) as BusObject;
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

  /** Reads one column of the current record as a string (numbers stay numbers). */
  value(bus: BusObject, column: string): string | number {
    const ref = this.com.byRef('');
    if (bus.nGetValue(column, ref) === 0) throw new AgentError('internal_error', `could not read ${column}: ${bus.sLastErrorMsg}`);
    const value = this.com.readByRef(ref);
    return typeof value === 'number' ? value : String(value ?? '').trimEnd();
  }

  text(bus: BusObject, column: string): string {
    return String(this.value(bus, column));
  }

  fail(bus: BusObject, step: string, fallback: 'sage_rejected' | 'not_found' = 'sage_rejected'): AgentError {
    return classifyBoiFailure(bus.sLastErrorMsg, step, this.classify, fallback);
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
