// The worker under long faults, on a simulated clock (no wall-clock waits): a retry deadline, a source
// throttling for minutes, and a sink down for hours — retry traffic bounded, the job list flat, nothing
// lost, all applied on return.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenedPipeline } from '../engine/open-pipeline.ts';
import { MlcError } from '../errors.ts';
import { silentLogger } from '../lib/log.ts';
import type { Store } from '../store/store.ts';
import type { SinkProbe } from '../../test/support/test-connectors.ts';
import { openWorkerFixture, type WorkerFixture } from '../../test/support/worker-fixture.ts';
import { createWorker, type Worker } from './worker.ts';
import { nextWholeHour } from '../../test/support/test-clock.ts';

describe('serve worker under long faults', () => {
  let fixture: WorkerFixture;
  let store: Store;
  let opened: OpenedPipeline;
  let probe: SinkProbe;
  let now: Date;
  let t0: number;
  const clock = () => now;

  beforeEach(async () => {
    fixture = await openWorkerFixture();
    ({ store, opened, probe } = fixture);
    now = nextWholeHour();
    t0 = now.getTime();
  });
  afterEach(() => fixture.close());

  const withRetry = (retry: Partial<OpenedPipeline['compiled']['policies']['retry']>, base: OpenedPipeline = opened): OpenedPipeline => ({
    ...base,
    compiled: { ...base.compiled, policies: { ...base.compiled.policies, retry: { ...base.compiled.policies.retry, ...retry } } },
  });

  /** Runs every job as it comes due, jumping the clock to it; returns the times jobs ran. */
  async function drive(w: Worker, until: Date, maxSteps: number): Promise<Date[]> {
    const ran: Date[] = [];
    for (let i = 0; i < maxSteps; i += 1) {
      const due = (await store.jobs.list('test-headcount')).map((j) => Date.parse(j.notBefore)).sort((a, b) => a - b);
      if (due.length === 0 || (due[0] as number) > until.getTime()) break;
      now = new Date(Math.max(now.getTime(), due[0] as number));
      ran.push(now);
      await w.step();
    }
    return ran;
  }

  it('quarantines a failing job once the retry deadline has passed, before its attempts run out', async () => {
    const busy = withRetry({ maxAttempts: 100, initialIntervalMs: 10_000, backoffCoefficient: 2, maxIntervalMs: 60_000, deadlineMs: 45_000 }, {
      ...opened,
      source: { ...opened.source, readKeys: () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new MlcError('MLC_REMOTE_UNAVAILABLE', 'the HR system answered 503', { retryAfterMs: 20_000 })) }) }) },
    });
    await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'keys', keys: ['5'] }, { notBefore: now });
    const w = createWorker({ store, pipeline: () => busy, logger: silentLogger(), clock, random: () => 0.5 });
    const ran = await drive(w, new Date(now.getTime() + 3_600_000), 50);
    // Retry-After 20 s: attempts at 0, 20 and 40 s; the next would start at 60 s, past the 45 s deadline.
    expect(ran.map((d) => (d.getTime() - t0) / 1000)).toEqual([0, 20, 40]);
    const [entry] = await store.quarantine.list({ pipeline: 'test-headcount' });
    expect(entry?.cause).toMatch(/deadline of 45 s/);
  });

  it('waits out a source that throttles for minutes: one attempt per Retry-After, nothing quarantined, all applied after', async () => {
    const throttledUntil = now.getTime() + 10 * 60_000;
    const attempts: number[] = [];
    const throttled = (): AsyncIterable<never> => ({
      [Symbol.asyncIterator]: () => ({
        next: () => {
          attempts.push(now.getTime());
          return Promise.reject(new MlcError('MLC_REMOTE_UNAVAILABLE', 'the HR system answered 429', { retryAfterMs: 60_000 }));
        },
      }),
    });
    const source = opened.source;
    const throttling = withRetry({ maxAttempts: 50, initialIntervalMs: 1_000, backoffCoefficient: 2, maxIntervalMs: 120_000 }, {
      ...opened,
      source: {
        ...source,
        readAll: (options) => (now.getTime() < throttledUntil ? throttled() : source.readAll(options)),
        readChanged: (since, options) => (now.getTime() < throttledUntil ? throttled() : source.readChanged(since, options)),
      },
    });
    const w = createWorker({ store, pipeline: () => throttling, logger: silentLogger(), clock, random: () => 0.999 });
    await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'full' }, { notBefore: now });
    const start = now.getTime();
    // A cron tick every minute keeps adding work while throttled: it joins the waiting full job (a full
    // read covers it) rather than making a read of its own, so the queue stays at the waiting job plus
    // the newest tick.
    for (let minute = 1; minute <= 12; minute += 1) {
      await drive(w, new Date(start + minute * 60_000), 5);
      const tick = new Date(start + minute * 60_000).toISOString();
      await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'changed' }, { dedupeKey: `tick@${tick}`, notBefore: new Date(tick) });
      expect((await store.jobs.list('test-headcount')).length).toBeLessThanOrEqual(2);
    }
    await drive(w, new Date(start + 20 * 60_000), 20);
    // Never sooner than Retry-After: ten minutes of throttling cost at most ~11 reads, not hundreds.
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] as number));
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts.length).toBeLessThanOrEqual(12);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(60_000);
    expect(await store.quarantine.list({ pipeline: 'test-headcount' })).toEqual([]);
    expect(probe.effects.length).toBeGreaterThan(0);
    expect(await store.jobs.list('test-headcount')).toEqual([]);
  });

  it('keeps retry traffic bounded while the sink is down for hours, loses nothing, and applies everything when it returns', async () => {
    const down = new MlcError('MLC_REMOTE_UNAVAILABLE', 'the ERP agent is unreachable');
    probe.fault = () => down;
    const pipeline = withRetry({ maxAttempts: 1000, initialIntervalMs: 1_000, backoffCoefficient: 2, maxIntervalMs: 300_000 });
    const sleep = async (ms: number) => {
      now = new Date(now.getTime() + ms);
    };
    const w = createWorker({ store, pipeline: () => pipeline, logger: silentLogger(), clock, random: () => 0.999, sleep });
    await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'full' }, { notBefore: now });
    const start = now.getTime();
    const hours = 4;
    let maxJobs = 0;
    const ran: Date[] = [];
    for (let i = 0; i < 2_000; i += 1) {
      const step = await drive(w, new Date(start + hours * 3_600_000), 1);
      if (step.length === 0) break;
      ran.push(...step);
      maxJobs = Math.max(maxJobs, (await store.jobs.list('test-headcount')).length);
    }
    const pending = await store.pending.list('test-headcount');
    expect(pending.length).toBeGreaterThan(0);
    expect(probe.effects).toEqual([]);
    // Backoff grows to maxIntervalMs (5 min) and stays there: about 12 batches an hour, not one a second.
    const gaps = ran.slice(1).map((d, i) => d.getTime() - (ran[i] as Date).getTime());
    expect(Math.max(...gaps)).toBeLessThanOrEqual(300_000 + 60_000);
    expect(ran.length).toBeLessThan(hours * 12 + 20);
    expect(maxJobs).toBeLessThanOrEqual(1);
    expect(await store.quarantine.list({ pipeline: 'test-headcount' })).toEqual([]);

    // The sink comes back: the next retry applies every pending change.
    probe.fault = undefined;
    await drive(w, new Date(start + (hours + 1) * 3_600_000), 20);
    expect(await store.pending.list('test-headcount')).toEqual([]);
    expect(probe.effects.length).toBe(pending.length);
    expect(await store.jobs.list('test-headcount')).toEqual([]);
  });
});
