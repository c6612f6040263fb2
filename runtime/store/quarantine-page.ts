// One page of a pipeline's quarantine with its counts by cause, for stores that hold the quarantine in
// memory (memory, lowdb); PostgreSQL answers the same question in SQL. Oldest first, then by key.
import type { QuarantineEntry, QuarantinePage, QuarantinePageQuery } from './store.ts';

export function quarantinePageOf(entries: readonly QuarantineEntry[], query: QuarantinePageQuery): QuarantinePage {
  const counts = new Map<string, { code: string; cause: string; count: number }>();
  for (const q of entries) {
    const id = `${q.code}\u0000${q.cause}`;
    const seen = counts.get(id) ?? { code: q.code, cause: q.cause, count: 0 };
    seen.count += 1;
    counts.set(id, seen);
  }
  const chosen = query.code === undefined ? [...entries] : entries.filter((q) => q.code === query.code);
  chosen.sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.recordKey < b.recordKey ? -1 : a.recordKey > b.recordKey ? 1 : 0));
  return { total: entries.length, matching: chosen.length, byCause: [...counts.values()], items: chosen.slice(query.offset, query.offset + query.limit) };
}
