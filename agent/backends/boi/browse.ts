// Paged reads over a BOI browse (SetBrowseFilter → MoveFirst → MoveNext until EOF). The cursor is
// the last key returned, opaque to clients; browse order is key order, so a page resumes after it.
import { AgentError } from '../../errors.ts';
import type { Page, PageRequest } from '../backend.ts';
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

export function browsePage<T>(
  session: BoiSession,
  bus: BusObject,
  filter: string,
  page: PageRequest,
  read: () => { key: string; item: T } | undefined,
): Page<T> {
  const after = decodeCursor(page.cursor);
  bus.nSetBrowseFilter(filter);
  const items: T[] = [];
  let lastKey = '';
  if (bus.nMoveFirst() === 0) {
    if (bus.sLastErrorMsg) throw session.fail(bus, 'browse');
    return { items, nextCursor: null };
  }
  while (bus.nEOF() !== 1) {
    const row = read();
    if (row && (after === undefined || row.key > after)) {
      if (items.length === page.limit) return { items, nextCursor: encodeCursor(lastKey) };
      items.push(row.item);
      lastKey = row.key;
    }
    bus.nMoveNext();
  }
  return { items, nextCursor: null };
}
