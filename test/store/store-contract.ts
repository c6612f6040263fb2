// The one contract every Store implementation passes (memory, lowdb; a PostgreSQL store later, unchanged):
// call describeStoreContract(name, factory) from that store's test file.
import { describe, expect, it } from 'vitest';
import { emptyBatch as emptyBatchOf, type AuditEvent, type BatchCommit, type Store } from '../../runtime/store/store.ts';

export interface StoreFactory {
  /** A fresh, empty store. */
  open(): Promise<Store>;
  /** The same store closed and opened again (durable stores keep everything; memory returns the same instance). */
  reopen?(store: Store): Promise<Store>;
}

export const emptyBatch = (pipeline: string, runId = 'run-1'): BatchCommit => emptyBatchOf(pipeline, runId);

export const auditEvent = (recordKey: string, stage: AuditEvent['stage'], at = '2026-11-28T10:00:00.000Z', pipeline = 'p'): AuditEvent => ({ pipeline, runId: 'run-1', recordKey, stage, at, pipelineVersion: 'v1' });

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export function describeStoreContract(name: string, factory: StoreFactory): void {
  const reopen = async (store: Store): Promise<Store> => (factory.reopen ? factory.reopen(store) : store);

  describe(`Store contract: ${name}`, () => {
    it('starts empty', async () => {
      const store = await factory.open();
      expect(await store.checkpoints.get('p')).toBeUndefined();
      expect(await store.mirror.all('p')).toEqual([]);
      expect(await store.quarantine.list({})).toEqual([]);
      await store.close();
    });

    it('commits mirror, desired, actual, audit, quarantine, pending and checkpoint together', async () => {
      let store = await factory.open();
      await store.commit({
        ...emptyBatch('p'),
        mirror: { upsert: [{ key: '1', source: { d: 'Yard' }, record: { code: 'YRD' }, version: 'v1' }, { key: '2', source: {}, record: {} }], remove: [] },
        desired: { upsert: [{ entity: 'seg', key: 'YRD', values: { description: 'Yard' } }], remove: [] },
        actual: { upsert: [{ entity: 'seg', key: 'YRD', values: { description: 'Yard' }, active: true, version: 'e1' }], remove: [] },
        audit: [auditEvent('1', 'read'), auditEvent('1', 'mapped')],
        quarantine: { park: [{ pipeline: 'p', recordKey: '3', code: 'MLC_MAPPING_UNMAPPED', cause: 'no row', since: '2026-11-28T10:00:00.000Z', sourceKeys: ['3'] }], release: [] },
        pending: { set: [{ entity: 'seg', key: 'X', action: 'create', idempotencyKey: 'k', attempts: 2, retryAfterMs: 5000, lastError: 'locked', since: '2026-11-28T10:00:00.000Z' }], clear: [] },
        checkpoint: { cursor: 'abc' },
      });
      store = await reopen(store);
      expect(await store.checkpoints.get('p')).toEqual({ cursor: 'abc' });
      expect((await store.mirror.all('p')).map((m) => m.key)).toEqual(['1', '2']);
      expect(await store.mirror.get('p', '1')).toEqual({ key: '1', source: { d: 'Yard' }, record: { code: 'YRD' }, version: 'v1' });
      expect(await store.desired.all('p')).toHaveLength(1);
      expect((await store.actual.all('p'))[0]?.version).toBe('e1');
      expect((await store.pending.list('p'))[0]).toMatchObject({ attempts: 2, retryAfterMs: 5000 });
      expect(await store.quarantine.list({ code: 'MLC_MAPPING_UNMAPPED' })).toHaveLength(1);
      expect(await store.quarantine.list({ code: 'OTHER' })).toHaveLength(0);
      expect((await collect(store.audit.query({ recordKey: '1' }))).map((e) => e.stage)).toEqual(['read', 'mapped']);
      await store.close();
    });

    it('pages a quarantine oldest first with its counts by code and cause, one pipeline at a time', async () => {
      let store = await factory.open();
      const entry = (key: string, code: string, cause: string, second: number, pipeline = 'p') => ({ pipeline, recordKey: key, code, cause, since: `2026-11-28T10:00:0${second}.000Z`, sourceKeys: [key] });
      await store.commit({ ...emptyBatch('p'), quarantine: { park: [entry('b', 'UNMAPPED', "dept 'X'", 2), entry('a', 'UNMAPPED', "dept 'X'", 2), entry('c', 'UNMAPPED', "dept 'Y'", 1), entry('d', 'REFUSED', 'refused', 3)], release: [] } });
      await store.commit({ ...emptyBatch('q'), quarantine: { park: [entry('z', 'UNMAPPED', "dept 'X'", 0, 'q')], release: [] } });
      store = await reopen(store);
      const all = await store.quarantine.page({ pipeline: 'p', offset: 0, limit: 3 });
      expect(all.items.map((q) => q.recordKey)).toEqual(['c', 'a', 'b']);
      expect([all.total, all.matching]).toEqual([4, 4]);
      const byCause = all.byCause.map((c) => `${c.code}/${c.cause}=${c.count}`).sort();
      expect(byCause).toEqual(["REFUSED/refused=1", "UNMAPPED/dept 'X'=2", "UNMAPPED/dept 'Y'=1"]);
      const second = await store.quarantine.page({ pipeline: 'p', code: 'UNMAPPED', offset: 2, limit: 3 });
      expect(second.items.map((q) => q.recordKey)).toEqual(['b']);
      expect([second.total, second.matching]).toEqual([4, 3]);
      expect((await store.quarantine.page({ pipeline: 'none', offset: 0, limit: 10 })).items).toEqual([]);
      await store.close();
    });

    it('removes and releases; a batch without a checkpoint keeps the last one; pipelines are apart', async () => {
      let store = await factory.open();
      await store.commit({ ...emptyBatch('p'), mirror: { upsert: [{ key: '1', source: {}, record: {} }], remove: [] }, quarantine: { park: [{ pipeline: 'p', recordKey: '9', code: 'C', cause: 'c', since: '2026-11-28T10:00:00.000Z', sourceKeys: ['9'] }], release: [] }, checkpoint: 5 });
      await store.commit({ ...emptyBatch('p'), mirror: { upsert: [], remove: ['1'] }, quarantine: { park: [], release: ['9'] } });
      await store.commit({ ...emptyBatch('q'), checkpoint: 'other' });
      store = await reopen(store);
      expect(await store.mirror.all('p')).toEqual([]);
      expect(await store.quarantine.list({ pipeline: 'p' })).toEqual([]);
      expect(await store.checkpoints.get('p')).toBe(5);
      expect(await store.checkpoints.get('q')).toBe('other');
      await store.close();
    });

    it('audit: by record (also as a related key), by pipeline and since; prune drops old events only', async () => {
      let store = await factory.open();
      await store.commit({ ...emptyBatch('p'), audit: [auditEvent('1', 'read', '2026-01-01T00:00:00.000Z'), { ...auditEvent('seg/YRD', 'written', '2026-01-01T00:00:01.000Z'), related: ['1'] }] });
      await store.commit({ ...emptyBatch('q'), audit: [auditEvent('1', 'read', '2026-11-01T00:00:00.000Z', 'q')] });
      store = await reopen(store);
      expect(await collect(store.audit.query({ recordKey: '1', pipeline: 'p' }))).toHaveLength(2);
      expect(await collect(store.audit.query({ recordKey: '1' }))).toHaveLength(3);
      expect(await collect(store.audit.query({ since: '2026-06-01T00:00:00.000Z' }))).toHaveLength(1);
      await store.audit.prune(new Date('2026-06-01T00:00:00.000Z'));
      const left = await collect(store.audit.query({}));
      expect(left.some((e) => e.at >= '2026-06-01')).toBe(true);
      await store.close();
    });

    it('jobs: enqueue is idempotent by dedupe key; claim leases one job per pipeline; complete and retryAt', async () => {
      const store = await factory.open();
      const t0 = new Date('2026-11-28T10:00:00.000Z');
      const first = await store.jobs.enqueue({ pipeline: 'p', kind: 'changed' }, { dedupeKey: 'p:cron:10:00', notBefore: t0 });
      const again = await store.jobs.enqueue({ pipeline: 'p', kind: 'changed' }, { dedupeKey: 'p:cron:10:00', notBefore: t0 });
      expect(first.created).toBe(true);
      expect(again).toEqual({ id: first.id, created: false });
      await store.jobs.enqueue({ pipeline: 'p', kind: 'keys', keys: ['7'] }, { notBefore: t0 });
      await store.jobs.enqueue({ pipeline: 'q', kind: 'full' }, { notBefore: new Date(t0.getTime() + 60_000) });
      const claimed = await store.jobs.claim('w1', 30_000, t0);
      expect(claimed).toMatchObject({ id: first.id, pipeline: 'p', kind: 'changed' });
      // The other job of p waits while p is leased; q's job is not due yet.
      expect(await store.jobs.claim('w2', 30_000, t0)).toBeUndefined();
      // A lease that runs out is claimable again (a killed worker's job is finished by another).
      const stolen = await store.jobs.claim('w2', 30_000, new Date(t0.getTime() + 31_000));
      expect(stolen?.id).toBe(first.id);
      await store.jobs.retryAt(first.id, new Date(t0.getTime() + 120_000), 'busy');
      const next = await store.jobs.claim('w2', 30_000, new Date(t0.getTime() + 61_000));
      expect(next?.kind).toBe('keys');
      await store.jobs.complete(next?.id ?? '');
      const retried = (await store.jobs.list('p')).find((j) => j.id === first.id);
      expect(retried).toMatchObject({ attempts: 1, lastError: 'busy' });
      // A completed tick is not re-created by a late replica.
      expect((await store.jobs.enqueue({ pipeline: 'p', kind: 'changed' }, { dedupeKey: 'p:cron:10:00' })).created).toBe(false);
      await store.close();
    });

    it('inbox: append, list by pipeline, remove', async () => {
      let store = await factory.open();
      const id = await store.inbox.append({ pipeline: 'p', trigger: 'webhook', keys: ['1', '2'], receivedAt: '2026-11-28T10:00:00.000Z' });
      await store.inbox.append({ pipeline: 'q', trigger: 'webhook', keys: ['3'], receivedAt: '2026-11-28T10:00:00.000Z' });
      store = await reopen(store);
      expect((await store.inbox.list('p')).map((e) => e.keys)).toEqual([['1', '2']]);
      await store.inbox.remove([id]);
      expect(await store.inbox.list('p')).toEqual([]);
      await store.close();
    });

    it('state: per scope key/value', async () => {
      let store = await factory.open();
      await store.state.set('p/source', 'webhookId', { id: 42 });
      store = await reopen(store);
      expect(await store.state.get('p/source', 'webhookId')).toEqual({ id: 42 });
      expect(await store.state.get('p/sink', 'webhookId')).toBeUndefined();
      await store.close();
    });

    it('keeps every one of 200 concurrent writes, interleaved with a commit, across a reopen', async () => {
      let store = await factory.open();
      const writes = Array.from({ length: 200 }, (_, i) => store.jobs.enqueue({ pipeline: 'burst', kind: 'keys', keys: [String(i)] }, { dedupeKey: `d${i}` }));
      const commit = store.commit({ ...emptyBatch('burst'), checkpoint: 'after-burst' });
      const results = await Promise.all(writes);
      await commit;
      expect(results.filter((r) => r.created)).toHaveLength(200);
      store = await reopen(store);
      expect((await store.jobs.list('burst')).map((j) => j.keys?.[0]).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
      expect(await store.checkpoints.get('burst')).toBe('after-burst');
      await store.close();
    });
  });
}
