// webhook-ack: acknowledgement latency of serve's webhook path at 200 deliveries per second, with the
// delivery persisted durably (the embedded lowdb store: a job-journal append and its fdatasync, shared
// by the deliveries that arrive while one is in flight) before the 2xx, beside the same server
// answering without persistence, in one run. The store holds the mirror of a 5,000-employee company,
// as a live one would: a store that rewrote its whole state per delivery would pay for it here. Then
// every acknowledged delivery is looked up in the store: "lost" counts the acknowledged ones missing.
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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
const MIRRORED = 5_000;

const adapter: WebhookAdapter = {
  verify: (delivery, keys) => {
    const timestamp = delivery.headers['x-test-timestamp'] ?? '';
    const expected = createHmac('sha256', keys[0] ?? '').update(delivery.rawBody).update(timestamp).digest('hex');
    return expected === delivery.headers['x-test-signature'] ? { ok: true, signedAt: new Date(Number(timestamp) * 1000) } : { ok: false, reason: 'mismatch' };
  },
  keys: (delivery) => (JSON.parse(delivery.rawBody.toString('utf8')) as { ids: string[] }).ids,
};

// A sender keeps a bounded pool of keep-alive connections, as a webhook sender does: under the
// server's per-address cap (64), so a slow moment queues deliveries at the sender instead of having
// their connections refused; the queueing counts in the latency.
let sender = new Agent({ keepAlive: true, maxSockets: 48 });

function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: sender, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(inbox: WebhookInbox): Promise<{ p50Ms: number; p99Ms: number; acked: number; errors: number; errorKinds: Record<string, number> }> {
  const server = await startServiceServer({
    host: '127.0.0.1',
    port: 0,
    routes: () => new Map([['/hooks/b', { pipeline: 'bench', path: '/hooks/b', adapter, signingKeys: async () => [KEY], toleranceSeconds: 300, maxBodyBytes: 65536 }]]),
    inbox,
    readiness: async () => ({ ready: true, detail: {} }),
    metrics: createServiceMetrics(),
    logger: silentLogger(),
  });
  sender = new Agent({ keepAlive: true, maxSockets: 48 });
  const latencies: number[] = [];
  let errors = 0;
  const errorKinds: Record<string, number> = {};
  const failed = (kind: string): void => {
    errors += 1;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };
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
      post(`${server.url}/hooks/b`, body, { 'content-type': 'application/json', 'x-test-timestamp': timestamp, 'x-test-signature': signature })
        .then((status) => (status === 202 ? void latencies.push(performance.now() - t0) : failed(String(status))))
        .catch((error: NodeJS.ErrnoException) => failed(error.code ?? error.message)),
    );
  }
  await Promise.all(sends);
  sender.destroy();
  await server.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 100) / 100;
  return { p50Ms: at(0.5), p99Ms: at(0.99), acked: latencies.length, errors, errorKinds };
}

// Without persistence first: it also warms the server and the client up, so neither figure pays for that.
let count = 0;
const volatile = await measure({ append: async () => ({ id: String(++count), duplicate: false }) });
const dir = mkdtempSync(join(tmpdir(), 'mlc-bench-webhook-'));
const store = await openLowdbStore(dir);
const mirror = Array.from({ length: MIRRORED }, (_, i) => {
  const data = { id: String(i), firstName: `First${i}`, lastName: `Last${i}`, status: 'Active', department: 'Warehouse', division: 'Supply', location: 'York, PA', jobTitle: 'Yard associate', hireDate: '2020-01-06', lastChanged: '2026-01-31T18:42:00Z' };
  return { key: String(i), source: data, record: { ...data, segments: { department: 'WHS', location: '03' }, costCenter: 'WHS-03' } };
});
const empty = { upsert: [], remove: [] };
await store.commit({ pipeline: 'bench', runId: 'seed', mirror: { upsert: mirror, remove: [] }, desired: empty, actual: empty, audit: [], quarantine: { park: [], release: [] }, pending: { set: [], clear: [] } });
const stateBytes = statSync(join(dir, 'state.json')).size;
const durable = await measure(jobInbox(store, () => undefined));
const stored = (await store.jobs.list('bench')).length;
const journalAppends = readFileSync(join(dir, 'jobs.journal'), 'utf8').split('\n').filter(Boolean).length;
await store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    bench: 'webhook-ack',
    ratePerSecond: RATE,
    deliveries: DELIVERIES,
    stateMiB: Math.round((stateBytes / 2 ** 20) * 10) / 10,
    durable: { ...durable, lost: durable.acked - stored, journalAppends, deliveriesPerAppend: Math.round((stored / Math.max(1, journalAppends)) * 100) / 100 },
    withoutPersistence: volatile,
    p99Ratio: Math.round((durable.p99Ms / Math.max(0.01, volatile.p99Ms)) * 100) / 100,
    targetP99Ms: 50,
  })}\n`,
);
