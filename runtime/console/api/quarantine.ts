// GET /api/pipelines/:name/quarantine: held records grouped by cause with counts, and one page of
// the records themselves (optionally of one cause) so 10,000 held records never make one huge answer.
import type { ConsoleSource } from './source.ts';
import type { QuarantineGroup, QuarantineResponse } from './types.ts';

const TOP_CAUSES = 5;

export async function quarantinePage(source: ConsoleSource, pipeline: string, code: string | undefined, cursor: number, limit: number): Promise<QuarantineResponse> {
  const all = await source.store.quarantine.list({ pipeline });
  const byCode = new Map<string, Map<string, number>>();
  for (const q of all) {
    const causes = byCode.get(q.code) ?? new Map<string, number>();
    causes.set(q.cause, (causes.get(q.cause) ?? 0) + 1);
    byCode.set(q.code, causes);
  }
  const groups: QuarantineGroup[] = [...byCode].map(([c, causes]) => ({
    code: c,
    count: [...causes.values()].reduce((a, b) => a + b, 0),
    causes: [...causes].sort((a, b) => b[1] - a[1]).slice(0, TOP_CAUSES).map(([cause, count]) => ({ cause, count })),
  }));
  groups.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  const chosen = (code === undefined ? all : all.filter((q) => q.code === code)).slice().sort((a, b) => a.since.localeCompare(b.since) || a.recordKey.localeCompare(b.recordKey));
  const items = chosen.slice(cursor, cursor + limit).map((q) => ({ recordKey: q.recordKey, code: q.code, cause: q.cause, since: q.since }));
  const next = cursor + items.length;
  return { pipeline, total: all.length, groups, items, ...(next < chosen.length ? { nextCursor: next } : {}) };
}
