// kill -9 of `serve` at a seeded instant while eight senders deliver at once, so the kill can land in the
// middle of a journal append shared by several deliveries (group commit): every acknowledged delivery
// is in the store after the kill (its dedupe key is there), the restarted service drains every job, and
// the sink holds no effect twice.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { duplicateEffects, seeded } from '../support/crash-model.ts';
import { type Delivery, drained, exited, notStored, HOOK_KEY, sendSigned, startServeChild, webhookFixture } from '../support/serve-child.ts';
import { readEffects } from '../support/test-connectors.ts';

const DELIVERIES = 160;
const SENDERS = 8;

describe('serve killed with -9 during a concurrent webhook burst', () => {
  it.concurrent.each([[3], [11], [29]])('seed %i: 0 acknowledged deliveries lost, every job drained, 0 duplicate effects', async (seed) => {
    const random = seeded(seed);
    const { dir, effects } = webhookFixture();
    const first = await startServeChild(dir, { ML_CONNECTOR_SECRET_HOOK_KEY: HOOK_KEY });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const deliveries: Delivery[] = Array.from({ length: DELIVERIES }, (_, i) => ({ body: JSON.stringify({ ids: [1 + Math.floor(random() * 150)], n: i }), timestamp }));
    // The instant: after a seeded number of acknowledgements plus a seeded sub-millisecond-to-5 ms delay,
    // so it falls anywhere in a request's life, an append included.
    const killAfterAcks = 15 + Math.floor(random() * 60);
    const killDelayMs = random() * 5;
    const acked: Delivery[] = [];
    let next = 0;
    let killed = false;
    const sender = async (): Promise<void> => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++] as Delivery;
        const status = await sendSigned(first.url, delivery);
        if (status === 202) acked.push(delivery);
        if (!killed && acked.length >= killAfterAcks) {
          killed = true;
          setTimeout(() => first.child.kill('SIGKILL'), killDelayMs);
        }
        if (status === 0) return; // the process is gone
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, sender));
    await exited(first.child);
    expect(killed).toBe(true);
    expect(acked.length).toBeGreaterThanOrEqual(killAfterAcks);
    expect(acked.length).toBeLessThan(DELIVERIES);

    // Every acknowledged delivery was durable before its 202: enqueueing it again is a duplicate.
    expect(await notStored(join(dir, 'state'), acked)).toBe(0);

    const second = await startServeChild(dir, { ML_CONNECTOR_SECRET_HOOK_KEY: HOOK_KEY });
    const queued = await drained(second.url, 'test-headcount', 400);
    second.child.kill('SIGTERM');
    await exited(second.child);
    expect(queued).toBe(0);
    const written = readEffects(effects);
    expect(written.length).toBeGreaterThan(0);
    expect(duplicateEffects(written)).toBe(0);
  }, 90_000);
});
