// Replica faults against a real PostgreSQL of this file's own (so it can be restarted): a replica
// killed with -9 mid-batch loses its lease and another finishes, its late write fenced off; a replica
// whose clock is 10 minutes fast cannot steal a lease; an exhausted pool is a bounded wait and a coded
// error; PostgreSQL restarted mid-run: the store reconnects, the listener re-listens, nothing
// acknowledged is lost. Every wait is a bounded poll (counts, not durations, are asserted).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../runtime/store/postgres-store.ts';
import { fencedStore } from '../../runtime/store/lease-keeper.ts';
import type { BatchCommit, Job } from '../../runtime/store/store.ts';
import { repoRoot } from '../support/cli.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.ts';

const server: TestPostgres | undefined = await startTestPostgres();
if (!server) console.warn('\n*** PostgreSQL fault tests SKIPPED: no PostgreSQL binaries and no PG_TEST_URL (CI sets MLC_REQUIRE_PG=1) ***\n');
afterAll(() => server?.stop());

const url = server?.url ?? '';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const freshSchema = (): string => `f_${randomBytes(6).toString('hex')}`;

/** Polls `attempt` until it returns something, at most `tries` times. */
async function eventually<T>(attempt: () => Promise<T | undefined>, tries = 100, everyMs = 50): Promise<T | undefined> {
  for (let i = 0; i < tries; i += 1) {
    const value = await attempt().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(everyMs);
  }
  return undefined;
}

/** Runs the replica child; resolves with its first output line (parsed) and the process. */
function replica(schema: string, mode: 'hold' | 'skewed', leaseMs: number): Promise<{ line: Record<string, unknown>; kill(): void; exited: Promise<unknown> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'test/store/postgres-replica-child.mjs'), url, schema, mode, String(leaseMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((done) => child.on('exit', done));
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const [first] = buffered.split('\n');
      if (buffered.includes('\n') && first) resolve({ line: JSON.parse(first) as Record<string, unknown>, kill: () => child.kill('SIGKILL'), exited });
    });
    child.on('error', reject);
    void exited.then(() => reject(new Error(`replica child (${mode}) exited before answering`)));
  });
}

