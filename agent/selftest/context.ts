// What every selftest step shares: the raw COM objects of one session (no agent logic in between,
// so what is printed is what Sage answered), small helpers that report rather than throw, and the
// list of step results.
import { comNumber, comText, comTypeOf, comValue, isNothing } from '../backends/boi/com-value.ts';
import type { BusObject, ComRuntime, PvxScript, SySession } from '../backends/boi/com.ts';
import type { SiteProfile } from '../profile/profile.ts';

export type StepStatus = 'PASS' | 'FAIL' | 'UNKNOWN';

export interface StepResult {
  id: string;
  status: StepStatus;
  detail: string;
  data?: Record<string, unknown>;
}

export interface Created {
  object: BusObject | undefined;
  /** `created`, `Nothing` or `error`, with Sage's (or COM's) message. */
  outcome: 'created' | 'Nothing' | 'error';
  message: string;
}

export class ProbeContext {
  readonly steps: StepResult[] = [];
  script!: PvxScript;
  session!: SySession;
  private readonly tasks = new Map<string, number>();

  constructor(
    readonly com: ComRuntime,
    /** The answers found so far; starts as the defaults and is filled in step by step. */
    readonly profile: SiteProfile,
    readonly company: string,
  ) {}

  step(id: string, status: StepStatus, detail: string, data?: Record<string, unknown>): StepResult {
    const result = { id, status, detail, ...(data ? { data } : {}) };
    this.steps.push(result);
    return result;
  }

  hasSession(): boolean {
    return this.session !== undefined;
  }

  sessionMessage(): string {
    return comText(this.session.sLastErrorMsg);
  }

  /** LookupTask + SetProgram; the task id, or the failure with Sage's message. */
  useTask(task: string): { ok: true } | { ok: false; message: string } {
    try {
      let id = this.tasks.get(task);
      if (id === undefined) {
        id = comNumber(this.session.nLookupTask(task));
        if (!id) return { ok: false, message: `LookupTask ${task} = 0: ${this.sessionMessage() || '(no message)'}` };
        this.tasks.set(task, id);
      }
      if (comNumber(this.session.nSetProgram(id)) === 0) return { ok: false, message: `SetProgram ${task} = 0: ${this.sessionMessage() || '(no message)'}` };
      return { ok: true };
    } catch (error) {
      return { ok: false, message: `COM error: ${(error as Error).message}` };
    }
  }

  create(name: string, task?: string): Created {
    if (task) {
      const selected = this.useTask(task);
      if (!selected.ok) return { object: undefined, outcome: 'error', message: selected.message };
    }
    try {
      const made = this.script.NewObject(name, this.session);
      if (isNothing(made)) return { object: undefined, outcome: 'Nothing', message: this.sessionMessage() || '(no message)' };
      return { object: made as BusObject, outcome: 'created', message: '' };
    } catch (error) {
      return { object: undefined, outcome: 'error', message: (error as Error).message };
    }
  }

  /** Runs `use` on a fresh object and drops it; undefined when it cannot be created. */
  with<T>(name: string, task: string | undefined, use: (bus: BusObject) => T): T | undefined {
    const { object } = this.create(name, task);
    if (!object) return undefined;
    try {
      return use(object);
    } finally {
      try {
        object.DropObject();
      } catch {
        // reported by the step that used it
      }
    }
  }

  /** nGetValue with a by-ref variant starting as `initial`: return code, JS type and value. */
  get(bus: BusObject, column: string, initial: string | number): { rc: number; type: string; value: string | number | boolean | undefined; message: string } {
    const ref = this.com.byRef(initial);
    try {
      const rc = comNumber(bus.nGetValue(column, ref));
      const raw = this.com.readByRef(ref);
      return { rc, type: comTypeOf(raw), value: comValue(raw), message: rc ? '' : comText(bus.sLastErrorMsg) };
    } catch (error) {
      return { rc: 0, type: 'error', value: undefined, message: (error as Error).message };
    }
  }

  /** A column as text, with the profile's by-ref typing (`''` for `$` columns, 0 otherwise). */
  text(bus: BusObject, column: string): string {
    const got = this.get(bus, column, column.endsWith('$') ? (this.profile.byRef.string === 'string' ? '' : 0) : this.profile.byRef.numeric === 'number' ? 0 : '');
    return got.value === undefined ? '' : String(got.value).trimEnd();
  }

  /** Visits up to `max` rows of a browse with `filter`; returns how many were visited. */
  browse(bus: BusObject, filter: string, max: number, visit: () => void): number {
    bus.nSetBrowseFilter(filter);
    if (comNumber(bus.nMoveFirst()) === 0) return 0;
    let n = 0;
    while (n < max && comNumber(bus.nEOF()) !== 1) {
      visit();
      n++;
      bus.nMoveNext();
    }
    return n;
  }
}

export const rc = comNumber;
export const text = comText;
