// The custom report (deprecated, ubiquitous): every employee, active or not, in one request.
import type { Company } from './model.ts';
import type { HandlerContext } from './context.ts';
import { contentTypeOf, errorReply, parseJsonObject, type Reply, type SandboxRequest } from './http.ts';
import { findField, readField, type FieldDef, type ReadContext } from './fields.ts';
import { MAX_FIELDS } from './employees.ts';
import { el } from './xml.ts';

export function emptyValue(ctx: HandlerContext): string | null {
  return ctx.settings.reportEmptyValue === 'null' ? null : '';
}

export function textOf(value: string | boolean | null | undefined, empty: string | null): string | null {
  if (value === null || value === undefined) return empty;
  return typeof value === 'boolean' ? String(value) : value;
}

const REPORT_ACCEPT: Record<string, string> = { 'application/json': 'json', 'text/xml': 'xml', 'text/csv': 'csv', 'application/pdf': 'pdf', 'application/vnd.ms-excel': 'xls' };

function csvCell(v: string | null): string {
  const s = v ?? '';
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function customReport(ctx: HandlerContext, company: Company, req: SandboxRequest): Reply {
  const format = req.query.get('format')?.toLowerCase() ?? REPORT_ACCEPT[String(req.headers.accept ?? '')];
  if (!format || !['json', 'xml', 'csv', 'xls', 'pdf'].includes(format)) return errorReply(ctx.settings, 404, 'Report format not found');
  if (format === 'xls' || format === 'pdf') return errorReply(ctx.settings, 404, `The sandbox does not render ${format} reports`);
  // Anything but exactly application/json is taken for XML; the sandbox does not parse XML report definitions.
  if (contentTypeOf(req) !== 'application/json') return errorReply(ctx.settings, 400, 'Malformed XML');
  const body = parseJsonObject(req.body);
  if (!body || !Array.isArray(body.fields)) return errorReply(ctx.settings, 400, 'Malformed JSON');
  if (body.fields.length > MAX_FIELDS) return errorReply(ctx.settings, 400, `Too many fields requested (maximum ${MAX_FIELDS})`);
  // Field names are strings or numbers (ids); a nested array used to recurse in String() and answer 500.
  if (body.fields.some((f) => typeof f !== 'string' && typeof f !== 'number')) return errorReply(ctx.settings, 400, 'Report fields must be field names or ids');
  // Unknown and restricted fields are dropped silently, as documented.
  const fields: { key: string; def: FieldDef }[] = [];
  for (const raw of body.fields) {
    const key = String(raw);
    const def = findField(key);
    if (def && !def.restricted && !fields.some((f) => f.key === key)) fields.push({ key, def });
  }
  const filters = (body.filters ?? {}) as { lastChanged?: { value?: unknown; includeNull?: unknown }; employeeIds?: unknown };
  const sinceText = filters.lastChanged?.value;
  const since = typeof sinceText === 'string' ? Date.parse(sinceText) : undefined;
  if (since !== undefined && Number.isNaN(since)) return errorReply(ctx.settings, 400, 'Invalid lastChanged filter');
  const ids = Array.isArray(filters.employeeIds) ? new Set(filters.employeeIds.map(String)) : undefined;
  const rc: ReadContext = { company, day: ctx.state.today(), onlyCurrent: (req.query.get('onlyCurrent') ?? 'true') !== 'false' };
  const empty = emptyValue(ctx);
  const employees: Record<string, string | null>[] = [];
  for (const e of Object.values(company.employees)) {
    if (e.deleted) continue;
    if (ids && !ids.has(String(e.id))) continue;
    if (since !== undefined && Date.parse(e.lastChanged) <= since) continue;
    const row: Record<string, string | null> = { id: String(e.id) };
    for (const f of fields) row[f.key] = textOf(readField(rc, e, f.def), empty);
    employees.push(row);
  }
  const title = typeof body.title === 'string' ? body.title : 'Report';
  const fieldMeta = fields.map((f) => ({ id: f.key, type: f.def.type, name: f.def.name }));
  if (format === 'csv') {
    const lines = [['id', ...fields.map((f) => f.def.name)].map(csvCell).join(',')];
    for (const row of employees) lines.push([row.id ?? '', ...fields.map((f) => row[f.key] ?? null)].map(csvCell).join(','));
    return { status: 200, text: `${lines.join('\n')}\n`, contentType: 'text/csv; charset=utf-8' };
  }
  const reply: Reply = {
    status: 200,
    json: { title, fields: fieldMeta, employees },
    xml: () =>
      el(
        'report',
        {},
        el('title', {}, title),
        el('fields', {}, ...fieldMeta.map((f) => el('field', { id: f.id, type: f.type }, f.name))),
        el('employees', {}, ...employees.map((row) => el('employee', { id: row.id }, ...fields.map((f) => el('field', { id: f.key }, row[f.key] ?? ''))))),
      ),
  };
  // `format` decides, not Accept.
  return format === 'json' ? { ...reply, alwaysJson: true } : { ...reply, json: undefined };
}
