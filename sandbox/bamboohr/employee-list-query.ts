// The query of GET /api/v1/employees: deepObject `filter[...]` and `page[...]`, `sort`, `fields`.
// Parsed into a ListQuery, or into the 400 the spec documents (`BadRequest` for filter, sort and
// limit; `BadPage` for cursors, which employee-list-cursor.ts decodes later).
import { OPTIONAL_FIELDS, type OptionalField } from './employee-list-record.ts';

export const SORT_FIELDS = ['employeeId', 'firstName', 'lastName', 'preferredName', 'jobTitleName', 'status'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export interface SortKey {
  field: SortField;
  descending: boolean;
}

export interface ListFilter {
  status?: 'Active' | 'Inactive';
  ids?: ReadonlySet<number>;
  /** Lower-cased substrings. */
  firstName?: string;
  lastName?: string;
  jobTitleName?: string;
}

export interface ListQuery {
  filter: ListFilter;
  sort: SortKey[];
  fields: OptionalField[];
  limit: number;
  after?: string;
  before?: string;
}

export interface ListError {
  code: 'BadRequest' | 'BadPage';
  message: string;
}

export interface Limits {
  defaultLimit: number;
  maxLimit: number;
}

const TEXT_FILTERS = ['firstName', 'lastName', 'jobTitleName'] as const;
const IDS_KEY = /^filter\[ids\](?:\[\d*\])?$/;
const bad = (message: string): ListError => ({ code: 'BadRequest', message });

function parseIds(values: readonly string[]): ReadonlySet<number> | ListError {
  const ids = new Set<number>();
  for (const part of values.flatMap((v) => v.split(','))) {
    const text = part.trim();
    if (!/^\d{1,15}$/.test(text) || Number(text) === 0) return bad(`filter[ids] must be positive employee ids, got '${text}'`);
    ids.add(Number(text));
  }
  return ids.size > 0 ? ids : bad('filter[ids] must list at least one employee id');
}

function parseFilter(query: URLSearchParams): ListFilter | ListError {
  const filter: ListFilter = {};
  const idValues: string[] = [];
  const seen = new Set<string>();
  for (const [key, value] of query) {
    if (key !== 'filter' && !key.startsWith('filter[')) continue;
    if (IDS_KEY.test(key)) {
      idValues.push(value);
      continue;
    }
    if (seen.has(key)) return bad(`${key} given more than once`);
    seen.add(key);
    const name = /^filter\[([A-Za-z]+)\]$/.exec(key)?.[1];
    if (name === 'status') {
      const status = value.toLowerCase();
      if (status !== 'active' && status !== 'inactive') return bad(`filter[status] must be active or inactive, got '${value}'`);
      filter.status = status === 'active' ? 'Active' : 'Inactive';
    } else if (name && (TEXT_FILTERS as readonly string[]).includes(name)) {
      filter[name as (typeof TEXT_FILTERS)[number]] = value.toLowerCase();
    } else {
      return bad(`Unknown filter ${key}; allowed: filter[status], filter[ids], ${TEXT_FILTERS.map((f) => `filter[${f}]`).join(', ')}`);
    }
  }
  if (idValues.length > 0) {
    const ids = parseIds(idValues);
    if ('code' in ids) return ids;
    filter.ids = ids;
  }
  return filter;
}

function parseSort(values: readonly string[]): SortKey[] | ListError {
  if (values.length === 0) return [];
  if (values.length > 1) return bad('sort given more than once');
  const keys: SortKey[] = [];
  for (const raw of values[0]!.split(',')) {
    const text = raw.trim();
    const descending = text.startsWith('-');
    const field = descending ? text.slice(1) : text;
    if (!(SORT_FIELDS as readonly string[]).includes(field)) return bad(`Cannot sort by '${text}'; allowed: ${SORT_FIELDS.join(', ')} (prefix - for descending)`);
    if (keys.some((k) => k.field === field)) return bad(`sort names ${field} twice`);
    keys.push({ field: field as SortField, descending });
  }
  return keys;
}

/** Unrecognised names are silently ignored, as the spec says; duplicates collapse. */
function parseFields(values: readonly string[]): OptionalField[] {
  const wanted = new Set(values.flatMap((v) => v.split(',')).map((v) => v.trim()));
  return OPTIONAL_FIELDS.filter((f) => wanted.has(f));
}

function parsePage(query: URLSearchParams, limits: Limits): Pick<ListQuery, 'limit' | 'after' | 'before'> | ListError {
  const page: Record<string, string> = {};
  for (const [key, value] of query) {
    if (key !== 'page' && !key.startsWith('page[')) continue;
    const name = /^page\[(limit|after|before)\]$/.exec(key)?.[1];
    if (!name) return bad(`Unknown page parameter ${key}; allowed: page[limit], page[after], page[before]`);
    if (name in page) return { code: name === 'limit' ? 'BadRequest' : 'BadPage', message: `${key} given more than once` };
    page[name] = value;
  }
  let limit = limits.defaultLimit;
  if (page.limit !== undefined) {
    limit = /^\d{1,6}$/.test(page.limit) ? Number(page.limit) : NaN;
    if (!(limit >= 1 && limit <= limits.maxLimit)) return bad(`page[limit] must be an integer from 1 to ${limits.maxLimit}, got '${page.limit}'`);
  }
  if (page.after !== undefined && page.before !== undefined) return { code: 'BadPage', message: 'Give page[after] or page[before], not both' };
  return { limit, ...(page.after !== undefined ? { after: page.after } : {}), ...(page.before !== undefined ? { before: page.before } : {}) };
}

export function parseListQuery(query: URLSearchParams, limits: Limits): ListQuery | ListError {
  const filter = parseFilter(query);
  if ('code' in filter) return filter;
  const sort = parseSort(query.getAll('sort'));
  if ('code' in sort) return sort;
  const page = parsePage(query, limits);
  if ('code' in page) return page;
  return { filter, sort, fields: parseFields(query.getAll('fields')), ...page };
}
