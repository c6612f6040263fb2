// Bounded concurrency (the Sage sink's writes, validate's files), with deferred work the test resolves itself: how many run at once,
// results in input order, nothing new started after a failure or an abort, and nothing left running.
import { describe, expect, it } from 'vitest';
import { inFlight } from './in-flight.ts';

interface Pending {
  item: number;
  resolve(value: string): void;
  reject(error: Error): void;
}

function controlled() {
  const pending: Pending[] = [];
  let running = 0;
  let most = 0;
  const work = (item: number) =>
    new Promise<string>((resolve, reject) => {
      running++;
      most = Math.max(most, running);
      const done = () => running--;
      pending.push({ item, resolve: (v) => (done(), resolve(v)), reject: (e) => (done(), reject(e)) });
    });
  return { pending, work, running: () => running, most: () => most };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('inFlight', () => {
  it('runs at most `limit` at once and returns results in input order whatever order they finish in', async () => {
    const c = controlled();
    const all = inFlight([1, 2, 3, 4, 5, 6], 4, c.work);
    await settle();
    expect(c.running()).toBe(4);
    // Finish in reverse: later items start as earlier lanes free up.
    while (c.pending.length > 0) {
      const last = c.pending.pop() as Pending;
      last.resolve(`r${last.item}`);
      await settle();
    }
    expect(await all).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(c.most()).toBe(4);
  });

  it('starts nothing new after a failure, and throws only once the writes in flight have finished', async () => {
    const c = controlled();
    let thrown = false;
    const all = inFlight([1, 2, 3, 4, 5, 6], 2, c.work).catch((e: Error) => {
      thrown = true;
      return e.message;
    });
    await settle();
    c.pending.find((p) => p.item === 1)?.reject(new Error('agent gone'));
    await settle();
    expect(thrown).toBe(false); // item 2 is still being written
    expect(c.pending.map((p) => p.item)).toEqual([1, 2]);
    c.pending.find((p) => p.item === 2)?.resolve('r2');
    expect(await all).toBe('agent gone');
    expect(c.pending).toHaveLength(2);
  });

  it('starts nothing after an abort', async () => {
    const c = controlled();
    const controller = new AbortController();
    const all = inFlight([1, 2, 3], 1, c.work, controller.signal).catch((e: Error) => e.name);
    await settle();
    controller.abort();
    c.pending[0]?.resolve('r1');
    expect(await all).toBe('AbortError');
    expect(c.pending).toHaveLength(1);
  });
});
