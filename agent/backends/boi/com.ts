// The slice of the ProvideX COM object model the agent calls (sage100.md §2.2–2.4). Method names keep
// BOI's type prefixes: `n` returns a number (1 ok, 0 failure, -1 ok with a warning, 2 new record on
// SetKey), `s` a string. Failures are reported through return codes and sLastErrorMsg; only a broken
// COM connection throws.
//
// Properties are typed `unknown` on purpose: winax hands back a dispatch wrapper, not a string, for a
// member without type information (sage100.md §9), so every read goes through com-value.ts.

/** A by-reference argument (`nGetValue(col, byref v)`): winax wraps it in a Variant. */
export interface ByRef {
  readonly brand: 'ByRef';
}

export interface ComRuntime {
  /** `CreateObject("ProvideX.Script")`. */
  createScript(): PvxScript;
  /** The variant's type follows the initial value: '' for `$` columns, 0 for numeric ones. */
  byRef(initial: string | number): ByRef;
  readByRef(ref: ByRef): unknown;
}

export interface PvxScript {
  Init(homePath: string): unknown;
  /** May return Nothing (null/undefined) with the reason on the session's sLastErrorMsg. */
  NewObject(name: string, session?: SySession): unknown;
}

export interface SySession {
  readonly sLastErrorMsg: unknown;
  nLogon?(): unknown;
  nSetUser(user: string, password: string): unknown;
  nSetCompany(company: string): unknown;
  nSetDate(module: string, date: string): unknown;
  nSetModule(module: string): unknown;
  nLookupTask(task: string): unknown;
  nSetProgram(taskId: number): unknown;
  nCleanup(): unknown;
  DropObject(): unknown;
  /** [I] The company's name; read by `agent selftest --write-test` to confirm a test company. */
  readonly sCompanyName?: unknown;
}

export interface BusObject {
  readonly sLastErrorMsg: unknown;
  nSetKeyValue(column: string, value: string): unknown;
  nSetKey(): unknown;
  nSetValue(column: string, value: string | number): unknown;
  nGetValue(column: string, ref: ByRef): unknown;
  nWrite(): unknown;
  nClear(): unknown;
  nFind(key?: string): unknown;
  nSetBrowseFilter(prefix: string): unknown;
  nMoveFirst(): unknown;
  nMoveNext(): unknown;
  nEOF(): unknown;
  /** [I] Selects a secondary index (e.g. `kACCOUNT`); not every object or release may have it. */
  nSetIndex?(index: string): unknown;
  DropObject(): unknown;
}

/** Return codes of BOI methods. */
export const RC = { failure: 0, ok: 1, warning: -1, newRecord: 2, existing: 1 } as const;
