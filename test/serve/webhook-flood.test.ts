// A forged-signature flood against serve's HTTP adapter over 127.0.0.1: 10,000 deliveries signed with
// the wrong key, over keep-alive connections from four other loopback addresses, while a valid sender
// keeps delivering from 127.0.0.1. Counts only: forged accepted, valid refused, jobs created, the
// forged deliveries answered while each valid one waited (the slowdown bound), and the heap after a
// full collection (forged deliveries must leave nothing behind).
import { Agent, request as httpRequest } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../runtime/lib/log.ts';
import { createServiceMetrics } from '../../runtime/lib/metrics.ts';
import { jobInbox } from '../../runtime/serve/job-inbox.ts';
import { createMemoryStore } from '../../runtime/store/memory-store.ts';
import type { Store } from '../../runtime/store/store.ts';
import type { WebhookRoute } from '../../runtime/triggers/handle-webhook.ts';
import { startServiceServer, type ServiceServer } from '../../runtime/triggers/service-server.ts';
import { signTest, testWebhookAdapter } from '../support/test-webhook.ts';

const route: WebhookRoute = { pipeline: 'p', path: '/hooks/p', adapter: testWebhookAdapter, signingKeys: async () => ['right-key'], toleranceSeconds: 300, maxBodyBytes: 64 * 1024 };
const FORGED = 10_000;
const VALID = 100;
/** Forged requests outstanding at any moment: four loopback addresses, four senders each. */
const IN_FLIGHT = 16;

function post(url: string, agent: Agent, body: string, key: string): Promise<number> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers = { 'content-type': 'application/json', 'x-test-timestamp': timestamp, 'x-test-signature': signTest(body, key, timestamp) };
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/hooks/p`, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The heap after a full collection; --expose-gc is switched on at run time for this measurement only. */
function settledHeap(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('a forged-signature flood', () => {
  let service: ServiceServer | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await service?.close();
    await store?.close();
  });

  it('accepts none of 10,000 forged deliveries, keeps the heap flat and serves every valid one meanwhile', { timeout: 120_000 }, async () => {
    store = createMemoryStore();
    const metrics = createServiceMetrics();
    service = await startServiceServer({ host: '127.0.0.1', port: 0, routes: () => new Map([[route.path, route]]), inbox: jobInbox(store, () => undefined), readiness: async () => ({ ready: true, detail: {} }), metrics, logger: silentLogger() });
    const url = service.url;
    const forgers = [1, 2, 3, 4].map((n) => new Agent({ keepAlive: true, maxSockets: 8, localAddress: `127.0.3.${n}` }));
    const sender = new Agent({ keepAlive: true, maxSockets: 2 });

    // Warm up (JIT, agent sockets) so the heap baseline is not the cold one.
    for (let i = 0; i < 200; i += 1) await post(url, forgers[i % 4] as Agent, `{"ids":[${i}]}`, 'wrong-key');
    const heapBefore = settledHeap();

    const forgedStatuses = new Map<number, number>();
    let sent = 0;
    let forgedAnswered = 0;
    const flood = async (agent: Agent): Promise<void> => {
      while (sent < FORGED) {
        const n = sent++;
        const status = await post(url, agent, `{"ids":[${n % 500}],"n":${n}}`, 'wrong-key');
        forgedAnswered += 1;
        forgedStatuses.set(status, (forgedStatuses.get(status) ?? 0) + 1);
      }
    };
    const validStatuses: number[] = [];
    // The slowdown a valid delivery suffers, as a count: forged deliveries answered while it waited.
    const waitedBehind: number[] = [];
    const valid = async (): Promise<void> => {
      for (let i = 0; i < VALID; i += 1) {
        const before = forgedAnswered;
        validStatuses.push(await post(url, sender, `{"ids":[${1000 + i}]}`, 'right-key'));
        if (sent < FORGED) waitedBehind.push(forgedAnswered - before);
      }
    };
    await Promise.all([...forgers.flatMap((agent) => Array.from({ length: IN_FLIGHT / forgers.length }, () => flood(agent))), valid()]);
    const heapGrowthMiB = (settledHeap() - heapBefore) / 2 ** 20;
    for (const agent of [...forgers, sender]) agent.destroy();

    expect(Object.fromEntries(forgedStatuses)).toEqual({ 401: FORGED });
    expect(validStatuses.filter((status) => status === 202)).toHaveLength(VALID);
    // The stated bound: first come, first served — a valid delivery waits behind the forged ones in
    // flight, not behind the flood. Median at most IN_FLIGHT forged answers while it waits, 95th
    // percentile at most 2 × IN_FLIGHT, the worst (a new connection, a GC pause) at most 8 × IN_FLIGHT.
    // Seen here: 16 for all but one, that one 76. The time figure is in bench/webhook-flood.
    waitedBehind.sort((a, b) => a - b);
    const rank = (q: number): number => waitedBehind[Math.min(waitedBehind.length - 1, Math.floor(q * waitedBehind.length))] ?? Number.POSITIVE_INFINITY;
    expect(waitedBehind.length).toBeGreaterThan(VALID / 2);
    expect(rank(0.5)).toBeLessThanOrEqual(IN_FLIGHT);
    expect(rank(0.95)).toBeLessThanOrEqual(2 * IN_FLIGHT);
    expect(rank(1)).toBeLessThanOrEqual(8 * IN_FLIGHT);
    expect(await store.jobs.list('p')).toHaveLength(VALID);
    expect(await metrics.render()).toMatch(new RegExp(`mlc_webhook_deliveries_total\\{pipeline="p",outcome="forged"\\} ${FORGED + 200}`));
    // Flat: what a forged delivery leaves behind is nothing; 8 MiB covers allocator and JIT noise.
    expect(heapGrowthMiB).toBeLessThan(8);
  });
});
