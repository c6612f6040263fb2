// The serve worker against the memory store and the test connectors: keyed jobs coalesced into one
// batch, failures steered by class, retries bounded, nothing dropped.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenedPipeline } from '../engine/open-pipeline.ts';
import { MlcError } from '../errors.ts';
import { silentLogger } from '../lib/log.ts';
import type { Store } from '../store/store.ts';
import type { SinkProbe } from '../../test/support/test-connectors.ts';
import { openWorkerFixture, type WorkerFixture } from '../../test/support/worker-fixture.ts';
import { createWorker } from './worker.ts';
import { isoAfter, nextWholeHour } from '../../test/support/test-clock.ts';

describe('serve worker', () => {
  let fixture: WorkerFixture;
  let store: Store;
  let opened: OpenedPipeline;
  let probe: SinkProbe;
  let now: Date;
  let start: Date;
  const clock = () => now;

  beforeEach(async () => {
    fixture = await openWorkerFixture();
    ({ store, opened, probe } = fixture);
    now = start = nextWholeHour();
  });
  afterEach(() => fixture.close());

  const worker = (pipeline: OpenedPipeline = opened) => createWorker({ store, pipeline: () => pipeline, logger: silentLogger(), clock, random: () => 0.5 });

  it('coalesces the due keyed jobs of a pipeline into one batch and completes them all', async () => {
    let reads = 0;
    const counting: OpenedPipeline = {
      ...opened,
      source: { ...opened.source, readKeys: (keys, options) => { reads += 1; expect([...keys].sort()).toEqual(['1', '2', '4']); return opened.source.readKeys(keys, options); } },
    };
    for (const keys of [['1'], ['2', '1'], ['4']]) await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'keys', keys });
    const w = worker(counting);
    expect(await w.step()).toBe(true);
    expect(reads).toBe(1);
    expect(await store.jobs.list('test-headcount')).toEqual([]);
    expect(await w.step()).toBe(false);
    // The console's runs page: one batch, its kind and times (the clock is fixed here).
    expect(w.recentRuns('test-headcount')).toMatchObject([{ kind: 'keys', read: 3, startedAt: isoAfter(start, 0), endedAt: isoAfter(start, 0) }]);
  });

  it("puts a transient failure back at the remote's Retry-After, then quarantines its records after the last attempt", async () => {
    const busy: OpenedPipeline = {
      ...opened,
      source: {
        ...opened.source,
        readKeys: () => ({
          [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new MlcError('MLC_REMOTE_UNAVAILABLE', 'the HR system answered 503', { retryAfterMs: 7000 })) }),
        }),
      },
    };
    await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'keys', keys: ['5'] }, { notBefore: now });
    const w = worker(busy);
    const attempts: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const due = await store.jobs.list('test-headcount');
      if (due.length === 0) break;
      now = new Date(Date.parse(due[0]?.notBefore ?? now.toISOString()));
      attempts.push(now.toISOString());
      await w.step();
    }
    // The fixture's policy allows 3 attempts: two waits of exactly 7 s, then quarantine.
    expect(attempts).toEqual([isoAfter(start, 0), isoAfter(start, 7_000), isoAfter(start, 14_000)]);
    const quarantined = await store.quarantine.list({ pipeline: 'test-headcount' });
    expect(quarantined.map((q) => [q.recordKey, q.code])).toEqual([['5', 'MLC_REMOTE_UNAVAILABLE']]);
    expect(quarantined[0]?.cause).toMatch(/503.*gave up after 3 attempts/);
    expect(await store.jobs.list('test-headcount')).toEqual([]);
    expect(w.status().get('test-headcount')?.state).toBe('degraded');
  });

  it('a job claimed while the source is being waited out waits with the one that failed: no early call, then one read of both', async () => {
    let reads: string[][] = [];
    let throttling = true;
    const throttled: OpenedPipeline = {
      ...opened,
      source: {
        ...opened.source,
        readKeys: (keys, options) => {
          reads.push([...keys].sort());
          if (!throttling) return opened.source.readKeys(keys, options);
          return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new MlcError('MLC_REMOTE_UNAVAILABLE', 'the HR system answered 429', { retryAfterMs: 7000 })) }) };
        },
      },
    };
    const w = worker(throttled);
    await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'keys', keys: ['1'] });
    await w.step();
    expect(reads).toEqual([['1']]);
    // A delivery during the wait: its job is claimed, not run, and goes back to wait until then.
    now = new Date(start.getTime() + 2_000);
    await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'keys', keys: ['2'] });
    expect(await w.step()).toBe(true);
    expect(reads).toEqual([['1']]);
    const waiting = await store.jobs.list('test-headcount');
    expect(waiting.map((j) => [j.keys, j.notBefore, j.attempts])).toEqual([
      [['1'], isoAfter(start, 7_000), 1],
      [['2'], isoAfter(start, 7_000), 0],
    ]);
    // At the Retry-After both are due: one read of both keys.
    now = new Date(start.getTime() + 7_000);
    throttling = false;
    reads = [];
    await w.step();
    expect(reads).toEqual([['1', '2']]);
    expect(await store.jobs.list('test-headcount')).toEqual([]);
  });

  it('a batch that failed after its source read (the sink) does not hold back the next job', async () => {
    let reads = 0;
    let sinkDown = true;
    const failing: OpenedPipeline = {
      ...opened,
      source: { ...opened.source, readKeys: (keys, options) => ((reads += 1), opened.source.readKeys(keys, options)) },
      sink: {
        ...opened.sink,
        readActual: (entity, keys, options) => (sinkDown ? Promise.reject(new MlcError('MLC_REMOTE_UNAVAILABLE', 'the agent answered 503', { retryAfterMs: 7000 })) : opened.sink.readActual(entity, keys, options)),
      },
    };
    const w = worker(failing);
    await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'keys', keys: ['1'] });
    await w.step();
    expect(reads).toBe(1);
    sinkDown = false;
    await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'keys', keys: ['2'] });
    await w.step();
    expect(reads).toBe(2);
  });

  it('gives up when the next attempt would start past deadlineMs, counted from the first attempt', async () => {
    const retry = { ...opened.compiled.policies.retry, maxAttempts: 100, deadlineMs: 20_000 };
    const busy: OpenedPipeline = {
      ...opened,
      compiled: { ...opened.compiled, policies: { ...opened.compiled.policies, retry } },
      source: {
        ...opened.source,
        readKeys: () => ({
          [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new MlcError('MLC_REMOTE_UNAVAILABLE', 'the HR system answered 503', { retryAfterMs: 7000 })) }),
        }),
      },
    };
    await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'keys', keys: ['6'] }, { notBefore: now });
    const w = worker(busy);
    const attempts: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      const due = await store.jobs.list('test-headcount');
      if (due.length === 0) break;
      now = new Date(Date.parse(due[0]?.notBefore ?? now.toISOString()));
      attempts.push(`${(now.getTime() - start.getTime()) / 1000} s`);
      await w.step();
    }
    // 0 s, 7 s, 14 s; a fourth attempt at 21 s would start past the 20 s deadline.
    expect(attempts).toEqual(['0 s', '7 s', '14 s']);
    const [parked] = await store.quarantine.list({ pipeline: 'test-headcount' });
    expect(parked?.cause).toMatch(/retry deadline of 20 s has passed/);
  });

  it('marks the pipeline failing on a config error and keeps the job for later (nothing dropped)', async () => {
    const refused: OpenedPipeline = {
      ...opened,
      source: { ...opened.source, readChanged: () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new MlcError('MLC_REMOTE_AUTH', 're-authorization required')) }) }) },
    };
    await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'changed' });
    const w = worker(refused);
    await w.step();
    expect(w.status().get('test-headcount')).toMatchObject({ state: 'failing', lastError: 're-authorization required' });
    const [job] = await store.jobs.list('test-headcount');
    expect(job?.notBefore).toBe(new Date(now.getTime() + opened.compiled.policies.retry.maxIntervalMs).toISOString());
  });

  it('schedules one retry job for changes the sink left pending', async () => {
    probe.fault = (change) => (change.entity === 'headcount' ? new MlcError('MLC_REMOTE_UNAVAILABLE', 'record locked', { retryAfterMs: 120_000 }) : undefined);
    await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'full' });
    const w = worker();
    await w.step();
    const jobs = await store.jobs.list('test-headcount');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ kind: 'changed', notBefore: new Date(now.getTime() + 120_000).toISOString() });
    probe.fault = undefined;
    now = new Date(now.getTime() + 120_000);
    await w.step();
    expect(await store.pending.list('test-headcount')).toEqual([]);
    expect(probe.effects.some((e) => e.entity === 'headcount')).toBe(true);
  });
});
