// kill -9 of `serve` in the middle of a webhook burst, at instants drawn from fixed seeds: every
// delivery it acknowledged was stored before the 2xx (its dedupe key is in the store), the restarted
// service drains every job, and the sink holds no effect twice.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLowdbStore } from '../../runtime/store/lowdb-store.ts';
import { deliveryDedupeKey } from '../../runtime/triggers/handle-webhook.ts';
import { copyFixture } from '../support/engine-harness.ts';
import { drained, exited, startServeChild } from '../support/serve-child.ts';
import { readEffects } from '../support/test-connectors.ts';
import { signTest } from '../support/test-webhook.ts';

const KEY = 'hook-secret';

function prepare(): { dir: string; effects: string } {
  const dir = copyFixture();
  const effects = join(mkdtempSync(join(tmpdir(), 'mlc-serve-crash-')), 'effects.jsonl');
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(
    file,
    readFileSync(file, 'utf8')
      .replace('config: { separator: "-" }', `config: { separator: "-", stateFile: ${JSON.stringify(effects)} }`)
      .replace('triggers:\n', 'triggers:\n  - { type: webhook, path: /hooks/test, signingKey: "${secret:hook-key}" }\n'),
  );
  return { dir, effects };
}

interface Delivery {
  body: string;
  timestamp: string;
}

async function send(url: string, delivery: Delivery): Promise<number> {
  try {
    const response = await fetch(`${url}/hooks/test`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-timestamp': delivery.timestamp, 'x-test-signature': signTest(delivery.body, KEY, delivery.timestamp) }, body: delivery.body });
    return response.status;
  } catch {
    return 0; // the process was killed mid-request: not acknowledged
  }
}

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
    const store = await openLowdbStore(join(dir, 'state'));
    let missing = 0;
    for (const d of acked) {
      const again = await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'keys', keys: [] }, { dedupeKey: `webhook:${deliveryDedupeKey('test-headcount', new Date(Number(d.timestamp) * 1000), Buffer.from(d.body))}` });
      if (again.created) missing += 1;
    }
    await store.close();
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
