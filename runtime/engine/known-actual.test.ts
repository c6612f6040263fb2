import { describe, expect, it } from 'vitest';
import type { ActualItem, DesiredItem, EntitySpec } from '../connectors/definition.ts';
import { itemId } from '../store/store.ts';
import { knownActual } from './known-actual.ts';

const entities: EntitySpec[] = [{ name: 'headcount', applyOrder: 1, deactivatable: false, compared: ['headcount'] }];
const item = (key: string, headcount: number): DesiredItem => ({ entity: 'headcount', key, values: { costCenter: key, headcount } });
const actual = (key: string, headcount: number, version?: string): ActualItem => ({ entity: 'headcount', key, values: { costCenter: key, headcount }, active: true, ...(version ? { version } : {}) });

describe('knownActual', () => {
  const committed = new Map(['A', 'B', 'C', 'D'].map((k) => [itemId('headcount', k), item(k, 3)]));
  const remembered = [actual('A', 3, 'v1'), actual('B', 3), actual('C', 4, 'v2'), actual('D', 3, 'v3')];
  const candidates = ['A', 'B', 'C', 'D', 'E'].map((k) => item(k, 5));

  it('remembers only items given to the sink, held as given, with a version and no write awaiting its outcome', () => {
    const split = knownActual(candidates, remembered, committed, entities, new Set([itemId('headcount', 'D')]));
    expect(split.known.map((a) => a.key)).toEqual(['A']);
    // B: no version; C: not what was given (drift seen); D: a write still pending; E: never given.
    expect(split.unknown.map((d) => d.key)).toEqual(['B', 'C', 'D', 'E']);
  });

  it('a deactivated remembered item is not as given to an active one, when activity is compared', () => {
    const withActive: EntitySpec[] = [{ ...(entities[0] as EntitySpec), compared: ['headcount', 'active'] }];
    const split = knownActual([item('A', 5)], [{ ...actual('A', 3, 'v1'), active: false }], committed, withActive, new Set());
    expect(split.known).toEqual([]);
  });
});
