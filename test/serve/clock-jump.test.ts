// The wall clock jumping (NTP step, VM resume, someone setting the date) under fake timers: cron makes
// at most one job per scheduled slot, a lease is neither cut short by a backward jump nor kept past a
// forward one, and the webhook tolerance window follows the clock while duplicates stay duplicates.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../runtime/lib/log.ts';
import { startCronTriggers } from '../../runtime/serve/cron-triggers.ts';
import { createMemoryStore } from '../../runtime/store/memory-store.ts';
import type { Store } from '../../runtime/store/store.ts';
import { handleWebhook, type WebhookRoute } from '../../runtime/triggers/handle-webhook.ts';
import { memoryInbox, signTest, testWebhookAdapter } from '../support/test-webhook.ts';

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-28T12:00:30Z');

describe('a clock jump', () => {
  let store: Store;
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
    store = createMemoryStore();
  });
  afterEach(async () => {
    await store.close();
    vi.useRealTimers();
  });

  /** The scheduled minute of every cron job queued so far (dedupe keys end with it). */
  const slotsQueued = async (): Promise<string[]> => (await store.jobs.list('p')).map((j) => j.notBefore.slice(11, 16));

  it('makes at most one job per cron slot when the clock jumps back, and resumes at the next slot after it jumps forward', async () => {
    const enqueued: string[] = [];
    const cron = await startCronTriggers([{ name: 'p', triggers: [{ type: 'cron', schedule: '*/5 * * * *', mode: 'changed-since' }] }], {
      store,
      logger: silentLogger(),
      onEnqueued: () => enqueued.push(new Date().toISOString().slice(11, 16)),
    });
    try {
      await vi.advanceTimersByTimeAsync(10 * MINUTE); // 12:10:30: the 12:05 and 12:10 slots fired
      expect(enqueued).toEqual(['12:05', '12:10']);

      vi.setSystemTime(T0 + 2 * MINUTE); // back to 12:02:30; 12:05 and 12:10 come round again
      await vi.advanceTimersByTimeAsync(10 * MINUTE);
      expect(enqueued).toEqual(['12:05', '12:10']);

      vi.setSystemTime(T0 + 3 * 60 * MINUTE); // forward to 15:00:30; the hours in between never happened
      await vi.advanceTimersByTimeAsync(6 * MINUTE);
      // The slots the jump skipped are not made up one by one: the next slot's changed-since read
      // covers every change since the checkpoint.
      expect(enqueued.slice(2)).toEqual(['15:05']);
    } finally {
      await cron.stop();
    }
    const slots = await slotsQueued();
    expect(new Set(slots).size).toBe(slots.length);
  });

  it('keeps a lease through a backward jump and lets the job be claimed again once a forward jump passes it', async () => {
    await store.jobs.enqueue({ pipeline: 'p', kind: 'changed' });
    const leaseMs = 5 * MINUTE;
    const first = await store.jobs.claim('worker-a', leaseMs, new Date());
    expect(first).toBeDefined();
    expect(await store.jobs.claim('worker-b', leaseMs, new Date(Date.now() - 60 * MINUTE))).toBeUndefined();
    expect(await store.jobs.claim('worker-b', leaseMs, new Date(Date.now() + leaseMs - 1))).toBeUndefined();
    // A forward jump past the lease: the job counts as abandoned and runs again (idempotency keys make
    // the second run harmless); it is not lost.
    const again = await store.jobs.claim('worker-b', leaseMs, new Date(Date.now() + leaseMs + 1));
    expect(again?.id).toBe(first?.id);
  });

  it('judges the tolerance window by the clock after the jump, and still answers a resent delivery as a duplicate', async () => {
    const route: WebhookRoute = { pipeline: 'p', path: '/hooks/p', adapter: testWebhookAdapter, signingKeys: async () => ['k'], toleranceSeconds: 300, maxBodyBytes: 1024 };
    const inbox = memoryInbox();
    const body = Buffer.from('{"ids":[1]}');
    const signedAt = String(Math.floor(T0 / 1000));
    const delivery = { headers: { 'x-test-timestamp': signedAt, 'x-test-signature': signTest(body, 'k', signedAt) }, rawBody: body, receivedAt: new Date(T0) };

    expect((await handleWebhook(delivery, route, inbox, new Date(T0))).status).toBe(202);
    // The clock steps back 4 minutes: the same delivery, resent, is inside the window and a duplicate.
    expect((await handleWebhook(delivery, route, inbox, new Date(T0 - 4 * MINUTE))).outcome).toBe('duplicate');
    // Steps of 6 minutes either way put the signed time outside the window: refused, never stored.
    expect((await handleWebhook(delivery, route, inbox, new Date(T0 + 6 * MINUTE))).outcome).toBe('stale');
    expect((await handleWebhook(delivery, route, inbox, new Date(T0 - 6 * MINUTE))).outcome).toBe('stale');
    expect(inbox.entries).toHaveLength(1);
  });
});
