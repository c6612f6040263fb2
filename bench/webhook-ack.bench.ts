// webhook-ack: acknowledgement latency of serve's webhook path at 200 deliveries per second, with the
// delivery persisted durably (the embedded lowdb store: temp file, fsync, rename, fsync dir) before
// the 2xx, beside the same server answering without persistence, in one run. Then every acknowledged
// delivery is looked up in the store: "lost" counts the acknowledged ones that are not there.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebhookAdapter } from '../runtime/connectors/definition.ts';
import { silentLogger } from '../runtime/lib/log.ts';
import { createServiceMetrics } from '../runtime/lib/metrics.ts';
import { jobInbox } from '../runtime/serve/job-inbox.ts';
import { openLowdbStore } from '../runtime/store/lowdb-store.ts';
import type { WebhookInbox } from '../runtime/triggers/handle-webhook.ts';
import { startServiceServer } from '../runtime/triggers/service-server.ts';

const RATE = 200;
const DELIVERIES = 1_000;
const KEY = 'bench-key';

const adapter: WebhookAdapter = {
  verify: (delivery, keys) => {
    const timestamp = delivery.headers['x-test-timestamp'] ?? '';
    const expected = createHmac('sha256', keys[0] ?? '').update(delivery.rawBody).update(timestamp).digest('hex');
    return expected === delivery.headers['x-test-signature'] ? { ok: true, signedAt: new Date(Number(timestamp) * 1000) } : { ok: false, reason: 'mismatch' };
  },
  keys: (delivery) => (JSON.parse(delivery.rawBody.toString('utf8')) as { ids: string[] }).ids,
};

async function measure(inbox: WebhookInbox): Promise<{ p50Ms: number; p99Ms: number; acked: number; errors: number }> {
  const server = await startServiceServer({
    host: '127.0.0.1',
    port: 0,
    routes: () => new Map([['/hooks/b', { pipeline: 'bench', path: '/hooks/b', adapter, signingKeys: async () => [KEY], toleranceSeconds: 300, maxBodyBytes: 65536 }]]),
    inbox,
    readiness: async () => ({ ready: true, detail: {} }),
    metrics: createServiceMetrics(),
    logger: silentLogger(),
  });
  const latencies: number[] = [];
  let errors = 0;
  const sends: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < DELIVERIES; i += 1) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = JSON.stringify({ ids: [String(i % 250)], n: i });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', KEY).update(body).update(timestamp).digest('hex');
    const t0 = performance.now();
    sends.push(
      fetch(`${server.url}/hooks/b`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-timestamp': timestamp, 'x-test-signature': signature }, body })
        .then(async (r) => {
          await r.arrayBuffer();
          if (r.status === 202) latencies.push(performance.now() - t0);
          else errors += 1;
        })
        .catch(() => void (errors += 1)),
    );
  }
  await Promise.all(sends);
  await server.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 100) / 100;
  return { p50Ms: at(0.5), p99Ms: at(0.99), acked: latencies.length, errors };
}

// Without persistence first: it also warms the server and the client up, so neither figure pays for that.
let count = 0;
const volatile = await measure({ append: async () => ({ id: String(++count), duplicate: false }) });
const dir = mkdtempSync(join(tmpdir(), 'mlc-bench-webhook-'));
const store = await openLowdbStore(dir);
const durable = await measure(jobInbox(store, () => undefined));
const stored = (await store.jobs.list('bench')).length;
await store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    bench: 'webhook-ack',
    ratePerSecond: RATE,
    deliveries: DELIVERIES,
    durable: { ...durable, lost: durable.acked - stored },
    withoutPersistence: volatile,
    p99Ratio: Math.round((durable.p99Ms / Math.max(0.01, volatile.p99Ms)) * 100) / 100,
    targetP99Ms: 50,
  })}\n`,
);
