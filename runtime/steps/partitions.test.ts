import { describe, expect, it } from 'vitest';
import { type MergeMemo, mergePartitions, type PartitionItem, partitionRoster, sortedUnion } from './partitions.ts';

const item = (key: string, headcount: number, sourceKeys: string[]): PartitionItem => ({ entity: 'subAccount', key, values: { headcount }, lineage: { sourceKeys } });

describe('mergePartitions with a memo', () => {
  it('gives back the merged item of unchanged emitters as it was, and merges again what a partition changed', () => {
    const memo: MergeMemo<PartitionItem> = new Map();
    const a = [item('shared', 1, ['1', '3']), item('only-a', 5, ['1'])];
    const b = [item('shared', 1, ['2'])];
    const first = mergePartitions([{ label: 'A', items: a }, { label: 'B', items: b }], ['subAccount'], memo);
    if (!first.ok) throw new Error(first.problem);
    expect(first.items.map((i) => [i.key, i.lineage?.sourceKeys])).toEqual([
      ['only-a', ['1']],
      ['shared', ['1', '2', '3']],
    ]);

    // B is evaluated again (new objects): what it emits is merged again; A's own item is reused as is.
    const b2 = [item('shared', 1, ['2', '4'])];
    const second = mergePartitions([{ label: 'A', items: a }, { label: 'B', items: b2 }], ['subAccount'], memo);
    if (!second.ok) throw new Error(second.problem);
    expect(second.items.find((i) => i.key === 'shared')?.lineage?.sourceKeys).toEqual(['1', '2', '3', '4']);
    expect(second.items.find((i) => i.key === 'only-a')).toBe(first.items.find((i) => i.key === 'only-a'));

    // A conflicting value from the re-evaluated partition is still found: the memo never hides a change.
    const third = mergePartitions([{ label: 'A', items: a }, { label: 'B', items: [item('shared', 2, ['2'])] }], ['subAccount'], memo);
    expect(third).toMatchObject({ ok: false, problem: expect.stringContaining('subAccount/shared') });

    // An item nobody emits any more leaves the memo.
    mergePartitions([{ label: 'B', items: b }], ['subAccount'], memo);
    expect([...memo.keys()]).toEqual(['subAccount/shared']);
  });
});

describe('partitionRoster', () => {
  it("keeps each record object's partition when given a cache, and names a new object's afresh", () => {
    const names = new WeakMap<object, string>();
    const one = { key: '1', record: { cc: 'A' } };
    expect([...partitionRoster([one], 'cc', names).keys()]).toEqual(['A']);
    expect(names.get(one.record)).toBe('A');
    const moved = { key: '1', record: { cc: 'B' } };
    expect([...partitionRoster([moved, { key: '2', record: {} }], 'cc', names).keys()]).toEqual(['B', '']);
  });
});

describe('sortedUnion', () => {
  it('joins lists into one sorted list with each key once, sorting a list that arrives unsorted', () => {
    expect(sortedUnion([])).toEqual([]);
    expect(sortedUnion([['2', '2', '1']])).toEqual(['1', '2']);
    expect(sortedUnion([['1', '3', '5'], ['2', '3'], ['10', '4'], []])).toEqual(['1', '10', '2', '3', '4', '5']);
    // Against pooling and sorting, on a seeded spread of overlapping lists.
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const lists = Array.from({ length: 9 }, () => Array.from({ length: next() % 40 }, () => String(next() % 100)).sort());
    expect(sortedUnion(lists)).toEqual([...new Set(lists.flat())].sort());
  });
});
