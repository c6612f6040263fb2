// Reads over a BOI browse (SetBrowseFilter → MoveFirst → MoveNext until EOF). A browse filter is a
// prefix of the current index's key (sage100.md §9), so callers filter on the primary key only and
// match anything else in the agent. Cursors are opaque to clients: the last key returned.
import { AgentError } from '../../errors.ts';
import type { Page, PageRequest } from '../backend.ts';
import { isRefusal } from './classify.ts';
import { comNumber, comText } from './com-value.ts';
import type { BusObject } from './com.ts';
import type { BoiSession } from './session.ts';

export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (encodeCursor(key) !== cursor) throw new AgentError('validation_failed', 'cursor is not one this agent issued', { field: 'cursor', rule: 'format' });
  return key;
}

/**
 * Visits every row of the browse in index order; `visit` returns false to stop. An empty browse is
 * empty, not an error: MoveFirst's 0 is a failure only when Sage's text is a refusal (rights, lock).
 */
export function eachRow(session: BoiSession, bus: BusObject, filter: string, visit: () => boolean | void): void {
  bus.nSetBrowseFilter(filter);
  if (comNumber(bus.nMoveFirst()) === 0) {
    if (isRefusal(comText(bus.sLastErrorMsg), session.classify)) throw session.fail(bus, 'browse');
    return;
  }
  while (comNumber(bus.nEOF()) !== 1) {
    if (visit() === false) return;
    bus.nMoveNext();
  }
}

/** One page of items sorted by key, after the cursor's key. */
export function pageOf<T>(rows: ReadonlyArray<{ key: string; item: T }>, page: PageRequest): Page<T> {
  const after = decodeCursor(page.cursor);
  const sorted = [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).filter((r) => after === undefined || r.key > after);
  const items = sorted.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items: items.map((r) => r.item), nextCursor: sorted.length > page.limit && last ? encodeCursor(last.key) : null };
}

/** A page over a browse whose index order is the page's key order (sub-accounts: SegmentNo+Code). */
export function browsePage<T>(session: BoiSession, bus: BusObject, filter: string, page: PageRequest, read: () => { key: string; item: T } | undefined): Page<T> {
  const after = decodeCursor(page.cursor);
  const items: T[] = [];
  let lastKey = '';
  let more = false;
  eachRow(session, bus, filter, () => {
    const row = read();
    if (!row || (after !== undefined && row.key <= after)) return true;
    if (items.length === page.limit) {
      more = true;
      return false;
    }
    items.push(row.item);
    lastKey = row.key;
    return true;
  });
  return { items, nextCursor: more ? encodeCursor(lastKey) : null };
}
