// Employee read endpoints: Get Employee, directory, changed IDs, tables and changed tables.
import { employeeById, type Company, type Employee } from './model.ts';
import type { HandlerContext } from './context.ts';
import { errorReply, type Reply, type SandboxRequest } from './http.ts';
import { readField, selectFields, type ReadContext } from './fields.ts';
import { parseSince, isoSeconds } from './time.ts';
import { el, type XmlElement } from './xml.ts';

export const MAX_FIELDS = 400;

function onlyCurrentOf(req: SandboxRequest): boolean {
  return (req.query.get('onlyCurrent') ?? 'true').toLowerCase() !== 'false';
}

function readCtx(ctx: HandlerContext, company: Company, req: SandboxRequest): ReadContext {
  return { company, day: ctx.state.today(), onlyCurrent: onlyCurrentOf(req) };
}

export function getEmployee(ctx: HandlerContext, company: Company, req: SandboxRequest, id: string): Reply {
  const wanted = (req.query.get('fields') ?? 'firstName,lastName').split(',');
  if (wanted.length > MAX_FIELDS) return errorReply(ctx.settings, 400, `Too many fields requested (maximum ${MAX_FIELDS})`);
  const { known, unknown } = selectFields(wanted);
  if (unknown.length > 0 && ctx.settings.unknownFields === 'reject') {
    return errorReply(ctx.settings, 400, `Invalid field name(s): ${unknown.join(', ')}`);
  }
  const realId = id === '0' ? String(company.apiUserEmployeeId) : id;
  const e = employeeById(company, realId);
  if (!/^\d+$/.test(id) || !e || e.deleted) return errorReply(ctx.settings, 404, `Employee not found: ${id}`);
  const rc = readCtx(ctx, company, req);
  const out: Record<string, string | boolean | null> = { id: String(e.id) };
  for (const { key, def } of known) {
    const value = readField(rc, e, def);
    if (value !== undefined) out[key] = value;
  }
  return {
    status: 200,
    json: out,
    xml: () => el('employee', { id: String(e.id) }, ...Object.entries(out).filter(([k]) => k !== 'id').map(([k, v]) => el('field', { id: k }, v === null ? '' : String(v)))),
  };
}

const DIRECTORY_FIELDS = [
  { id: 'displayName', type: 'text', name: 'Display name' },
  { id: 'firstName', type: 'text', name: 'First name' },
  { id: 'lastName', type: 'text', name: 'Last name' },
  { id: 'preferredName', type: 'text', name: 'Preferred name' },
  { id: 'jobTitle', type: 'list', name: 'Job title' },
  { id: 'workPhone', type: 'text', name: 'Work Phone' },
  { id: 'workEmail', type: 'email', name: 'Work Email' },
  { id: 'department', type: 'list', name: 'Department' },
  { id: 'location', type: 'list', name: 'Location' },
  { id: 'division', type: 'list', name: 'Division' },
  { id: 'supervisor', type: 'employee', name: 'Supervisor' },
];

export function directory(ctx: HandlerContext, company: Company, req: SandboxRequest): Reply {
  const rc = readCtx(ctx, company, req);
  const employees: Record<string, string | number | null>[] = [];
  for (const e of Object.values(company.employees)) {
    // Active only; onlyCurrent=false also lets in people whose hire is still ahead.
    const future = e.hireDate > rc.day && !e.deleted && e.terminationDate === '0000-00-00';
    if (e.deleted || (e.status !== 'Active' && !(future && !rc.onlyCurrent))) continue;
    const row: Record<string, string | number | null> = { id: String(e.id) };
    for (const f of DIRECTORY_FIELDS) {
      const v = readField(rc, e, { id: f.id, alias: f.id, name: f.name, type: f.type });
      row[f.id] = typeof v === 'boolean' ? String(v) : (v ?? null);
    }
    row.photoUploaded = 'false';
    row.photoUrl = `https://images.bamboohr.com/${company.companyId}/photos/${e.id}-0-1.jpg`;
    row.canUploadPhoto = 1;
    employees.push(row);
  }
  if (employees.length === 0) return errorReply(ctx.settings, 404, 'The directory is empty');
  const fields = [...DIRECTORY_FIELDS, { id: 'photoUploaded', type: 'bool', name: 'Employee photo exists' }, { id: 'photoUrl', type: 'url', name: 'Employee photo url' }, { id: 'canUploadPhoto', type: 'bool', name: 'Can upload photo' }];
  return {
    status: 200,
    json: { fields, employees },
    xml: () =>
      el(
        'directory',
        {},
        el('fieldset', {}, ...fields.map((f) => el('field', { id: f.id }, f.name))),
        el('employees', {}, ...employees.map((row) => el('employee', { id: String(row.id) }, ...fields.map((f) => el('field', { id: f.id }, row[f.id] === null || row[f.id] === undefined ? '' : String(row[f.id])))))),
      ),
  };
}

function sinceArg(ctx: HandlerContext, req: SandboxRequest): number | Reply {
  const since = parseSince(req.query.get('since'));
  if (since === undefined) {
    return errorReply(ctx.settings, 400, `Invalid or missing "since" parameter (ISO 8601, e.g. 2024-01-01T00:00:00Z; encode + as %2B): ${req.query.get('since') ?? ''}`);
  }
  return since;
}

