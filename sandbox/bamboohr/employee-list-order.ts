// Which employees GET /api/v1/employees lists and in what order: the filter, and a total order
// (the requested sort keys, then employeeId) with nulls first ascending and last descending.
import type { Employee } from './model.ts';
import type { ReadContext } from './fields.ts';
import { jobTitleName } from './employee-list-record.ts';
import type { ListFilter, SortField, SortKey } from './employee-list-query.ts';

export interface Ranked {
  employee: Employee;
  /** Values of the effective sort keys, in order (see effectiveSort). */
  values: (string | number | null)[];
}

const collator = new Intl.Collator('en');

/** The requested keys, with employeeId ascending appended as the tie-breaker unless already named. */
export function effectiveSort(sort: readonly SortKey[]): SortKey[] {
  return sort.some((k) => k.field === 'employeeId') ? [...sort] : [...sort, { field: 'employeeId', descending: false }];
}

function sortValue(rc: ReadContext, e: Employee, field: SortField): string | number | null {
  switch (field) {
    case 'employeeId':
      return e.id;
    case 'jobTitleName':
      return jobTitleName(rc, e);
    default:
      return e[field];
  }
}

function contains(value: string | null, part: string | undefined): boolean {
  return part === undefined || (value ?? '').toLowerCase().includes(part);
}

export function matches(rc: ReadContext, e: Employee, filter: ListFilter): boolean {
  if (e.deleted) return false;
  if (filter.status && e.status !== filter.status) return false;
  if (filter.ids && !filter.ids.has(e.id)) return false;
  return contains(e.firstName, filter.firstName) && contains(e.lastName, filter.lastName) && (filter.jobTitleName === undefined || contains(jobTitleName(rc, e), filter.jobTitleName));
}

function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

export function rankEmployees(rc: ReadContext, filter: ListFilter, sort: readonly SortKey[]): Ranked[] {
  const keys = effectiveSort(sort);
  const ranked: Ranked[] = [];
  for (const e of Object.values(rc.company.employees)) {
    if (matches(rc, e, filter)) ranked.push({ employee: e, values: keys.map((k) => sortValue(rc, e, k.field)) });
  }
  ranked.sort((x, y) => {
    for (let i = 0; i < keys.length; i++) {
      const c = compareValues(x.values[i]!, y.values[i]!);
      if (c !== 0) return keys[i]!.descending ? -c : c;
    }
    return 0;
  });
  return ranked;
}
