// A sink down for six hours, on a virtual clock: webhooks and cron ticks keep arriving, the worker keeps
// failing, and then the sink comes back. Counts only: delay per retry, sink calls, queue depth, and
// the sink's final state against a run that never saw the outage.
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../../runtime/connectors/registry.ts';
import { openPipeline, type OpenedPipeline } from '../../runtime/engine/open-pipeline.ts';
import { MlcError } from '../../runtime/errors.ts';
import { IsolatedEvaluator } from '../../runtime/lib/jsonata-isolated.ts';
import { silentLogger } from '../../runtime/lib/log.ts';
import { createSecretResolver } from '../../runtime/secrets/resolver.ts';
import { createWorker, type Worker } from '../../runtime/serve/worker.ts';
import { createMemoryStore } from '../../runtime/store/memory-store.ts';
import type { Store } from '../../runtime/store/store.ts';
import { copyFixture } from '../support/engine-harness.ts';
import { sourceData, testSinkDefinition, testSourceDefinition, type SinkProbe } from '../support/test-connectors.ts';
import { nextWholeHour } from '../support/test-clock.ts';

const HOUR = 3_600_000;
const MAX_INTERVAL = 300_000;
const MAX_ATTEMPTS = 8;
const T0 = nextWholeHour().getTime();

/** A fixed-seed generator, so the jittered schedule is the same in every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

interface Harness {
  store: Store;
  opened: OpenedPipeline;
  probe: SinkProbe;
  evaluator: IsolatedEvaluator;
}

async function harness(): Promise<Harness> {
  const dir = copyFixture();
  const file = join(dir, 'pipeline.yaml');
  // The documented defaults (8 attempts, 1 s doubling to 5 min), not the fixture's quick policy.
  writeFileSync(file, readFileSync(file, 'utf8').replace(/retry: \{[^}]*\}/, `retry: { maxAttempts: ${MAX_ATTEMPTS}, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: ${MAX_INTERVAL} }`));
  const probe: SinkProbe = { effects: [], keysSeen: [] };
  const store = createMemoryStore();
  const evaluator = new IsolatedEvaluator();
  const registry = createRegistry([testSourceDefinition(sourceData(40)), testSinkDefinition(probe)]);
  const opened = await openPipeline(file, { registry, cwd: dir, env: {}, secrets: createSecretResolver({ dataDir: dir, env: {} }), store, logger: silentLogger(), evaluator, runId: 'test', signal: new AbortController().signal });
  return { store, opened, probe, evaluator };
}

/** Runs due jobs in time order until none is due before `until`; returns the steps taken. */
async function runUntil(h: Harness, worker: Worker, clock: { now: number }, until: number, onStep?: () => Promise<void>): Promise<number> {
  let steps = 0;
  for (let i = 0; i < 5_000; i += 1) {
    const jobs = await h.store.jobs.list('test-headcount');
    const next = Math.min(...jobs.map((j) => Date.parse(j.notBefore)));
    if (!Number.isFinite(next) || next > until) return steps;
    clock.now = Math.max(clock.now, next);
    await worker.step();
    steps += 1;
    await onStep?.();
  }
  throw new Error('the worker never ran out of due jobs');
}

const sinkItems = (probe: SinkProbe): Record<string, unknown> => Object.fromEntries(probe.effects.map((e) => [`${e.entity}/${e.key}`, e.values]));

