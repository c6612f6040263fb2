// The partitioned aggregate over the real isolated evaluator and the shipped headcount aggregate:
// after every change of a seeded series it gives exactly what the whole-roster evaluation gives, while
// re-evaluating only the partitions the change touched; what it keeps is dropped when a binding the
// expression names changes, never kept for an expression that reads the clock, and refused when the
// expression is not partitionable.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { DesiredItem, EntitySpec, JsonObject } from '../connectors/definition.ts';
import { IsolatedEvaluator } from '../lib/jsonata-isolated.ts';
import { aggregateStep } from './aggregate.ts';
import type { PartitionedRun } from './partitioned-aggregate.ts';
import type { BatchEvaluator, RosterEntry, StepContext } from './step.ts';

const evaluator = new IsolatedEvaluator();
afterAll(() => evaluator.close());

const source = readFileSync(new URL('../../mappings/headcount.jsonata', import.meta.url), 'utf8');
const entities: EntitySpec[] = ['subAccount', 'account', 'headcount'].map((name, index) => ({ name, applyOrder: index + 1, deactivatable: true, compared: [] }));
const DEPARTMENTS = ['WHS', 'YRD', 'SLS', 'DRV', 'ADM'];
const DIVISIONS = ['10', '20', '30'];
const LOCATIONS = ['01', '02'];

/** A seeded series of numbers in [0, 1), so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function employee(id: number, pick: () => number, active = true): RosterEntry {
  const segments = { division: DIVISIONS[Math.floor(pick() * DIVISIONS.length)] ?? '10', department: DEPARTMENTS[Math.floor(pick() * DEPARTMENTS.length)] ?? 'WHS', location: LOCATIONS[Math.floor(pick() * LOCATIONS.length)] ?? '01' };
  return { key: String(id), record: { employeeId: String(id), costCenter: `${segments.division}-${segments.department}-${segments.location}`, segments, active } };
}

const bindings = (runDate: string, committed: readonly DesiredItem[], runAt = `${runDate}T10:00:00.000Z`): Record<string, unknown> => ({
  runAt,
  runDate,
  sink: { accountFormat: { separator: '-' }, mainAccounts: ['6000', '6100'] },
  tables: { departments: { segment: 'department', descriptions: { WHS: 'Warehouse', YRD: 'Yard' } } },
  committed: committed.map(({ entity, key, values }) => ({ entity, key, values })),
});
const context = (b: Record<string, unknown>, recompute = false): StepContext => ({ pipeline: 'p', runId: 'r', bindings: b, ...(recompute ? { recompute } : {}) });

/** Items with their lineage as a set, in a fixed order: what must be equal. */
const normal = (items: readonly DesiredItem[]) =>
  items.map((i) => ({ entity: i.entity, key: i.key, values: i.values, sourceKeys: [...(i.lineage?.sourceKeys ?? [])].sort() })).sort((a, b) => `${a.entity}/${a.key}`.localeCompare(`${b.entity}/${b.key}`));

function partitioned(partitionBy = 'costCenter', expression = source, counting?: { inputs: number }): { run: PartitionedRun['run']; stats: PartitionedRun['lastStats'] } {
  const counted: BatchEvaluator = {
    evaluateBatch: (src, inputs, limits, b) => {
      if (counting) counting.inputs += inputs.length;
      return evaluator.evaluateBatch(src, inputs, limits, b);
    },
  };
  const step = aggregateStep({ id: 'headcount', source: expression, timeoutMs: 5000, evaluator: counted, entities, partitionBy });
  if (!step.partitions) throw new Error('no partitions');
  return { run: step.run, stats: step.partitions.lastStats };
}
const whole = aggregateStep({ id: 'headcount', source, timeoutMs: 5000, evaluator, entities });

