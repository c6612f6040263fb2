// The field catalogue (what /meta/fields lists) and how each field's value is read from the model.
// Requests may name a field by alias or by numeric id, as BambooHR allows.
import { employeeById, type Company, type Employee, type JobInfoRow, type ListAlias } from './model.ts';
import { NO_DATE } from './time.ts';

export interface FieldDef {
  id: number | string;
  name: string;
  type: string;
  alias?: string;
  deprecated?: true;
  /** Listed in /meta/fields but never returned: the API user lacks permission, so it is omitted. */
  restricted?: true;
}

export const FIELDS: readonly FieldDef[] = [
  { id: 1, alias: 'firstName', name: 'First Name', type: 'text' },
  { id: 2, alias: 'lastName', name: 'Last Name', type: 'text' },
  { id: 3, alias: 'middleName', name: 'Middle Name', type: 'text' },
  { id: 1358, alias: 'preferredName', name: 'Preferred Name', type: 'text' },
  { id: 1357, alias: 'displayName', name: 'Display Name', type: 'text' },
  { id: 17, alias: 'jobTitle', name: 'Job Title', type: 'list' },
  { id: 4, alias: 'division', name: 'Division', type: 'list' },
  { id: 1355, alias: 'department', name: 'Department', type: 'list' },
  { id: 18, alias: 'location', name: 'Location', type: 'list' },
  { id: 91, alias: 'supervisor', name: 'Reporting to', type: 'employee' },
  { id: 1359, alias: 'supervisorEId', name: 'Supervisor EID', type: 'text' },
  { id: 1360, alias: 'supervisorId', name: 'Supervisor ID', type: 'text' },
  { id: 1356, alias: 'employeeNumber', name: 'Employee #', type: 'text' },
  { id: 1361, alias: 'status', name: 'Status', type: 'status' },
  { id: 1362, alias: 'employmentHistoryStatus', name: 'Employment Status', type: 'list' },
  { id: 1363, alias: 'hireDate', name: 'Hire Date', type: 'date' },
  { id: 1364, alias: 'originalHireDate', name: 'Original Hire Date', type: 'date' },
  { id: 1365, alias: 'terminationDate', name: 'Termination Date', type: 'date' },
  { id: 15, alias: 'workEmail', name: 'Work Email', type: 'email' },
  { id: 16, alias: 'workPhone', name: 'Work Phone', type: 'phone' },
  { id: 1366, alias: 'lastChanged', name: 'Last Changed', type: 'timestamp' },
  { id: 5001, alias: 'departmentId', name: 'Department ID', type: 'int' },
  { id: 5002, alias: 'divisionId', name: 'Division ID', type: 'int' },
  { id: 5003, alias: 'locationId', name: 'Location ID', type: 'int' },
  { id: 5004, alias: 'jobTitleId', name: 'Job Title ID', type: 'int' },
  { id: 5005, alias: 'jobTitleName', name: 'Job Title Name', type: 'text' },
  { id: 5006, alias: 'canUploadPhoto', name: 'Can Upload Photo', type: 'bool' },
  { id: 7, alias: 'ssn', name: 'SSN', type: 'ssn', restricted: true },
  { id: 1368, alias: 'age', name: 'Age', type: 'int', deprecated: true },
  // A custom field without an alias: only reachable by its numeric id.
  { id: 4501, name: 'Forklift Certification', type: 'text' },
  // A sub-field: dotted string id, as BambooHR lists them.
  { id: '4020.1', name: 'Completed - Category', type: 'list' },
];

const BY_KEY = new Map<string, FieldDef>();
for (const f of FIELDS) {
  BY_KEY.set(String(f.id), f);
  if (f.alias) BY_KEY.set(f.alias, f);
}
// `id` is always answerable though not a catalogue entry.
const ID_FIELD: FieldDef = { id: 0, alias: 'id', name: 'ID', type: 'int' };
BY_KEY.set('id', ID_FIELD);

export function findField(nameOrId: string): FieldDef | undefined {
  return BY_KEY.get(nameOrId);
}

export function fieldDisplayName(nameOrId: string): string {
  return findField(nameOrId)?.name ?? nameOrId;
}

export function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Current row = latest effective date <= today; with onlyCurrent=false the latest row of all (future-dated included). */
export function currentRow<R extends { date: string; id: number }>(rows: readonly R[], day: string, onlyCurrent: boolean): R | undefined {
  let best: R | undefined;
  for (const row of rows) {
    if (onlyCurrent && row.date > day) continue;
    if (!best || row.date > best.date || (row.date === best.date && row.id > best.id)) best = row;
  }
  return best;
}

