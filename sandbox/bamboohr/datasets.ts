// The datasets API: list datasets, page their fields (v1.2), and page filtered, ordered data (v2).
// A full read of 10,000 employees is ten 1,000-row pages.
import type { Company, Employee } from './model.ts';
import type { HandlerContext } from './context.ts';
import { parseJsonObject, problemReply, type Reply, type SandboxRequest } from './http.ts';
import { findField, readField, type ReadContext } from './fields.ts';
import { emptyValue, textOf } from './custom-report.ts';
import { parseFilter, FilterError, type Row } from './dataset-filter.ts';

interface DatasetField {
  name: string;
  label: string;
  parentName: string;
  alias: string;
}

// Qualified names as BambooHR's reference page shows them; the plain aliases (department…) used in
// the OpenAPI example are accepted too, since the sources disagree.
const EMPLOYEE_DATASET: DatasetField[] = [
  { name: 'eeid', label: 'Employee ID', parentName: 'Personal', alias: 'id' },
  { name: 'employeeNumber', label: 'Employee #', parentName: 'Personal', alias: 'employeeNumber' },
  { name: 'firstName', label: 'First Name', parentName: 'Personal', alias: 'firstName' },
  { name: 'lastName', label: 'Last Name', parentName: 'Personal', alias: 'lastName' },
  { name: 'preferredName', label: 'Preferred Name', parentName: 'Personal', alias: 'preferredName' },
  { name: 'status', label: 'Status', parentName: 'Personal', alias: 'status' },
  { name: 'employmentStatus', label: 'Employment Status', parentName: 'Job', alias: 'employmentHistoryStatus' },
  { name: 'hireDate', label: 'Hire Date', parentName: 'Job', alias: 'hireDate' },
  { name: 'originalHireDate', label: 'Original Hire Date', parentName: 'Job', alias: 'originalHireDate' },
  { name: 'terminationDate', label: 'Termination Date', parentName: 'Job', alias: 'terminationDate' },
  { name: 'jobInformationDepartment', label: 'Job Information: Department', parentName: 'Job', alias: 'department' },
  { name: 'jobInformationDivision', label: 'Job Information: Division', parentName: 'Job', alias: 'division' },
  { name: 'jobInformationLocation', label: 'Job Information: Location', parentName: 'Job', alias: 'location' },
  { name: 'jobInformationJobTitle', label: 'Job Information: Job Title', parentName: 'Job', alias: 'jobTitle' },
  { name: 'jobInformationReportsTo', label: 'Job Information: Reports To', parentName: 'Job', alias: 'supervisor' },
  { name: 'supervisorEId', label: 'Supervisor EID', parentName: 'Job', alias: 'supervisorEId' },
  { name: 'workEmail', label: 'Work Email', parentName: 'Contact', alias: 'workEmail' },
  { name: 'lastChanged', label: 'Last Changed', parentName: 'Personal', alias: 'lastChanged' },
];
const SYNONYMS: Record<string, string> = { department: 'jobInformationDepartment', division: 'jobInformationDivision', location: 'jobInformationLocation', jobTitle: 'jobInformationJobTitle', id: 'eeid' };

function datasetField(name: string): DatasetField | undefined {
  const real = SYNONYMS[name] ?? name;
  return EMPLOYEE_DATASET.find((f) => f.name === real);
}

export function listDatasets(): Reply {
  return { status: 200, alwaysJson: true, json: { datasets: [{ name: 'employee', label: 'Employee' }] } };
}

