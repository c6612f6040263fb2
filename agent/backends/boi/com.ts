// The slice of the ProvideX COM object model the agent calls (sage100.md §2.2–2.4). Method names keep
// BOI's type prefixes: `n` returns a number (1 ok, 0 failure, -1 ok with a warning, 2 new record on
// SetKey), `s` a string. Failures are reported through return codes and sLastErrorMsg; only a broken
// COM connection throws.

/** A by-reference argument (`nGetValue(col, byref v)`): winax wraps it in a Variant. */
export interface ByRef {
  readonly brand: 'ByRef';
}

export interface ComRuntime {
  /** `CreateObject("ProvideX.Script")`. */
  createScript(): PvxScript;
  byRef(initial: string): ByRef;
  readByRef(ref: ByRef): unknown;
}

export interface PvxScript {
  Init(homePath: string): unknown;
  NewObject(name: string, session?: SySession): unknown;
}

export interface SySession {
  readonly sLastErrorMsg: string;
  nLogon?(): number;
  nSetUser(user: string, password: string): number;
  nSetCompany(company: string): number;
  nSetDate(module: string, date: string): number;
  nSetModule(module: string): number;
  nLookupTask(task: string): number;
  nSetProgram(taskId: number): number;
  nCleanup(): number;
  DropObject(): unknown;
}

export interface BusObject {
  readonly sLastErrorMsg: string;
  nSetKeyValue(column: string, value: string): number;
  nSetKey(): number;
  nSetValue(column: string, value: string | number): number;
  nGetValue(column: string, ref: ByRef): number;
  nWrite(): number;
  nClear(): number;
  nFind(): number;
  nSetBrowseFilter(prefix: string): number;
  nMoveFirst(): number;
  nMoveNext(): number;
  nEOF(): number;
  DropObject(): unknown;
}

/** Return codes of BOI methods. */
export const RC = { failure: 0, ok: 1, warning: -1, newRecord: 2, existing: 1 } as const;