describe.skipIf(!server)('PostgreSQL store: replica faults', () => {
  it('a replica killed with -9 mid-batch: its lease runs out, another replica finishes the job, the late write is fenced off', async () => {
    const schema = freshSchema();
    const b = await openPostgresStore({ url, schema });
    const { id: jobId } = await b.jobs.enqueue({ pipeline: 'p', kind: 'full' });
    const holder = await replica(schema, 'hold', 600);
    expect(holder.line.id).toBe(jobId);
    // While the child beats, its lease holds (several lease periods).
    for (let i = 0; i < 4; i += 1) {
      await sleep(300);
      expect(await b.jobs.claim('b', 600)).toBeUndefined();
    }
    holder.kill();
    await holder.exited;
    const taken = await eventually(() => b.jobs.claim('b', 60_000));
    expect(taken?.id).toBe(jobId);
    expect(taken?.fence).toBeGreaterThan(Number(holder.line.fence));
    // The killed replica's write, arriving late with its old token, is refused; the new holder's is not.
    await expect(b.jobs.complete(jobId, Number(holder.line.fence))).rejects.toMatchObject({ code: 'MLC_STORE_LEASE_LOST' });
    await expect(b.jobs.retryAt(jobId, new Date(), 'late', Number(holder.line.fence))).rejects.toMatchObject({ code: 'MLC_STORE_LEASE_LOST' });
    await b.jobs.complete(jobId, taken?.fence);
    expect(await b.jobs.list('p')).toEqual([]);
    await b.close();
  });

  it('a lease kept by heartbeats is not taken; once beats stop and it runs out, the old token cannot write', async () => {
    const schema = freshSchema();
    const [a, b] = await Promise.all([openPostgresStore({ url, schema }), openPostgresStore({ url, schema })]);
    await a.jobs.enqueue({ pipeline: 'p', kind: 'changed' });
    const held = (await a.jobs.claim('a', 400)) as Job;
    for (let i = 0; i < 4; i += 1) {
      await sleep(150);
      expect(await a.jobs.heartbeat(held, 400)).toBe(true);
      expect(await b.jobs.claim('b', 400)).toBeUndefined();
    }
    const taken = await eventually(() => b.jobs.claim('b', 60_000));
    expect(taken?.id).toBe(held.id);
    expect(await a.jobs.heartbeat(held, 400)).toBe(false);
    await expect(a.jobs.complete(held.id, held.fence)).rejects.toMatchObject({ code: 'MLC_STORE_LEASE_LOST' });
    await Promise.all([a.close(), b.close()]);
  });

  it('a paused replica whose lease was taken over commits its batch late: refused, nothing of it written', async () => {
    const schema = freshSchema();
    const [a, b] = await Promise.all([openPostgresStore({ url, schema }), openPostgresStore({ url, schema })]);
    await a.jobs.enqueue({ pipeline: 'p', kind: 'full' });
    // A claims and then stalls (no heartbeats: a GC pause, a frozen VM) past its lease; B takes the job over.
    const paused = (await a.jobs.claim('a', 300)) as Job;
    const taken = (await eventually(() => b.jobs.claim('b', 60_000))) as Job;
    expect(taken.id).toBe(paused.id);
    const batch = (value: string): BatchCommit => ({
      pipeline: 'p',
      runId: value,
      mirror: { upsert: [{ key: 'e1', source: { v: value }, record: { v: value } }], remove: [] },
      desired: { upsert: [{ entity: 'employee', key: 'e1', values: { v: value } }], remove: [] },
      actual: { upsert: [{ entity: 'employee', key: 'e1', active: true, values: { v: value } }], remove: [] },
      audit: [{ pipeline: 'p', runId: value, recordKey: 'e1', stage: 'written', at: new Date().toISOString(), pipelineVersion: '1' }],
      quarantine: { park: [{ pipeline: 'p', recordKey: 'e2', code: 'MLC_X', cause: value, since: new Date().toISOString(), sourceKeys: ['e2'] }], release: [] },
      pending: { set: [], clear: [] },
      checkpoint: { cursor: value },
    });
    // The paused replica wakes and commits what it computed: the whole transaction is refused.
    await expect(fencedStore(a, paused).commit(batch('late'))).rejects.toMatchObject({ code: 'MLC_STORE_LEASE_LOST' });
    expect(await b.mirror.all('p')).toEqual([]);
    expect(await b.desired.all('p')).toEqual([]);
    expect(await b.actual.all('p')).toEqual([]);
    expect(await b.quarantine.list({ pipeline: 'p' })).toEqual([]);
    expect(await b.checkpoints.get('p')).toBeUndefined();
    const audit = [];
    for await (const event of b.audit.query({ pipeline: 'p' })) audit.push(event);
    expect(audit).toEqual([]);
    // The replica that holds the lease commits the same batch through its fence.
    await fencedStore(b, taken).commit(batch('current'));
    expect((await b.mirror.all('p')).map((m) => m.source)).toEqual([{ v: 'current' }]);
    expect(await b.checkpoints.get('p')).toEqual({ cursor: 'current' });
    // The lease also guards the worker's settle: the late replica cannot complete the job either.
    await expect(a.jobs.complete(paused.id, paused.fence)).rejects.toMatchObject({ code: 'MLC_STORE_LEASE_LOST' });
    await Promise.all([a.close(), b.close()]);
  });

  it('a replica whose clock is 10 minutes fast cannot steal a live lease (leases use the database clock)', async () => {
    const schema = freshSchema();
    const a = await openPostgresStore({ url, schema });
    await a.jobs.enqueue({ pipeline: 'p', kind: 'full' });
    const held = await a.jobs.claim('a', 120_000);
    expect(held).toBeDefined();
    const skewed = await replica(schema, 'skewed', 60_000);
    expect(skewed.line).toEqual({ claimed: null });
    await skewed.exited;
    // Control: a caller that really is 10 minutes later (shifted from its own clock) does take it.
    expect((await a.jobs.claim('later', 60_000, new Date(Date.now() + 10 * 60_000)))?.id).toBe(held?.id);
    await a.close();
  });

  it('an exhausted pool is a bounded wait and a coded error, and work goes on once a connection is free', async () => {
    const store = await openPostgresStore({ url, schema: freshSchema(), max: 1, connectionTimeoutMs: 300 });
    const hog = await store.pool.connect();
    await expect(store.jobs.list()).rejects.toMatchObject({ code: 'MLC_STORE_UNREACHABLE', message: expect.stringContaining('no pooled connection came free within 300 ms') });
    hog.release();
    expect(await store.jobs.list()).toEqual([]);
    await store.close();
  });

  it.skipIf(!server?.restart)('PostgreSQL restarted mid-run: the store reconnects, the listener re-listens, nothing acknowledged is lost', async () => {
    const schema = freshSchema();
    const store: PostgresStore = await openPostgresStore({ url, schema });
    let wakes = 0;
    const listener = store.onJobs(() => {
      wakes += 1;
    });
    expect(await eventually(async () => (wakes >= 1 ? wakes : undefined))).toBeDefined(); // listening
    await store.jobs.enqueue({ pipeline: 'p', kind: 'keys', keys: ['1'] });
    expect(await eventually(async () => (wakes >= 2 ? wakes : undefined))).toBeDefined(); // NOTIFY arrived
    server?.restart?.();
    // The first queries may meet connections cut by the restart (a coded, transient error); then it works.
    expect(await eventually(async () => (await store.jobs.list('p')).map((j) => j.keys))).toEqual([['1']]);
    const before = wakes;
    await store.jobs.enqueue({ pipeline: 'p', kind: 'keys', keys: ['2'] });
    // Woken again after the restart: the listener reconnected and LISTENs again.
    expect(await eventually(async () => (wakes > before ? wakes : undefined))).toBeDefined();
    expect((await store.jobs.list('p')).map((j) => j.keys)).toEqual([['1'], ['2']]);
    await listener.close();
    await store.close();
  });
});
