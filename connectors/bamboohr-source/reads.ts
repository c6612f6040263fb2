// The requests behind the three read modes: the custom report (everyone, or a list of ids, in one
// request whatever the company size), Get Employee for a few ids, and the change feeds.
import type { ConnectorLogger, SourceRecord } from '../../runtime/index.ts';
import { jsonBody, type BambooClient } from './client.ts';
import { changeEntries, toRecord, type ChangeEntry, type ChangedBody, type ReportBody } from './records.ts';

/** Up to this many ids are read one by one; more go through one report. */
export const FEW = 5;
/** Beyond this many ids, the whole report is read and filtered here (a request body stays small). */
const MANY = 2_000;

export interface KeyedRead {
  records: SourceRecord[];
  missing: string[];
}

export interface Reader {
  report(keys?: readonly string[]): Promise<SourceRecord[]>;
  byKeys(keys: readonly string[], signal: AbortSignal): Promise<KeyedRead>;
  changed(sinceIso: string, table?: string): Promise<{ latest?: string; entries: ChangeEntry[] }>;
}

export function createReader(client: BambooClient, fields: readonly string[], logger: ConnectorLogger): Reader {
  // Fields the server accepted in a report: Get Employee refuses unknown ones with a 400.
  let accepted: string[] | undefined;
  let warned = false;

  async function report(keys?: readonly string[]): Promise<SourceRecord[]> {
    const filters = keys && keys.length <= MANY ? { employeeIds: keys.map(Number) } : undefined;
    const response = await client.call('/reports/custom', {
      method: 'POST',
      query: { format: 'JSON', onlyCurrent: 'true' },
      json: { title: 'ml-connector', fields, ...(filters ? { filters } : {}) },
    });
    const body = jsonBody<ReportBody>(response, 'the custom report');
    const served = new Set((body.fields ?? []).map((f) => String(f.id)));
    accepted = fields.filter((f) => served.has(f));
    const dropped = fields.filter((f) => !served.has(f));
    if (dropped.length > 0 && !warned) {
      // Unknown or not permitted: BambooHR drops such fields silently. Said once per run, never fatal.
      warned = true;
      logger.warn({ fields: dropped }, `BambooHR did not return ${dropped.length} configured field(s): ${dropped.join(', ')} (unknown, misspelt, or not visible to this user)`);
    }
    const wanted = keys ? new Set(keys) : undefined;
    const records: SourceRecord[] = [];
    for (const row of Array.isArray(body.employees) ? body.employees : []) {
      const record = toRecord(row, fields);
      if (record && (!wanted || wanted.has(record.key))) records.push(record);
    }
    return records;
  }

  async function one(key: string): Promise<SourceRecord | 'missing' | 'refused'> {
    const response = await client.call(`/employees/${key}`, {
      query: { fields: (accepted ?? fields).join(','), onlyCurrent: 'true' },
      accept: [400, 404],
      recordKey: key,
    });
    if (response.status === 404) return 'missing';
    if (response.status === 400) return 'refused';
    const row = jsonBody<Record<string, unknown>>(response, `employee ${key}`);
    return toRecord({ ...row, id: row.id ?? key }, fields) ?? 'missing';
  }

  async function byKeys(keys: readonly string[], signal: AbortSignal): Promise<KeyedRead> {
    const unique = [...new Set(keys)];
    const valid = unique.filter((k) => /^\d+$/.test(k));
    const missing = unique.filter((k) => !/^\d+$/.test(k));
    if (valid.length === 0) return { records: [], missing };
    if (valid.length <= FEW) {
      const records: SourceRecord[] = [];
      for (const key of valid) {
        signal.throwIfAborted();
        const got = await one(key);
        // A 400 means a configured field this endpoint does not know: the report tolerates it.
        if (got === 'refused') return mergeMissing(await fromReport(valid), missing);
        if (got === 'missing') missing.push(key);
        else records.push(got);
      }
      return { records, missing };
    }
    return mergeMissing(await fromReport(valid), missing);
  }

  async function fromReport(keys: readonly string[]): Promise<KeyedRead> {
    const records = await report(keys);
    const found = new Set(records.map((r) => r.key));
    return { records, missing: keys.filter((k) => !found.has(k)) };
  }

  async function changed(sinceIso: string, table?: string): Promise<{ latest?: string; entries: ChangeEntry[] }> {
    const path = table ? `/employees/changed/tables/${table}` : '/employees/changed';
    const response = await client.call(path, { query: { since: sinceIso } });
    const body = jsonBody<ChangedBody>(response, table ? `the ${table} change feed` : 'the change feed');
    return { ...(typeof body.latest === 'string' ? { latest: body.latest } : {}), entries: changeEntries(body) };
  }

  return { report, byKeys, changed };
}

function mergeMissing(read: KeyedRead, missing: string[]): KeyedRead {
  return { records: read.records, missing: [...missing, ...read.missing] };
}
