// GET /api/pipelines/:name/quarantine: held records grouped by cause with counts, and one page of
// the records themselves (optionally of one cause). The store pages and counts (quarantine.page), so
// 10,000 held records never cross from the store or make one huge answer.
import type { QuarantinePage } from '../../store/store.ts';
import type { ConsoleSource } from './source.ts';
import type { QuarantineGroup, QuarantineResponse } from './types.ts';

const TOP_CAUSES = 5;

/** Counts by code, each with its most frequent causes as written (e.g. the unmapped value). */
export function groupsOf(byCause: QuarantinePage['byCause']): QuarantineGroup[] {
  const byCode = new Map<string, { cause: string; count: number }[]>();
  for (const c of byCause) byCode.set(c.code, [...(byCode.get(c.code) ?? []), { cause: c.cause, count: c.count }]);
  const groups = [...byCode].map(([code, causes]) => ({
    code,
    count: causes.reduce((a, c) => a + c.count, 0),
    causes: causes.sort((a, b) => b.count - a.count || a.cause.localeCompare(b.cause)).slice(0, TOP_CAUSES),
  }));
  return groups.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

export async function quarantinePage(source: ConsoleSource, pipeline: string, code: string | undefined, cursor: number, limit: number): Promise<QuarantineResponse> {
  const page = await source.store.quarantine.page({ pipeline, ...(code !== undefined ? { code } : {}), offset: cursor, limit });
  const items = page.items.map((q) => ({ recordKey: q.recordKey, code: q.code, cause: q.cause, since: q.since }));
  const next = cursor + items.length;
  return { pipeline, total: page.total, groups: groupsOf(page.byCause), items, ...(next < page.matching ? { nextCursor: next } : {}) };
}