function optionName(company: Company, alias: ListAlias, id: number | null | undefined): string | null {
  if (id === null || id === undefined) return null;
  return company.lists[alias].options.find((o) => o.id === id)?.name ?? null;
}

export interface ReadContext {
  company: Company;
  day: string;
  onlyCurrent: boolean;
}

function jobValue(ctx: ReadContext, e: Employee, pick: (row: JobInfoRow) => number | null, alias: ListAlias): string | null {
  const row = currentRow(e.jobInfo, ctx.day, ctx.onlyCurrent);
  return row ? optionName(ctx.company, alias, pick(row)) : null;
}

function supervisorOf(ctx: ReadContext, e: Employee): Employee | undefined {
  const row = currentRow(e.jobInfo, ctx.day, ctx.onlyCurrent);
  return row?.reportsTo ? employeeById(ctx.company, row.reportsTo) : undefined;
}

export function employmentStatusName(ctx: ReadContext, e: Employee): string | null {
  const row = currentRow(e.employmentStatus, ctx.day, ctx.onlyCurrent);
  return row ? optionName(ctx.company, 'employmentHistoryStatus', row.statusId) : null;
}

const idText = (n: number | null | undefined): string | null => (n === null || n === undefined ? null : String(n));

type Getter = (ctx: ReadContext, e: Employee) => string | boolean | null;

const GETTERS: Record<string, Getter> = {
  id: (_c, e) => String(e.id),
  firstName: (_c, e) => e.firstName,
  lastName: (_c, e) => e.lastName,
  middleName: (_c, e) => e.middleName,
  preferredName: (_c, e) => e.preferredName,
  displayName: (_c, e) => `${e.preferredName ?? e.firstName} ${e.lastName}`,
  jobTitle: (c, e) => jobValue(c, e, (r) => r.jobTitleId, 'jobTitle'),
  jobTitleName: (c, e) => jobValue(c, e, (r) => r.jobTitleId, 'jobTitle'),
  division: (c, e) => jobValue(c, e, (r) => r.divisionId, 'division'),
  department: (c, e) => jobValue(c, e, (r) => r.departmentId, 'department'),
  location: (c, e) => jobValue(c, e, (r) => r.locationId, 'location'),
  departmentId: (c, e) => idText(currentRow(e.jobInfo, c.day, c.onlyCurrent)?.departmentId),
  divisionId: (c, e) => idText(currentRow(e.jobInfo, c.day, c.onlyCurrent)?.divisionId),
  locationId: (c, e) => idText(currentRow(e.jobInfo, c.day, c.onlyCurrent)?.locationId),
  jobTitleId: (c, e) => idText(currentRow(e.jobInfo, c.day, c.onlyCurrent)?.jobTitleId),
  supervisor: (c, e) => {
    const s = supervisorOf(c, e);
    return s ? `${s.lastName}, ${s.firstName}` : null;
  },
  supervisorEId: (c, e) => idText(supervisorOf(c, e)?.id),
  supervisorId: (c, e) => supervisorOf(c, e)?.employeeNumber ?? null,
  employeeNumber: (_c, e) => e.employeeNumber,
  status: (_c, e) => e.status,
  employmentHistoryStatus: (c, e) => employmentStatusName(c, e),
  hireDate: (_c, e) => e.hireDate,
  originalHireDate: (_c, e) => e.originalHireDate,
  terminationDate: (_c, e) => e.terminationDate || NO_DATE,
  workEmail: (_c, e) => e.workEmail,
  workPhone: (_c, e) => e.workPhone,
  lastChanged: (_c, e) => e.lastChanged,
  canUploadPhoto: () => true,
  age: () => null,
};

/**
 * The value of one field for one employee: a string, null (no value), or undefined when the caller
 * may not see it (the response then omits the key, as BambooHR does).
 */
export function readField(ctx: ReadContext, e: Employee, def: FieldDef): string | boolean | null | undefined {
  if (def.restricted) return undefined;
  const getter = def.alias ? GETTERS[def.alias] : undefined;
  if (getter) return getter(ctx, e);
  return e.custom[String(def.id)] ?? null;
}

/** Response key for a requested field: the name the caller used, as BambooHR echoes it. */
export function selectFields(names: readonly string[]): { known: { key: string; def: FieldDef }[]; unknown: string[] } {
  const known: { key: string; def: FieldDef }[] = [];
  const unknown: string[] = [];
  for (const raw of names) {
    const key = raw.trim();
    if (!key) continue;
    const def = findField(key);
    if (def) known.push({ key, def });
    else unknown.push(key);
  }
  return { known, unknown };
}
