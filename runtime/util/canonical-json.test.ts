import { describe, expect, it } from 'vitest';
import { canonicalJson, sameJson } from './canonical-json.ts';

/** A seeded generator of JSON-ish values, odd ones included (undefined, NaN, Infinity, -0, Dates). */
function values(seed: number): () => unknown {
  let state = seed;
  const next = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const leaf = (): unknown => [null, true, false, 0, -0, 1, 2.5, 'a', 'b', '', undefined, Number.NaN, Number.POSITIVE_INFINITY, new Date(0)][next(14)];
  const value = (depth: number): unknown => {
    const kind = depth > 2 ? 0 : next(3);
    if (kind === 0) return leaf();
    if (kind === 1) return Array.from({ length: next(3) }, () => value(depth + 1));
    const keys = ['x', 'y', 'z'].filter(() => next(2) === 0);
    // Keys in a random order: the canonical text sorts them.
    if (next(2) === 0) keys.reverse();
    return Object.fromEntries(keys.map((k) => [k, value(depth + 1)]));
  };
  return () => value(0);
}

describe('sameJson', () => {
  it('agrees with comparing canonical texts on seeded pairs, odd values included', () => {
    const next = values(11);
    let equal = 0;
    for (let i = 0; i < 5_000; i++) {
      const a = next();
      const b = i % 3 === 0 ? JSON.parse(JSON.stringify({ v: a }) ?? '{}').v : next();
      const want = canonicalJson(a) === canonicalJson(b);
      if (want) equal++;
      expect(sameJson(a, b), `${canonicalJson(a)} vs ${canonicalJson(b)}`).toBe(want);
    }
    // Both answers were exercised.
    expect(equal).toBeGreaterThan(250);
    expect(equal).toBeLessThan(4_750);
  });

  it('ignores key order and undefined members, and tells values apart', () => {
    expect(sameJson({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1, gone: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: '1' })).toBe(false);
    expect(sameJson([1, 2], [1])).toBe(false);
    expect(sameJson({ a: null }, { a: undefined })).toBe(false);
    expect(sameJson([null], [undefined])).toBe(true);
  });
});