describe('partitioned aggregate', () => {
  it('gives what the whole roster gives after every change of a seeded series, re-evaluating only the touched partitions', async () => {
    const pick = prng(20261128);
    const roster = new Map<string, RosterEntry>();
    for (let id = 1; id <= 40; id++) roster.set(String(id), employee(id, pick));
    const step = partitioned();
    let committed: DesiredItem[] = [];
    let nextId = 41;
    for (let change = 0; change < 30; change++) {
      const sorted = [...roster.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
      const b = bindings('2026-11-28', committed);
      const got = await step.run(sorted, context(b));
      const want = await whole.run(sorted, context(b));
      expect(normal(got)).toEqual(normal(want));
      if (change > 0) expect(step.stats().evaluated).toBeLessThanOrEqual(2);
      committed = got;
      // One change: a move (new cost center), a hire, a leaver (inactive) or a removal.
      const kind = change % 4;
      const victim = sorted[Math.floor(pick() * sorted.length)];
      if (!victim) continue;
      if (kind === 0) roster.set(victim.key, { ...employee(Number(victim.key), pick), key: victim.key });
      else if (kind === 1) roster.set(String(nextId), employee(nextId++, pick));
      else if (kind === 2) roster.set(victim.key, { key: victim.key, record: { ...victim.record, active: false } as JsonObject });
      else roster.delete(victim.key);
    }
  });

  it('gives headcount 0 for an emptied cost center (from $committed, over no records) and the count where someone books', async () => {
    const step = partitioned();
    const one = employee(1, () => 0);
    const first = await step.run([one], context(bindings('2026-11-28', [])));
    const center = first.find((i) => i.entity === 'headcount');
    expect(center?.values.headcount).toBe(1);
    // The employee leaves: their partition is gone, the evaluation over no records emits the 0.
    const after = await step.run([{ ...one, record: { ...one.record, active: false } }], context(bindings('2026-11-28', first)));
    expect(after.find((i) => i.key === center?.key)).toMatchObject({ values: { headcount: 0 }, lineage: { sourceKeys: [] } });
    // Someone else joins that cost center: their count wins over the 0 from $committed.
    const back = await step.run([one, { key: '2', record: { ...one.record, employeeId: '2' } }], context(bindings('2026-11-28', after)));
    expect(back.find((i) => i.key === center?.key)).toMatchObject({ values: { headcount: 2 }, lineage: { sourceKeys: ['1', '2'] } });
  });

  it('keeps partitions while only unnamed bindings change, and drops them when a named one does or a complete read asks', async () => {
    const pick = prng(7);
    const roster = Array.from({ length: 12 }, (_, i) => employee(i + 1, pick));
    const step = partitioned();
    await step.run(roster, context(bindings('2026-11-28', [])));
    const all = step.stats().partitions;
    expect(step.stats().evaluated).toBe(all);
    // $runAt moves on within the day: the expression reads $runDate only.
    await step.run(roster, context(bindings('2026-11-28', [], '2026-11-28T23:59:00.000Z')));
    expect(step.stats()).toMatchObject({ evaluated: 0, reused: all });
    const nextDay = await step.run(roster, context(bindings('2026-12-01', [])));
    expect(step.stats().evaluated).toBe(all);
    expect(nextDay.filter((i) => i.entity === 'headcount').every((i) => i.values.period === '2026-12')).toBe(true);
    await step.run(roster, context(bindings('2026-12-01', []), true));
    expect(step.stats().evaluated).toBe(all);
  });

  it('never keeps what an expression that reads the clock gave', async () => {
    const counting = { inputs: 0 };
    const clocked = '$.{ "entity": "headcount", "key": costCenter & "@" & $substring($now(), 0, 7), "values": { "n": 1 }, "sourceKeys": employeeId }';
    const step = partitioned('employeeId', clocked, counting);
    const roster = [employee(1, () => 0), employee(2, () => 0.5)];
    await step.run(roster, context(bindings('2026-11-28', [])));
    await step.run(roster, context(bindings('2026-11-28', [])));
    expect(step.stats()).toMatchObject({ evaluated: 2, reused: 0 });
    // Two partitions and the evaluation over no records, twice.
    expect(counting.inputs).toBe(6);
  });

  it('refuses an expression whose partitions disagree on an item, naming both', async () => {
    const total = '{ "entity": "headcount", "key": "all", "values": { "headcount": $count($[active]) }, "sourceKeys": $[active].employeeId }';
    const step = partitioned('costCenter', total);
    const roster = [employee(1, () => 0), employee(2, () => 0), employee(3, () => 0.9)];
    await expect(step.run(roster, context(bindings('2026-11-28', [])))).rejects.toMatchObject({
      code: 'MLC_AGGREGATE_OUTPUT',
      message: expect.stringMatching(/step 'headcount' is not partitionable by costCenter: headcount\/all is emitted by partition "10-WHS-01" as \{"headcount":2\} and by partition "30-ADM-02" as \{"headcount":1\}/),
    });
  });
});
