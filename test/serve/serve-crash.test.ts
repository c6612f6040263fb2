// kill -9 of `serve` in the middle of a webhook burst, at instants drawn from fixed seeds: every
// delivery it acknowledged was stored before the 2xx (its dedupe key is in the store), the restarted
// service drains every job, and the sink holds no effect twice.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Delivery, drained, exited, notStored, HOOK_KEY as KEY, sendSigned as send, startServeChild, webhookFixture as prepare } from '../support/serve-child.ts';
import { readEffects } from '../support/test-connectors.ts';

describe('serve killed with -9 during a webhook burst', () => {
  it.concurrent.each([[7], [19]])('seed %i: 0 acknowledged deliveries lost, every job drained, 0 duplicate effects', async (seed) => {
    const { dir, effects } = prepare();
    const killAfter = 10 + ((seed * 7919) % 40);
    const deliveries: Delivery[] = Array.from({ length: 60 }, (_, i) => ({ body: JSON.stringify({ ids: [1 + ((i * 13) % 150)], n: i }), timestamp: String(Math.floor(Date.now() / 1000)) }));
    const first = await startServeChild(dir, { ML_CONNECTOR_SECRET_HOOK_KEY: KEY });
    const acked: Delivery[] = [];
    for (const [i, delivery] of deliveries.entries()) {
      if (i === killAfter) first.child.kill('SIGKILL');
      if ((await send(first.url, delivery)) === 202) acked.push(delivery);
    }
    await exited(first.child);
    expect(acked.length).toBeGreaterThanOrEqual(killAfter - 1);

    // Every acknowledged delivery was durable before its 202: enqueueing it again is a duplicate.
    const missing = await notStored(join(dir, 'state'), acked);
    expect(missing).toBe(0);

    const second = await startServeChild(dir, { ML_CONNECTOR_SECRET_HOOK_KEY: KEY });
    const queued = await drained(second.url, 'test-headcount', 400);
    second.child.kill('SIGTERM');
    await exited(second.child);
    expect(queued).toBe(0);
    const keys = readEffects(effects).map((e) => e.idempotencyKey);
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length);
  }, 60_000);
});
