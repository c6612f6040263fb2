// What serve watches and schedules on PostgreSQL (runtime/store/store-operations.ts) against a real
// database: claim latency, lease expiries and queue depth on /metrics; the database's reachability and
// schema level in /readyz; retention of audit events and done cron ticks in small batches.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../runtime/lib/log.ts';
import { createServiceMetrics } from '../../runtime/lib/metrics.ts';
import { PRUNE_BATCH } from '../../runtime/store/postgres-operations.ts';
import { LATEST_MIGRATION } from '../../runtime/store/postgres-schema.ts';
import { openPostgresStore } from '../../runtime/store/postgres-store.ts';
import { startStoreOperations } from '../../runtime/store/store-operations.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.ts';

const server: TestPostgres | undefined = await startTestPostgres();
if (!server) console.warn('\n*** PostgreSQL operations tests SKIPPED: no PostgreSQL binaries and no PG_TEST_URL (CI sets MLC_REQUIRE_PG=1) ***\n');
afterAll(() => server?.stop());
const url = server?.url ?? '';
const open = () => openPostgresStore({ url, schema: `o_${randomBytes(6).toString('hex')}` });
const metricLine = (text: string, prefix: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length).trim());
};

describe.skipIf(!server)('serve operations on the PostgreSQL store', () => {
  it('/metrics: claim latency by outcome, lease expiries per pipeline, queue depth per pipeline', async () => {
    const store = await open();
    const metrics = createServiceMetrics();
    const ops = startStoreOperations(store, { metrics, logger: silentLogger(), retentionDays: () => [30] });
    const t0 = new Date('2026-11-28T10:00:00.000Z');
    for (let i = 0; i < 3; i += 1) await store.jobs.enqueue({ pipeline: 'hr', kind: 'keys', keys: [String(i)] }, { notBefore: t0 });
    await store.jobs.enqueue({ pipeline: 'ledger', kind: 'changed' }, { notBefore: t0 });
    const first = await store.jobs.claim('a', 1_000, t0);
    // Replica a never settles it: a minute later its lease has run out and b takes the job over.
    const later = new Date(t0.getTime() + 60_000);
    const again = await store.jobs.claim('b', 1_000, later);
    expect(again?.id).toBe(first?.id);
    await store.jobs.complete(again?.id ?? '');
    expect(await store.jobs.claim('b', 60_000, later)).toBeDefined(); // a fresh job: not a take-over
    const text = await metrics.render();
    expect(metricLine(text, 'mlc_store_claim_seconds_count{outcome="claimed"}')).toBe(3);
    expect(metricLine(text, `mlc_lease_expiries_total{pipeline="${first?.pipeline}"}`)).toBe(1);
    const depth = await store.operations.queueDepth();
    expect(metricLine(text, 'mlc_queue_depth{pipeline="hr"}')).toBe(depth.hr);
    expect(metricLine(text, 'mlc_queue_depth{pipeline="ledger"}')).toBe(depth.ledger);
    expect(Object.values(depth).reduce((a, b) => a + b, 0)).toBe(3);
    ops.stop();
    await store.close();
  });

  it('/readyz: the database reachable and its schema level; not ready while the schema is behind or the database is away', async () => {
    const store = await open();
    const ops = startStoreOperations(store, { metrics: createServiceMetrics(), logger: silentLogger(), retentionDays: () => [] });
    expect(await ops.readiness()).toMatchObject({ ready: true, detail: { kind: 'postgres', reachable: true, schema: LATEST_MIGRATION, expectedSchema: LATEST_MIGRATION } });
    await store.pool.query('DELETE FROM mlc_migrations WHERE version = $1', [LATEST_MIGRATION]);
    expect(await ops.readiness()).toMatchObject({ ready: false, detail: { schema: LATEST_MIGRATION - 1, error: expect.stringContaining('ml-connector store migrate') } });
    ops.stop();
    await store.close();
    // The pool is gone (as when the database cannot be reached): not ready, and says why.
    expect(await ops.readiness()).toMatchObject({ ready: false, detail: { kind: 'postgres', reachable: false } });
  });

  it('retention: audit events past the longest policy and done cron ticks go, in batches; the rest stays', async () => {
    const store = await open();
    const now = new Date('2026-11-28T10:00:00.000Z');
    const ops = startStoreOperations(store, { metrics: createServiceMetrics(), logger: silentLogger(), retentionDays: () => [7, 30], clock: () => now });
    const old = PRUNE_BATCH * 2 + 500;
    const event = (at: Date, recordKey: string) => ({ pipeline: 'hr', runId: 'r', recordKey, stage: 'written' as const, at: at.toISOString(), pipelineVersion: '1' });
    const batch = (events: ReturnType<typeof event>[]) => ({ pipeline: 'hr', runId: 'r', mirror: { upsert: [], remove: [] }, desired: { upsert: [], remove: [] }, actual: { upsert: [], remove: [] }, audit: events, quarantine: { park: [], release: [] }, pending: { set: [], clear: [] } });
    await store.commit(batch(Array.from({ length: old }, (_, i) => event(new Date(now.getTime() - 40 * 86_400_000), `old-${i}`))));
    // 20 days old: past one pipeline's 7 days but within the other's 30, so kept.
    await store.commit(batch([event(new Date(now.getTime() - 20 * 86_400_000), 'kept')]));
    const done = await store.jobs.enqueue({ pipeline: 'hr', kind: 'changed' }, { dedupeKey: 'hr/cron0/old-done' });
    await store.jobs.enqueue({ pipeline: 'hr', kind: 'changed' }, { dedupeKey: 'hr/cron0/old-queued' });
    await store.jobs.enqueue({ pipeline: 'hr', kind: 'changed' }, { dedupeKey: 'hr/cron0/recent-done' });
    await store.pool.query("UPDATE mlc_dedupe SET created_at = $1 WHERE dedupe_key LIKE 'hr/cron0/old-%'", [new Date(now.getTime() - 8 * 86_400_000).toISOString()]);
    await store.jobs.complete(done.id);
    await store.pool.query("DELETE FROM mlc_jobs WHERE id = (SELECT job_id FROM mlc_dedupe WHERE dedupe_key = 'hr/cron0/recent-done')");
    expect(await ops.retain()).toEqual({ audit: old, dedupe: 1 });
    const left = [];
    for await (const e of store.audit.query({ pipeline: 'hr' })) left.push(e.recordKey);
    expect(left).toEqual(['kept']);
    expect((await store.transfer.dedupeKeys()).map((d) => d.key).sort()).toEqual(['hr/cron0/old-queued', 'hr/cron0/recent-done']);
    // The done tick's key is gone, but a tick that old is also past every cron's catch-up: nothing is made twice.
    expect(await ops.retain()).toEqual({ audit: 0, dedupe: 0 });
    ops.stop();
    await store.close();
  });
});
