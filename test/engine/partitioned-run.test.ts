// A partitioned aggregate through the whole engine: over a seeded series of changes (moves, leavers,
// hires, deletions) a pipeline kept open with `partitionBy` sends the sink exactly what the same
// pipeline without it sends, while each batch re-evaluates only the partitions its records touched;
// serve's warm-up after a restart leaves the first batch nothing but its own partitions.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Change, JsonObject } from '../../runtime/connectors/definition.ts';
import { warmAggregates } from '../../runtime/engine/warm-aggregates.ts';
import type { PartitionStats } from '../../runtime/steps/partitioned-aggregate.ts';
import { engineHarness, type EngineHarness } from '../support/engine-harness.ts';
import { editRecord } from '../support/test-connectors.ts';

const harnesses: EngineHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

function partitioned(options: Parameters<typeof engineHarness>[0] = {}): EngineHarness {
  const h = engineHarness({ ...options, keepOpen: true });
  const file = join(h.dir, 'pipeline.yaml');
  const yaml = readFileSync(file, 'utf8');
  const edited = yaml.replace('file: roster.jsonata, timeoutMs: 10000', 'file: roster.jsonata, timeoutMs: 10000, partitionBy: costCenter');
  if (edited === yaml) throw new Error('the fixture pipeline changed: its aggregate step was not found');
  writeFileSync(file, edited);
  harnesses.push(h);
  return h;
}

async function stats(h: EngineHarness): Promise<PartitionStats> {
  const step = (await h.open()).compiled.rosterSteps[0] as { partitions?: { lastStats(): PartitionStats } } | undefined;
  if (!step?.partitions) throw new Error('the aggregate is not partitioned');
  return step.partitions.lastStats();
}

const sent = (changes: readonly Change[]): string[] => changes.map((c) => `${c.action} ${c.entity}/${c.key} ${JSON.stringify(c.after ?? null)}`).sort();

/** A seeded series of numbers in [0, 1), so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('a partitioned aggregate in the engine', () => {
  it('sends what the whole-roster aggregate sends after every change of a seeded series, re-evaluating only the touched partitions', async () => {
    const whole = engineHarness({ count: 60 });
    harnesses.push(whole);
    const parted = partitioned({ count: 60 });
    expect(sent((await parted.run('full')).changes)).toEqual(sent((await whole.run('full')).changes));
    const all = (await stats(parted)).partitions;
    expect((await stats(parted)).evaluated).toBe(all);

    const pick = prng(15);
    const departments = ['Warehouse', 'Yard', 'Sales'];
    let hire = 61;
    let batchesThatWrote = 0;
    for (let change = 0; change < 16; change++) {
      const key = String(1 + Math.floor(pick() * 60));
      const kind = change % 4;
      const patch: JsonObject | 'deleted' =
        kind === 0
          ? { department: departments[Math.floor(pick() * departments.length)] ?? 'Yard' }
          : kind === 1
            ? { status: 'Inactive' }
            : kind === 2
              ? 'deleted'
              : { id: String(hire), firstName: 'New', lastName: 'Hire', status: 'Active', department: 'Yard', location: '02' };
      const target = kind === 3 ? String(hire++) : key;
      for (const h of [whole, parted]) editRecord(h.data, target, patch);
      const want = await whole.run('changed-since');
      const got = await parted.run('changed-since');
      expect(sent(got.changes)).toEqual(sent(want.changes));
      if (want.changes.length > 0) batchesThatWrote++;
      // One record changed: at most the partition it left and the one it joined.
      expect((await stats(parted)).evaluated).toBeLessThanOrEqual(2);
    }
    // The series is not idle: most changes move a headcount (a move within one cost center, or a
    // second deletion of the same record, writes nothing).
    expect(batchesThatWrote).toBeGreaterThanOrEqual(10);
    expect(await parted.store.desired.all('test-headcount')).toEqual(await whole.store.desired.all('test-headcount'));
  });

  it("serve's warm-up after a restart leaves the first batch only the partitions its change touched", async () => {
    const first = partitioned({ count: 40 });
    await first.run('full');
    // A restart: the same store, the pipeline compiled afresh (nothing kept), then warmed.
    const restarted = partitioned({ count: 40, store: first.store });
    expect(await warmAggregates((await restarted.open()).compiled, restarted.store, new Date())).toBe(first.data.records.size - [...first.data.records.values()].filter((r) => r.data.status !== 'Active').length);
    const all = (await stats(restarted)).partitions;
    expect((await stats(restarted)).evaluated).toBe(all);
    editRecord(restarted.data, '3', { department: 'Sales' });
    await restarted.run('keys', { keys: ['3'] });
    expect((await stats(restarted)).evaluated).toBeLessThanOrEqual(2);
    expect((await stats(restarted)).reused).toBeGreaterThanOrEqual(all - 2);
  });
});
