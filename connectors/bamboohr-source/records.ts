// BambooHR rows → keyed records. Values are normalised so two faithful servers look the same to a
// mapping: "0000-00-00" and "" (how reports spell "no value") become null, status is Active/Inactive
// whatever its case. A terminated employee stays a record with its status; only a deletion is one.
import type { JsonObject, SourceRecord } from '../../runtime/index.ts';

const STATUS: Record<string, string> = { active: 'Active', inactive: 'Inactive' };

function normalise(field: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  // Get Employee may answer {value:…} wrappers or numbers for a few fields; keep the text.
  const text = typeof value === 'object' ? String((value as { value?: unknown }).value ?? '') : String(value);
  if (text === '' || text === '0000-00-00' || text === 'null') return null;
  if (field === 'status') return STATUS[text.toLowerCase()] ?? text;
  return text;
}

export function toRecord(row: Record<string, unknown>, fields: readonly string[]): SourceRecord | undefined {
  const key = row.id === undefined || row.id === null ? '' : String(row.id);
  if (!/^\d+$/.test(key)) return undefined;
  const data: JsonObject = { id: key };
  for (const field of fields) if (Object.hasOwn(row, field)) data[field] = normalise(field, row[field]);
  const version = typeof data.lastChanged === 'string' ? data.lastChanged : undefined;
  return { key, ...(version ? { version } : {}), data };
}

export function isTerminated(record: SourceRecord): boolean {
  const status = record.data.employmentHistoryStatus;
  return typeof status === 'string' && status.toLowerCase() === 'terminated';
}

/** The custom report body: `{fields:[{id}], employees:[{id, …}]}`. */
export interface ReportBody {
  fields?: { id?: unknown }[];
  employees?: Record<string, unknown>[];
}

/** `employees/changed`: `{latest, employees: {id: {id, action, lastChanged}}}` (a map, not an array). */
export interface ChangedBody {
  latest?: unknown;
  employees?: Record<string, { id?: unknown; action?: unknown; lastChanged?: unknown }> | unknown[];
}

export interface ChangeEntry {
  key: string;
  action: string;
  /** Epoch ms of lastChanged (NaN when the server sent none). */
  at: number;
  lastChanged: string;
}

export function changeEntries(body: ChangedBody | { employees?: Record<string, { lastChanged?: unknown }> }): ChangeEntry[] {
  const employees = body.employees;
  if (!employees || typeof employees !== 'object') return [];
  const values = Array.isArray(employees) ? employees : Object.entries(employees).map(([id, value]) => ({ id, ...(value as object) }));
  const out: ChangeEntry[] = [];
  for (const value of values as { id?: unknown; action?: unknown; lastChanged?: unknown }[]) {
    const key = String(value.id ?? '');
    if (!/^\d+$/.test(key)) continue;
    const lastChanged = typeof value.lastChanged === 'string' ? value.lastChanged : '';
    out.push({ key, action: typeof value.action === 'string' ? value.action : 'Updated', at: Date.parse(lastChanged), lastChanged });
  }
  return out;
}
