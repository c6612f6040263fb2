// Sage 100 agent throughput over real HTTPS on 127.0.0.1 with the sim backend: sub-account upserts
// per second (each one durable: idempotency log and sim data fsync'd), and the time to list 1,000
// cost centers (department segment values) in one request. Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent } from '../agent/index.ts';
import { createDispatcher, httpRequest } from '../runtime/lib/http-client.ts';

const UPSERTS = Number(process.env.BENCH_UPSERTS ?? 1000);
const CONCURRENCY = 4;

function code(i: number): string {
  return i.toString(36).toUpperCase().padStart(3, '0');
}

const dir = mkdtempSync(join(tmpdir(), 'bench-agent-'));
try {
  const agent = await startAgent({ backend: 'sim', dataDir: dir, port: 0 });
  const { key } = agent.keys.add('bench');
  const dispatcher = createDispatcher({ ca: agent.certificate, fingerprint256: agent.fingerprint256 });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const base = `${agent.url}/v1/companies/KBS/segments/03/values`;

  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < UPSERTS) {
        const i = next++;
        const response = await httpRequest(`${base}/${code(1000 + i)}`, {
          method: 'PUT',
          dispatcher,
          headers: { ...headers, 'idempotency-key': `bench-${i}` },
          body: JSON.stringify({ description: `Cost center ${i}`, shortDescription: `CC${i}` }),
        });
        if (response.status !== 201) failures++;
      }
    }),
  );
  const upsertSeconds = (performance.now() - started) / 1000;

  const listTimes: number[] = [];
  let listed = 0;
  let bytes = 0;
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    const response = await httpRequest(`${base}?limit=1000`, { dispatcher, headers });
    listTimes.push(performance.now() - t0);
    listed = (response.json() as { items: unknown[] }).items.length;
    bytes = response.body.length;
  }
  listTimes.sort((a, b) => a - b);

  process.stdout.write(
    `${JSON.stringify({
      bench: 'sage100-agent',
      upserts: UPSERTS,
      upsertConcurrency: CONCURRENCY,
      upsertFailures: failures,
      upsertsPerSecond: Math.round(UPSERTS / upsertSeconds),
      listCostCenters: listed,
      list1000MinMs: Math.round(listTimes[0] ?? 0),
      list1000MedianMs: Math.round(listTimes[2] ?? 0),
      listResponseBytes: bytes,
    })}\n`,
  );
  await dispatcher.close();
  await agent.close(1000);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
