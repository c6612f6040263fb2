// Drift polling against the memory store and the test sink: a hand edit in the sink is reported
// (audit, metric, status) under `report`, put back by a queued full batch under `repair`, and never
// looked for under `ignore`.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRegistry } from '../connectors/registry.ts';
import { openPipeline, type OpenedPipeline } from '../engine/open-pipeline.ts';
import { IsolatedEvaluator } from '../lib/jsonata-isolated.ts';
import { silentLogger } from '../lib/log.ts';
import { createServiceMetrics } from '../lib/metrics.ts';
import { createSecretResolver } from '../secrets/resolver.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import type { AuditEvent, Store } from '../store/store.ts';
import { copyFixture } from '../../test/support/engine-harness.ts';
import { sourceData, testSinkDefinition, testSourceDefinition, type SinkProbe } from '../../test/support/test-connectors.ts';
import { startDriftPolling } from './drift-poll.ts';
import { createWorker } from './worker.ts';
import { nextWholeHour } from '../../test/support/test-clock.ts';

describe('drift polling', () => {
  let store: Store;
  let evaluator: IsolatedEvaluator;
  let opened: OpenedPipeline;
  let probe: SinkProbe;
  const now = nextWholeHour();

  beforeEach(async () => {
    const dir = copyFixture();
    probe = { effects: [], keysSeen: [] };
    store = createMemoryStore();
    evaluator = new IsolatedEvaluator();
    const registry = createRegistry([testSourceDefinition(sourceData(30)), testSinkDefinition(probe)]);
    opened = await openPipeline(join(dir, 'pipeline.yaml'), { registry, cwd: dir, env: {}, secrets: createSecretResolver({ dataDir: dir, env: {} }), store, logger: silentLogger(), evaluator, runId: 'test', signal: new AbortController().signal });
    await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'full' });
    await createWorker({ store, pipeline: () => opened, logger: silentLogger(), clock: () => now }).step();
  });
  afterEach(async () => {
    await opened.close();
    await evaluator.close();
    await store.close();
  });

  const withPolicy = (drift: 'report' | 'repair' | 'ignore'): OpenedPipeline => ({ ...opened, compiled: { ...opened.compiled, policies: { ...opened.compiled.policies, drift } } });
  /** Someone edits one headcount item in the sink by hand. */
  const editByHand = (): { key: string; values: Record<string, unknown> } => {
    const target = probe.effects.find((e) => e.entity === 'headcount');
    if (!target) throw new Error('the first batch wrote no headcount');
    const values = { ...target.values, headcount: 999 };
    probe.effects.push({ idempotencyKey: 'typed-in-by-hand', entity: 'headcount', key: target.key, action: 'update', values });
    return { key: target.key, values };
  };
  const driftEvents = async (): Promise<AuditEvent[]> => {
    const events: AuditEvent[] = [];
    for await (const event of store.audit.query({ pipeline: 'test-headcount' })) if (event.stage === 'drift') events.push(event);
    return events;
  };

  it('finds nothing when the sink holds the desired state', async () => {
    const poller = startDriftPolling(['test-headcount'], () => withPolicy('report'), { store, logger: silentLogger(), clock: () => now, onEnqueued: () => undefined, schedule: false });
    expect((await poller.check('test-headcount'))?.items).toEqual([]);
    expect(await driftEvents()).toEqual([]);
  });

  it('reports a hand edit under report: audited with both values, counted, shown, and the sink left alone', async () => {
    const metrics = createServiceMetrics();
    const poller = startDriftPolling(['test-headcount'], () => withPolicy('report'), { store, logger: silentLogger(), metrics, clock: () => now, onEnqueued: () => undefined, schedule: false });
    const edit = editByHand();
    const effectsBefore = probe.effects.length;
    const report = await poller.check('test-headcount');
    expect(report?.items).toEqual([{ entity: 'headcount', key: edit.key, action: 'update' }]);
    const [event] = await driftEvents();
    expect(event).toMatchObject({ recordKey: `headcount/${edit.key}`, pipelineVersion: opened.compiled.version, before: { headcount: 999 } });
    expect(event?.after?.headcount).not.toBe(999);
    expect(await metrics.render()).toMatch(/mlc_drift_items\{pipeline="test-headcount"\} 1/);
    expect(poller.status().get('test-headcount')).toMatchObject({ drifted: 1, repairsQueued: 0, lastCheckAt: now.toISOString() });
    expect(await store.jobs.list('test-headcount')).toEqual([]);
    expect(probe.effects).toHaveLength(effectsBefore);
  });

  it('puts the desired state back under repair through one queued full batch', async () => {
    const repairing = withPolicy('repair');
    let woken = 0;
    const poller = startDriftPolling(['test-headcount'], () => repairing, { store, logger: silentLogger(), clock: () => now, onEnqueued: () => (woken += 1), schedule: false });
    const edit = editByHand();
    await poller.check('test-headcount');
    await poller.check('test-headcount'); // the same minute: still one repair job
    expect((await store.jobs.list('test-headcount')).map((j) => j.kind)).toEqual(['full']);
    expect(woken).toBe(1);
    await createWorker({ store, pipeline: () => repairing, logger: silentLogger(), clock: () => now }).step();
    const last = probe.effects.filter((e) => e.entity === 'headcount' && e.key === edit.key).at(-1);
    expect(last?.values.headcount).not.toBe(999);
    expect((await poller.check('test-headcount'))?.items).toEqual([]);
  });

  it('never looks under ignore', async () => {
    editByHand();
    const poller = startDriftPolling(['test-headcount'], () => withPolicy('ignore'), { store, logger: silentLogger(), clock: () => now, onEnqueued: () => undefined });
    expect(await poller.check('test-headcount')).toBeUndefined();
    expect(await driftEvents()).toEqual([]);
    await poller.stop();
  });
});
