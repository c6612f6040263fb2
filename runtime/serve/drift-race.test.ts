// A drift check that runs while a batch of the same pipeline is being applied: the sink already holds
// the batch's writes, the store's desired state does not yet (its commit is held here). Through the
// worker's between-batches gate the check waits for the commit and finds nothing; without the gate the
// same moment reports the batch's own write as a hand edit — the control that shows the race is real.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../connectors/registry.ts';
import { openPipeline, type OpenedPipeline } from '../engine/open-pipeline.ts';
import { IsolatedEvaluator } from '../lib/jsonata-isolated.ts';
import { silentLogger } from '../lib/log.ts';
import { createSecretResolver } from '../secrets/resolver.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import type { Store } from '../store/store.ts';
import { copyFixture } from '../../test/support/engine-harness.ts';
import { editRecord, sourceData, testSinkDefinition, testSourceDefinition, type SinkProbe, type SourceData } from '../../test/support/test-connectors.ts';
import { nextWholeHour } from '../../test/support/test-clock.ts';
import { until } from '../../test/support/until.ts';
import { startDriftPolling } from './drift-poll.ts';
import { createWorker, type Worker } from './worker.ts';

describe('a drift check during a batch of the same pipeline', () => {
  let store: Store;
  let gated: Store;
  let evaluator: IsolatedEvaluator;
  let opened: OpenedPipeline;
  let data: SourceData;
  let probe: SinkProbe;
  let worker: Worker;
  let hold: { release(): void; waiting: boolean } | undefined;
  const now = nextWholeHour();

  beforeEach(async () => {
    const dir = copyFixture();
    hold = undefined;
    probe = { effects: [], keysSeen: [] };
    data = sourceData(30);
    store = createMemoryStore();
    // The store the batch commits through: the first commit after `hold` is set waits for its release
    // (the sink already has the batch's writes).
    gated = {
      ...store,
      commit: async (batch) => {
        const held = hold;
        if (held && !held.waiting && !batch.runId.startsWith('drift-')) {
          held.waiting = true;
          await new Promise<void>((resolve) => (held.release = resolve));
        }
        return store.commit(batch);
      },
    };
    evaluator = new IsolatedEvaluator();
    const registry = createRegistry([testSourceDefinition(data), testSinkDefinition(probe)]);
    opened = await openPipeline(join(dir, 'pipeline.yaml'), { registry, cwd: dir, env: {}, secrets: createSecretResolver({ dataDir: dir, env: {} }), store: gated, logger: silentLogger(), evaluator, runId: 'test', signal: new AbortController().signal });
    worker = createWorker({ store: gated, pipeline: () => opened, logger: silentLogger(), clock: () => now });
    await gated.jobs.enqueue({ pipeline: 'test-headcount', kind: 'full' });
    await worker.step();
  });
  afterEach(async () => {
    hold?.release();
    await opened.close();
    await evaluator.close();
    await store.close();
  });

  /** Employee 3 moves; its batch applies the headcount changes to the sink and stops before its commit. */
  async function batchInFlight(): Promise<{ step: Promise<boolean> }> {
    editRecord(data, '3', { department: 'Yard' });
    await gated.jobs.enqueue({ pipeline: 'test-headcount', kind: 'keys', keys: ['3'] });
    const effectsBefore = probe.effects.length;
    hold = { release: () => undefined, waiting: false };
    const step = worker.step();
    await until(() => hold?.waiting === true, "the batch to reach its commit"); expect(probe.effects.length).toBeGreaterThan(effectsBefore);
    return { step }; // wrapped: an async function returning the promise itself would wait for it
  }

  it('waits for the batch through the between-batches gate and reports no drift', async () => {
    const poller = startDriftPolling(['test-headcount'], () => opened, { store: gated, logger: silentLogger(), clock: () => now, onEnqueued: () => undefined, schedule: false, between: (fn) => worker.between(fn) });
    const { step } = await batchInFlight();
    let settled = false;
    const checking = poller.check('test-headcount').finally(() => (settled = true));
    for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false); // held behind the batch, not reading the sink mid-write
    hold?.release();
    expect(await step).toBe(true);
    expect((await checking)?.items).toEqual([]);
    expect(poller.status().get('test-headcount')).toMatchObject({ drifted: 0 });
  });

  it('(control) reports the in-flight write as drift when it does not wait', async () => {
    const poller = startDriftPolling(['test-headcount'], () => opened, { store: gated, logger: silentLogger(), clock: () => now, onEnqueued: () => undefined, schedule: false });
    const { step } = await batchInFlight();
    const report = await poller.check('test-headcount');
    hold?.release();
    await step;
    expect(report?.items.length).toBeGreaterThan(0);
  });
});
