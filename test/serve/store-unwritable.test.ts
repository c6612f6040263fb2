// The store becomes unwritable under a running `serve` (its state file and job journal cannot be
// written: here a directory stands where each file goes, since the tests run as root and permissions would not stop
// them): webhooks get 503 with Retry-After, never a 2xx for a delivery that was not stored; what was
// acknowledged before is kept; once the store recovers, the sender's retries are taken and every
// acknowledged delivery is processed, with no effect twice.
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { duplicateEffects } from '../support/crash-model.ts';
import { type Delivery, drained, exited, notStored, HOOK_KEY, sendSigned, startServeChild, webhookFixture } from '../support/serve-child.ts';
import { readEffects } from '../support/test-connectors.ts';
import { signTest } from '../support/test-webhook.ts';

const delivery = (n: number): Delivery => ({ body: JSON.stringify({ ids: [1 + ((n * 7) % 150)], n }), timestamp: String(Math.floor(Date.now() / 1000)) });

describe('serve with a store that stops being writable', () => {
  it('answers 503 while it cannot store, loses nothing acknowledged, and takes the retries once it can', async () => {
    const { dir, effects } = webhookFixture();
    const served = await startServeChild(dir, { ML_CONNECTOR_SECRET_HOOK_KEY: HOOK_KEY });
    const acked: Delivery[] = [];
    const refused: Delivery[] = [];
    const sendAll = async (batch: Delivery[]): Promise<number[]> => {
      const statuses: number[] = [];
      for (const d of batch) {
        const status = await sendSigned(served.url, d);
        statuses.push(status);
        if (status === 202) acked.push(d);
        else refused.push(d);
      }
      return statuses;
    };
    try {
      expect(await sendAll([0, 1, 2, 3, 4].map(delivery))).toEqual([202, 202, 202, 202, 202]);

      // Both files the store writes: the state document and the job journal deliveries go to first.
      const state = join(dir, 'state', 'state.json');
      const journal = join(dir, 'state', 'jobs.journal');
      renameSync(state, `${state}.saved`);
      mkdirSync(state);
      rmSync(journal, { force: true });
      mkdirSync(journal);
      const during = await sendAll([5, 6, 7, 8, 9].map(delivery));
      expect(during).toEqual([503, 503, 503, 503, 503]);
      const answer = await fetch(`${served.url}/hooks/test`, { method: 'POST', body: '{}' });
      expect(answer.status).toBe(401); // verification comes first; the store is not touched for a forgery
      const d = delivery(10);
      const busy = await fetch(`${served.url}/hooks/test`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-timestamp': d.timestamp, 'x-test-signature': signTest(d.body, HOOK_KEY, d.timestamp) }, body: d.body });
      expect([busy.status, Number(busy.headers.get('retry-after'))]).toEqual([503, 30]);

      // The disk recovers; the sender retries what it was refused (BambooHR retries a failed delivery).
      rmSync(state, { recursive: true });
      rmSync(journal, { recursive: true });
      rmSync(`${state}.saved`);
      const retried = refused.splice(0);
      expect(await sendAll(retried)).toEqual(retried.map(() => 202));
      expect(await drained(served.url, 'test-headcount', 400)).toBe(0);
    } finally {
      served.child.kill('SIGTERM');
      await exited(served.child);
    }

    const missing = await notStored(join(dir, 'state'), acked);
    expect(acked).toHaveLength(10);
    expect(missing).toBe(0);
    const written = readEffects(effects);
    expect(written.length).toBeGreaterThan(0);
    expect(duplicateEffects(written)).toBe(0);
  }, 90_000);
});
