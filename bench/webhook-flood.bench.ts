// webhook-flood: what a forged-signature flood costs valid senders. serve's webhook path (the BambooHR
// verifier, the embedded durable store) takes 300 valid deliveries one after another, first alone,
// then while 16 forged senders on four other loopback addresses keep it busy; it prints the valid
// deliveries' p50/p99 latency in both runs, their ratio, and the forged deliveries answered per
// second. The test (test/serve/webhook-flood) bounds the same slowdown as a count.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bambooWebhook } from '../connectors/bamboohr-source/webhook.ts';
import { silentLogger } from '../runtime/lib/log.ts';
import { createServiceMetrics } from '../runtime/lib/metrics.ts';
import { jobInbox } from '../runtime/serve/job-inbox.ts';
import { openLowdbStore } from '../runtime/store/lowdb-store.ts';
import { startServiceServer } from '../runtime/triggers/service-server.ts';

const VALID = 300;
const FORGERS = 16;
const KEY = 'bench-private-key';

function post(url: string, agent: Agent, body: string, key: string): Promise<number> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', key).update(Buffer.concat([Buffer.from(body), Buffer.from(timestamp)])).digest('hex');
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'x-bamboohr-timestamp': timestamp, 'x-bamboohr-signature': signature };
  return new Promise((resolve, reject) => {
    const req = request(`${url}/hooks/b`, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'mlc-bench-flood-'));
const store = await openLowdbStore(dir);
const server = await startServiceServer({
  host: '127.0.0.1',
  port: 0,
  routes: () => new Map([['/hooks/b', { pipeline: 'bench', path: '/hooks/b', adapter: bambooWebhook, signingKeys: async () => [KEY], toleranceSeconds: 300, maxBodyBytes: 1024 * 1024 }]]),
  inbox: jobInbox(store, () => undefined),
  readiness: async () => ({ ready: true, detail: {} }),
  metrics: createServiceMetrics(),
  logger: silentLogger(),
});
const sender = new Agent({ keepAlive: true, maxSockets: 1 });
let n = 0;
const event = (): string => JSON.stringify({ type: 'employee.updated', timestamp: new Date().toISOString(), data: { companyId: '1', employeeId: String(++n % 5000), changedFields: ['department'] } });

async function validRun(): Promise<{ p50Ms: number; p99Ms: number; refused: number }> {
  const latencies: number[] = [];
  let refused = 0;
  for (let i = 0; i < VALID; i += 1) {
    const t0 = performance.now();
    if ((await post(server.url, sender, event(), KEY)) === 202) latencies.push(performance.now() - t0);
    else refused += 1;
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 100) / 100;
  return { p50Ms: at(0.5), p99Ms: at(0.99), refused };
}

// Warm-up, then alone, then under the flood.
for (let i = 0; i < 50; i += 1) await post(server.url, sender, event(), KEY);
const alone = await validRun();
const forgerAgents = [1, 2, 3, 4].map((k) => new Agent({ keepAlive: true, maxSockets: FORGERS / 4, localAddress: `127.0.4.${k}` }));
let flooding = true;
let forged = 0;
let forgedAccepted = 0;
const floodStarted = performance.now();
const floods = Array.from({ length: FORGERS }, async (_, i) => {
  const agent = forgerAgents[i % 4] as Agent;
  while (flooding) {
    if ((await post(server.url, agent, event(), 'a-guessed-key')) === 202) forgedAccepted += 1;
    forged += 1;
  }
});
const underFlood = await validRun();
flooding = false;
await Promise.all(floods);
const floodSeconds = (performance.now() - floodStarted) / 1000;
for (const agent of [...forgerAgents, sender]) agent.destroy();
await server.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({
    bench: 'webhook-flood',
    validDeliveries: VALID,
    forgedSenders: FORGERS,
    alone,
    underFlood,
    p50Ratio: Math.round((underFlood.p50Ms / Math.max(0.01, alone.p50Ms)) * 100) / 100,
    p99Ratio: Math.round((underFlood.p99Ms / Math.max(0.01, alone.p99Ms)) * 100) / 100,
    forgedPerSecond: Math.round(forged / floodSeconds),
    forgedAccepted,
  })}\n`,
);
