// A seeded PRNG (mulberry32) so that seed data, API keys and random faults are reproducible run to
// run; Math.random would make a failing test impossible to replay.
import { createHash } from 'node:crypto';

export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  int(minInclusive: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
  hex(bytes: number): string;
}

export function seedFromText(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32LE(0);
}

export function createPrng(seed: number | string): Prng {
  let state = (typeof seed === 'string' ? seedFromText(seed) : seed) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    chance: (p) => next() < p,
    hex: (bytes) => {
      let out = '';
      for (let i = 0; i < bytes; i++) out += int(0, 255).toString(16).padStart(2, '0');
      return out;
    },
  };
}