describe('a sink down for six hours', () => {
  const open: Harness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) {
      await h.opened.close();
      await h.evaluator.close();
      await h.store.close();
    }
  });

  it('backs jobs off up to maxIntervalMs, keeps every job or record, and applies all of it once the sink is back', async () => {
    const h = await harness();
    open.push(h);
    const clock = { now: T0 };
    let down = true;
    let callsWhileDown = 0;
    const refuse = (): never => {
      callsWhileDown += 1;
      throw new MlcError('MLC_REMOTE_UNAVAILABLE', 'connection refused');
    };
    const sink = h.opened.sink;
    const outage: OpenedPipeline = { ...h.opened, sink: { ...sink, apply: (c, o) => (down ? refuse() : sink.apply(c, o)), readActual: (e, k, o) => (down ? refuse() : sink.readActual(e, k, o)) } };
    const worker = createWorker({ store: h.store, pipeline: () => outage, logger: silentLogger(), clock: () => new Date(clock.now), random: seeded(7) });

    // The first poll, and webhooks for ten employees, all while the sink is already down.
    await h.store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'changed' }, { dedupeKey: 'tick@0', notBefore: new Date(T0) });
    for (let n = 1; n <= 10; n += 1) await h.store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'keys', keys: [String(n)] }, { notBefore: new Date(T0) });

    const delays: number[] = [];
    let deepestQueue = 0;
    let batchesWhileDown = 0;
    let callsSeen = 0;
    const observe = async (): Promise<void> => {
      if (callsWhileDown > callsSeen) batchesWhileDown += 1;
      callsSeen = callsWhileDown;
      const jobs = await h.store.jobs.list('test-headcount');
      deepestQueue = Math.max(deepestQueue, jobs.length);
      for (const j of jobs) if (Date.parse(j.notBefore) > clock.now) delays.push(Date.parse(j.notBefore) - clock.now);
    };
    // Six hours of cron ticks every 15 minutes, each a changed-since job (as the cron trigger enqueues).
    for (let tick = 0; tick < 24; tick += 1) {
      const at = T0 + tick * 15 * 60_000;
      await runUntil(h, worker, clock, at, observe);
      clock.now = Math.max(clock.now, at);
      await h.store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'changed' }, { dedupeKey: `tick@${tick + 1}`, notBefore: new Date(at) });
    }
    await runUntil(h, worker, clock, T0 + 6 * HOUR, observe);

    // During the outage: no retry waited longer than the policy's cap, traffic and queue stayed small,
    // nothing reached the sink, and nothing was dropped (the poll is still queued, the webhooks' records parked).
    expect(delays.length).toBeGreaterThan(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_INTERVAL);
    // The webhooks' batch: its attempts; the poll: its attempts, then one per interval, plus one per tick.
    const boundOnBatches = MAX_ATTEMPTS + MAX_ATTEMPTS + (6 * HOUR) / MAX_INTERVAL + 24;
    expect(batchesWhileDown).toBeLessThanOrEqual(boundOnBatches);
    expect(deepestQueue).toBeLessThanOrEqual(11 + 1);
    expect(h.probe.effects).toEqual([]);
    expect((await h.store.jobs.list('test-headcount')).map((j) => j.kind)).toContain('changed');
    const parked = await h.store.quarantine.list({ pipeline: 'test-headcount' });
    expect(parked.map((q) => q.recordKey).sort((a, b) => Number(a) - Number(b))).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(new Set(parked.map((q) => q.code))).toEqual(new Set(['MLC_REMOTE_UNAVAILABLE']));

    // The sink comes back: the queued poll succeeds, the parked records are replayed, all is applied.
    down = false;
    await runUntil(h, worker, clock, T0 + 8 * HOUR);
    expect(await h.store.jobs.list('test-headcount')).toEqual([]);
    expect(await h.store.quarantine.list({ pipeline: 'test-headcount' })).toEqual([]);
    expect(await h.store.pending.list('test-headcount')).toEqual([]);

    // The same sink state as a run that never saw the outage.
    const reference = await harness();
    open.push(reference);
    const clean = createWorker({ store: reference.store, pipeline: () => reference.opened, logger: silentLogger(), clock: () => new Date(T0) });
    await reference.store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'full' });
    await clean.step();
    expect(sinkItems(h.probe)).toEqual(sinkItems(reference.probe));
    expect(Object.keys(sinkItems(h.probe)).length).toBeGreaterThan(0);
  });
});
