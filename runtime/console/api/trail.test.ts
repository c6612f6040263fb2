import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../store/memory-store.ts';
import type { AuditEvent, AuditFilter } from '../../store/store.ts';
import type { ConsoleSource } from './source.ts';
import { recordTrail } from './trail.ts';

const event = (i: number, recordKey: string, related?: string[]): AuditEvent => ({ pipeline: 'p', runId: `r${i}`, recordKey, stage: 'read', at: new Date(Date.UTC(2026, 10, 28, 0, 0, i)).toISOString(), pipelineVersion: 'v', ...(related ? { related } : {}) });

describe('recordTrail', () => {
  it("asks the store for the record's events only, and pages them by cursor", async () => {
    const store = createMemoryStore();
    const audit = [...Array.from({ length: 2000 }, (_, i) => event(i, `other-${i}`)), event(1, '42'), event(2, 'Employee/9', ['42']), event(3, '42')];
    await store.commit({ pipeline: 'p', runId: 'seed', mirror: { upsert: [], remove: [] }, desired: { upsert: [], remove: [] }, actual: { upsert: [], remove: [] }, audit, quarantine: { park: [], release: [] }, pending: { set: [], clear: [] } });
    const filters: AuditFilter[] = [];
    let yielded = 0;
    const counting = {
      ...store,
      audit: {
        ...store.audit,
        async *query(filter: AuditFilter) {
          filters.push(filter);
          for await (const e of store.audit.query(filter)) {
            yielded += 1;
            yield e;
          }
        },
      },
    };
    const source = { store: counting } as unknown as ConsoleSource;
    const first = await recordTrail(source, 'p', '42', 0, 2);
    expect(first.events.map((e) => e.recordKey)).toEqual(['42', 'Employee/9']);
    expect(first.nextCursor).toBe(2);
    const second = await recordTrail(source, 'p', '42', 2, 2);
    expect(second.events.map((e) => e.runId)).toEqual(['r3']);
    expect(second.nextCursor).toBeUndefined();
    expect(filters).toEqual([{ pipeline: 'p', recordKey: '42' }, { pipeline: 'p', recordKey: '42' }]);
    // Never the other 2,000 records' events: the store filtered them out.
    expect(yielded).toBe(3 + 3);
  });
});