function intParam(value: string | null, fallback: number): number | undefined {
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

export function datasetFields(req: SandboxRequest, name: string): Reply {
  if (name !== 'employee') return problemReply(404, 'Not Found', `Dataset ${name} does not exist`);
  const page = intParam(req.query.get('page'), 1);
  const size = intParam(req.query.get('page_size'), 500);
  if (!page || !size || size > 1000) return problemReply(422, 'Unprocessable Entity', 'page must be >= 1 and page_size between 1 and 1000');
  const total = EMPLOYEE_DATASET.length;
  const pages = Math.max(1, Math.ceil(total / size));
  const link = (p: number): string => `/api/v1_2/datasets/${name}/fields?page=${p}&page_size=${size}`;
  return {
    status: 200,
    alwaysJson: true,
    json: {
      pagination: { total_records: total, current_page: page, total_pages: pages, next_page: page < pages ? link(page + 1) : null, prev_page: page > 1 ? link(page - 1) : null },
      name: 'employee',
      label: 'Employee',
      fields: EMPLOYEE_DATASET.slice((page - 1) * size, page * size).map((f) => ({ name: f.name, label: f.label, parentType: 'page', parentName: f.parentName, entityName: f.parentName.toLowerCase() })),
    },
  };
}

function datasetRow(rc: ReadContext, e: Employee, names: string[], empty: string | null): Row {
  const row: Row = {};
  for (const n of names) {
    const f = datasetField(n)!;
    const def = findField(f.alias);
    row[n] = def ? textOf(readField(rc, e, def), empty) : empty;
  }
  return row;
}

// v2 declares its RFC 7807 errors as application/json (v1.2 uses application/problem+json).
function problemV2(status: number, title: string, detail: string, code?: string): Reply {
  return problemReply(status, title, detail, code, 'application/json');
}

export function datasetData(ctx: HandlerContext, company: Company, req: SandboxRequest, name: string): Reply {
  if (name !== 'employee') return problemV2(404, 'Not Found', `Dataset ${name} does not exist`);
  const body = parseJsonObject(req.body);
  if (!body || !Array.isArray(body.fields) || body.fields.length === 0) return problemV2(400, 'Bad Request', 'fields is required');
  const fields = body.fields.map(String);
  const unknown = fields.filter((f) => !datasetField(f));
  if (unknown.length > 0) {
    const reply = problemV2(400, 'Bad Request', `Unknown fields: ${unknown.join(', ')}`, 'invalid_fields');
    return { ...reply, json: { ...(reply.json as object), fields: Object.fromEntries(unknown.map((u) => [u, 'unknown field'])) } };
  }
  const page = body.page === undefined ? 1 : Number(body.page);
  const pageSize = body.pageSize === undefined ? 100 : Number(body.pageSize);
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) return problemV2(400, 'Bad Request', 'page must be >= 1 and pageSize between 1 and 1000');
  // Filter and order operate on any dataset field, not only the selected ones.
  const needed = new Set(fields);
  let predicate: ((row: Row) => boolean) | undefined;
  try {
    if (typeof body.filter === 'string' && body.filter.trim() !== '') {
      predicate = parseFilter(body.filter, (n) => {
        if (!datasetField(n)) return false;
        needed.add(n);
        return true;
      });
    }
  } catch (error) {
    if (error instanceof FilterError) return problemV2(422, 'Unprocessable Entity', `Invalid filter: ${error.message}`, 'invalid_filter');
    throw error;
  }
  const order: { field: string; desc: boolean }[] = [];
  if (typeof body.orderBy === 'string' && body.orderBy.trim() !== '') {
    for (const part of body.orderBy.split(',')) {
      const [field = '', dir = 'asc'] = part.trim().split(/\s+/);
      if (!datasetField(field) || !['asc', 'desc'].includes(dir.toLowerCase())) return problemV2(422, 'Unprocessable Entity', `Invalid orderBy: ${part.trim()}`, 'invalid_order');
      needed.add(field);
      order.push({ field, desc: dir.toLowerCase() === 'desc' });
    }
  }
  const rc: ReadContext = { company, day: ctx.state.today(), onlyCurrent: true };
  const empty = emptyValue(ctx);
  const names = [...needed];
  let rows: Row[] = [];
  for (const e of Object.values(company.employees)) {
    if (e.deleted) continue;
    const row = datasetRow(rc, e, names, empty);
    if (!predicate || predicate(row)) rows.push(row);
  }
  if (order.length > 0) {
    rows.sort((a, b) => {
      for (const o of order) {
        const x = a[o.field] ?? '';
        const y = b[o.field] ?? '';
        if (x !== y) return (x < y ? -1 : 1) * (o.desc ? -1 : 1);
      }
      return 0;
    });
  }
  const totalItems = rows.length;
  const totalPages = Math.max(1, Math.ceil(totalItems / pageSize));
  rows = rows.slice((page - 1) * pageSize, page * pageSize);
  const link = (p: number): string => `/api/v2/datasets/${name}/data?page=${p}&pageSize=${pageSize}`;
  return {
    status: 200,
    alwaysJson: true,
    json: {
      data: rows.map((r) => ({ fields: Object.fromEntries(fields.map((f) => [f, r[f] ?? null])) })),
      links: { next: page < totalPages ? link(page + 1) : null, prev: page > 1 ? link(page - 1) : null },
      meta: { page, pageSize, totalPages, totalItems },
    },
  };
}