function changedSince(company: Company, since: number): Employee[] {
  return Object.values(company.employees).filter((e) => Date.parse(e.lastChanged) > since);
}

function latestOf(list: Employee[], since: number): string {
  let best = since;
  for (const e of list) best = Math.max(best, Date.parse(e.lastChanged));
  return isoSeconds(new Date(best));
}

export function changed(ctx: HandlerContext, company: Company, req: SandboxRequest): Reply {
  const since = sinceArg(ctx, req);
  if (typeof since !== 'number') return since;
  const type = (req.query.get('type') ?? 'all').toLowerCase();
  const wanted: Record<string, string | undefined> = { all: undefined, inserted: 'Inserted', updated: 'Updated', deleted: 'Deleted' };
  if (!Object.hasOwn(wanted, type)) return errorReply(ctx.settings, 400, `Invalid type: ${type}`);
  const filter = wanted[type];
  const list = changedSince(company, since).filter((e) => !filter || e.lastAction === filter);
  const employees: Record<string, { id: string; action: string; lastChanged: string }> = {};
  for (const e of list) employees[String(e.id)] = { id: String(e.id), action: e.lastAction, lastChanged: e.lastChanged };
  const latest = latestOf(list, since);
  return {
    status: 200,
    json: { latest, employees },
    xml: () => el('employees', { latest }, ...Object.values(employees).map((v) => el('employee', { id: v.id, action: v.action, lastChanged: v.lastChanged }))),
  };
}

type Row = Record<string, string | null>;

function tableRows(ctx: HandlerContext, company: Company, e: Employee, table: string): Row[] | undefined {
  const name = (alias: 'department' | 'division' | 'location' | 'jobTitle' | 'employmentHistoryStatus', id: number | null): string | null =>
    id === null ? null : (company.lists[alias].options.find((o) => o.id === id)?.name ?? null);
  if (table === 'jobInfo') {
    return e.jobInfo.map((r) => {
      const boss = r.reportsTo ? employeeById(company, r.reportsTo) : undefined;
      return {
        id: String(r.id),
        employeeId: String(e.id),
        date: r.date,
        location: name('location', r.locationId),
        department: name('department', r.departmentId),
        division: name('division', r.divisionId),
        jobTitle: name('jobTitle', r.jobTitleId),
        reportsTo: boss ? `${boss.firstName} ${boss.lastName}` : null,
      };
    });
  }
  if (table === 'employmentStatus') {
    return e.employmentStatus.map((r) => ({
      id: String(r.id),
      employeeId: String(e.id),
      date: r.date,
      employmentStatus: name('employmentHistoryStatus', r.statusId),
      comment: r.comment,
    }));
  }
  return undefined;
}

const TABLES = ['jobInfo', 'employmentStatus'];

function tableXml(rows: Row[]): XmlElement {
  return el('table', {}, ...rows.map((r) => el('row', { id: r.id, employeeId: r.employeeId }, ...Object.entries(r).filter(([k]) => k !== 'id' && k !== 'employeeId').map(([k, v]) => el('field', { id: k }, v ?? '')))));
}

export function table(ctx: HandlerContext, company: Company, req: SandboxRequest, id: string, name: string): Reply {
  if (!TABLES.includes(name)) return errorReply(ctx.settings, 404, `Table not found: ${name}`);
  let rows: Row[] = [];
  if (id === 'all') {
    // "all" includes inactive and terminated employees; deleted ones are gone.
    for (const e of Object.values(company.employees)) if (!e.deleted) rows = rows.concat(tableRows(ctx, company, e, name) ?? []);
  } else {
    const e = employeeById(company, id === '0' ? company.apiUserEmployeeId : id);
    if (!e || e.deleted) return errorReply(ctx.settings, 404, `Employee not found: ${id}`);
    rows = tableRows(ctx, company, e, name) ?? [];
  }
  return { status: 200, json: rows, xml: () => tableXml(rows) };
}

export function changedTable(ctx: HandlerContext, company: Company, req: SandboxRequest, name: string): Reply {
  if (!TABLES.includes(name)) return errorReply(ctx.settings, 404, `Table not found: ${name}`);
  const since = sinceArg(ctx, req);
  if (typeof since !== 'number') return since;
  const employees: Record<string, { lastChanged: string; rows: Row[] }> = {};
  for (const e of changedSince(company, since)) {
    if (e.deleted) continue;
    // Any change to the employee returns all of that employee's rows (documented behaviour).
    employees[String(e.id)] = { lastChanged: e.lastChanged, rows: (tableRows(ctx, company, e, name) ?? []).map(({ id: _id, employeeId: _e, ...rest }) => rest) };
  }
  return {
    status: 200,
    json: { table: name, employees },
    xml: () => el('table', { id: name }, ...Object.entries(employees).map(([id, v]) => el('employee', { id, lastChanged: v.lastChanged }, ...v.rows.map((r) => el('row', {}, ...Object.entries(r).map(([k, val]) => el('field', { id: k }, val ?? ''))))))),
  };
}
