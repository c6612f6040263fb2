// The changes the admin API can make (hire, terminate, rehire, move, update, delete, list options).
// Each one edits the history tables the way BambooHR does and records the change once.
import type { Company, Employee, JobInfoRow, ListAlias, ListOption } from './model.ts';
import { LIST_ALIASES, employeeById } from './model.ts';
import { currentRow, readField, findField, type ReadContext } from './fields.ts';
import type { SandboxState } from './state.ts';
import { isoSeconds, NO_DATE } from './time.ts';

export class ChangeError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function dateArg(value: unknown, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !DATE.test(value)) throw new ChangeError(400, `date must be YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return value;
}

function str(value: unknown, name: string, required = false): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw new ChangeError(400, `${name} is required`);
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') throw new ChangeError(400, `${name} must be a non-empty string`);
  return value;
}

export function findEmployee(company: Company, id: string | number): Employee {
  const e = employeeById(company, id);
  if (!e || e.deleted) throw new ChangeError(404, `employee ${id} not found in ${company.domain}`);
  return e;
}

export function optionByName(company: Company, alias: ListAlias, name: string): ListOption {
  const found = company.lists[alias].options.find((o) => o.name === name);
  if (!found) throw new ChangeError(400, `unknown ${alias} option ${JSON.stringify(name)}; add it first`);
  return found;
}

function snapshot(state: SandboxState, company: Company, e: Employee, aliases: readonly string[]): Record<string, unknown> {
  const ctx: ReadContext = { company, day: state.today(), onlyCurrent: true };
  const out: Record<string, unknown> = {};
  for (const alias of aliases) {
    const def = findField(alias);
    if (def) out[alias] = readField(ctx, e, def);
  }
  return out;
}

const WATCHED = ['firstName', 'lastName', 'preferredName', 'workEmail', 'employeeNumber', 'status', 'employmentHistoryStatus', 'hireDate', 'originalHireDate', 'terminationDate', 'department', 'division', 'location', 'jobTitle', 'supervisor', 'supervisorEId', 'departmentId', 'divisionId', 'locationId'];

/** Runs a change and records which watched fields it altered (as seen today). */
function withDiff(state: SandboxState, company: Company, e: Employee, change: () => void): string[] {
  const before = snapshot(state, company, e, WATCHED);
  change();
  const after = snapshot(state, company, e, WATCHED);
  const changed = WATCHED.filter((k) => before[k] !== after[k]);
  // History rows changed even if nothing is visible today (a future-dated move): still an update.
  state.record(company, e, 'updated', changed);
  return changed;
}

export interface HireInput {
  firstName?: unknown;
  lastName?: unknown;
  department?: unknown;
  division?: unknown;
  location?: unknown;
  jobTitle?: unknown;
  hireDate?: unknown;
  supervisorEId?: unknown;
  employmentStatus?: unknown;
  workEmail?: unknown;
}

function optionalOption(company: Company, alias: ListAlias, value: unknown): number | null {
  const name = str(value, alias);
  return name === undefined ? null : optionByName(company, alias, name).id;
}

export function hire(state: SandboxState, company: Company, input: HireInput): Employee {
  const firstName = str(input.firstName, 'firstName', true)!;
  const lastName = str(input.lastName, 'lastName', true)!;
  const hireDate = dateArg(input.hireDate, state.today());
  const supervisor = input.supervisorEId === undefined || input.supervisorEId === null ? null : findEmployee(company, String(input.supervisorEId)).id;
  const row = () => ++company.counters.row;
  const id = ++company.counters.employee;
  const e: Employee = {
    id,
    employeeNumber: String(1000 + id),
    firstName,
    lastName,
    middleName: null,
    preferredName: null,
    status: hireDate > state.today() ? 'Inactive' : 'Active',
    workEmail: str(input.workEmail, 'workEmail') ?? null,
    workPhone: null,
    hireDate,
    originalHireDate: hireDate,
    terminationDate: NO_DATE,
    custom: {},
    jobInfo: [
      {
        id: row(),
        date: hireDate,
        departmentId: optionalOption(company, 'department', input.department),
        divisionId: optionalOption(company, 'division', input.division),
        locationId: optionalOption(company, 'location', input.location),
        jobTitleId: optionalOption(company, 'jobTitle', input.jobTitle),
        reportsTo: supervisor,
      },
    ],
    employmentStatus: [{ id: row(), date: hireDate, statusId: optionByName(company, 'employmentHistoryStatus', str(input.employmentStatus, 'employmentStatus') ?? 'Full-Time').id, comment: null }],
    lastChanged: '',
    lastAction: 'Inserted',
    deleted: false,
  };
  company.employees[String(id)] = e;
  // BambooHR fires employee.created and then employee.updated for a new employee.
  state.record(company, e, 'created', []);
  const set = WATCHED.filter((k) => {
    const v = snapshot(state, company, e, [k])[k];
    return v !== null && v !== undefined && v !== NO_DATE;
  });
  state.record(company, e, 'updated', set);
  e.lastAction = 'Inserted';
  return e;
}

export function terminate(state: SandboxState, company: Company, id: string, input: { date?: unknown; comment?: unknown }): string[] {
  const e = findEmployee(company, id);
  const date = dateArg(input.date, state.today());
  return withDiff(state, company, e, () => {
    e.terminationDate = date;
    if (date <= state.today()) e.status = 'Inactive';
    e.employmentStatus.push({ id: ++company.counters.row, date, statusId: optionByName(company, 'employmentHistoryStatus', 'Terminated').id, comment: str(input.comment, 'comment') ?? null });
  });
}

export function rehire(state: SandboxState, company: Company, id: string, input: { date?: unknown; employmentStatus?: unknown }): string[] {
  const e = findEmployee(company, id);
  const date = dateArg(input.date, state.today());
  const statusId = optionByName(company, 'employmentHistoryStatus', str(input.employmentStatus, 'employmentStatus') ?? 'Full-Time').id;
  return withDiff(state, company, e, () => {
    // On rehire the earlier hire date moves to originalHireDate.
    if (e.originalHireDate === e.hireDate || e.originalHireDate === NO_DATE) e.originalHireDate = e.hireDate;
    e.hireDate = date;
    e.terminationDate = NO_DATE;
    e.status = date <= state.today() ? 'Active' : 'Inactive';
    e.employmentStatus.push({ id: ++company.counters.row, date, statusId, comment: 'Rehired' });
  });
}

export interface MoveInput {
  department?: unknown;
  division?: unknown;
  location?: unknown;
  jobTitle?: unknown;
  supervisorEId?: unknown;
  date?: unknown;
}

export function move(state: SandboxState, company: Company, id: string, input: MoveInput): string[] {
  const e = findEmployee(company, id);
  const date = dateArg(input.date, state.today());
  // The new row starts from the row in effect on its own date (latest date on or before it, the row
  // entered last on a tie): a move today must not copy a future-dated row's values, and a back-dated
  // one starts from what was true then (or, dated before every row, from the earliest).
  const base = currentRow(e.jobInfo, date, true) ?? [...e.jobInfo].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id))[0];
  const next: JobInfoRow = { id: ++company.counters.row, date, locationId: null, divisionId: null, departmentId: null, jobTitleId: null, reportsTo: null, ...(base ? { ...base, id: company.counters.row, date } : {}) };
  // An explicit null clears the value (e.g. moving someone out of every department).
  const apply = (alias: ListAlias, key: 'departmentId' | 'divisionId' | 'locationId' | 'jobTitleId', value: unknown): void => {
    if (value === undefined) return;
    next[key] = value === null ? null : optionByName(company, alias, String(value)).id;
  };
  apply('department', 'departmentId', input.department);
  apply('division', 'divisionId', input.division);
  apply('location', 'locationId', input.location);
  apply('jobTitle', 'jobTitleId', input.jobTitle);
  if (input.supervisorEId !== undefined) next.reportsTo = input.supervisorEId === null ? null : findEmployee(company, String(input.supervisorEId)).id;
  return withDiff(state, company, e, () => {
    e.jobInfo.push(next);
  });
}

const REQUIRED_TEXT = ['firstName', 'lastName', 'employeeNumber'] as const;
const OPTIONAL_TEXT = ['preferredName', 'workEmail', 'workPhone'] as const;

export function update(state: SandboxState, company: Company, id: string, input: Record<string, unknown>): string[] {
  const e = findEmployee(company, id);
  const editable: readonly string[] = [...REQUIRED_TEXT, ...OPTIONAL_TEXT];
  for (const key of Object.keys(input)) {
    if (!editable.includes(key)) throw new ChangeError(400, `field ${key} cannot be edited here; editable: ${editable.join(', ')}`);
  }
  // Validate everything before changing anything, so a bad field leaves the record untouched.
  const required = REQUIRED_TEXT.filter((k) => input[k] !== undefined).map((k) => [k, str(input[k], k, true)!] as const);
  const optional = OPTIONAL_TEXT.filter((k) => input[k] !== undefined).map((k) => [k, str(input[k], k) ?? null] as const);
  return withDiff(state, company, e, () => {
    for (const [k, v] of required) e[k] = v;
    for (const [k, v] of optional) e[k] = v;
  });
}

export function remove(state: SandboxState, company: Company, id: string): void {
  const e = findEmployee(company, id);
  e.deleted = true;
  state.record(company, e, 'deleted', []);
}

function listArg(alias: string): ListAlias {
  if (!(LIST_ALIASES as readonly string[]).includes(alias)) throw new ChangeError(404, `no list ${alias}; lists: ${LIST_ALIASES.join(', ')}`);
  return alias as ListAlias;
}

export function addOption(state: SandboxState, company: Company, alias: string, input: { name?: unknown }): ListOption {
  const list = company.lists[listArg(alias)];
  const name = str(input.name, 'name', true)!;
  if (list.options.some((o) => o.name === name)) throw new ChangeError(409, `${alias} option ${name} already exists`);
  const option: ListOption = { id: ++company.counters.option, name, archived: false, createdDate: isoSeconds(state.clock()), archivedDate: null };
  list.options.push(option);
  state.changed();
  return option;
}

/** Renaming an option renames it for everyone who has it; those employees show as Updated (a sandbox choice: BambooHR does not document it). */
export function updateOption(state: SandboxState, company: Company, alias: string, optionId: string, input: { name?: unknown; archived?: unknown }): ListOption {
  const listAlias = listArg(alias);
  const option = company.lists[listAlias].options.find((o) => String(o.id) === optionId);
  if (!option) throw new ChangeError(404, `no ${alias} option ${optionId}`);
  const name = str(input.name, 'name');
  if (typeof input.archived === 'boolean') {
    option.archived = input.archived;
    option.archivedDate = input.archived ? isoSeconds(state.clock()) : null;
  }
  if (name !== undefined && name !== option.name) {
    const holders = Object.values(company.employees).filter((e) => {
      if (e.deleted) return false;
      if (listAlias === 'employmentHistoryStatus') return currentRow(e.employmentStatus, state.today(), true)?.statusId === option.id;
      const key = `${listAlias}Id` as 'departmentId' | 'divisionId' | 'locationId' | 'jobTitleId';
      return currentRow(e.jobInfo, state.today(), true)?.[key] === option.id;
    });
    option.name = name;
    for (const e of holders) state.record(company, e, 'updated', [listAlias]);
  }
  state.changed();
  return option;
}
