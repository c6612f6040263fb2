// What the kill -9 tests compare a crashed-and-restarted run against: the sink's final state, the
// business changes it received twice, and a seeded generator for the "random" instants (the same in
// every run).
import type { SinkEffect } from './test-connectors.ts';

/** The sink's final state: the last values written per item. */
export function finalState(effects: readonly SinkEffect[]): Map<string, string> {
  const state = new Map<string, string>();
  for (const e of effects) state.set(`${e.entity}/${e.key}`, JSON.stringify({ action: e.action, values: e.values }));
  return state;
}

/** Effects that repeat the item's previous write exactly, or reuse an idempotency key: a change written twice. */
export function duplicateEffects(effects: readonly SinkEffect[]): number {
  const last = new Map<string, string>();
  let duplicates = 0;
  const keys = new Set<string>();
  for (const e of effects) {
    const id = `${e.entity}/${e.key}`;
    const text = JSON.stringify({ action: e.action, values: e.values });
    if (last.get(id) === text || keys.has(e.idempotencyKey)) duplicates++;
    last.set(id, text);
    keys.add(e.idempotencyKey);
  }
  return duplicates;
}

/** A small seeded generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
