// replicas: jobs per second and claim latency (p50/p99) with 1 and with 3 replicas sharing one
// PostgreSQL (its own private server, as the tests start it), on 30 independent pipelines. Each job
// "works" 5 ms (a stand-in for a batch's remote calls), so the ratio shows whether replicas share the
// work rather than queue behind each other. Target: ratio ≥ 2, p99 claim < 50 ms.
import { randomBytes } from 'node:crypto';
import { openPostgresStore, type PostgresStore } from '../runtime/store/postgres-store.ts';
import { startTestPostgres } from '../test/support/postgres-server.ts';

const JOBS = 600;
const PIPELINES = 30;
const WORK_MS = 5;

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number): number => Math.round(n * 100) / 100;

async function run(url: string, replicas: number): Promise<{ jobsPerSecond: number; claimP50Ms: number; claimP99Ms: number }> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const stores: PostgresStore[] = [];
  for (let r = 0; r < replicas; r += 1) stores.push(await openPostgresStore({ url, schema }));
  const first = stores[0] as PostgresStore;
  for (let i = 0; i < JOBS; i += 1) await first.jobs.enqueue({ pipeline: `p${i % PIPELINES}`, kind: 'keys', keys: [String(i)] });
  const claims: number[] = [];
  let done = 0;
  const started = performance.now();
  await Promise.all(
    stores.map(async (store, r) => {
      let idle = 0;
      while (done < JOBS && idle < 200) {
        const t = performance.now();
        const job = await store.jobs.claim(`r${r}`, 60_000);
        claims.push(performance.now() - t);
        if (!job) {
          idle += 1;
          await new Promise((resolve) => setTimeout(resolve, 2));
          continue;
        }
        await new Promise((resolve) => setTimeout(resolve, WORK_MS));
        await store.jobs.complete(job.id, job.fence);
        done += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(stores.map((s) => s.close()));
  const sorted = claims.sort((a, b) => a - b);
  return { jobsPerSecond: round(done / seconds), claimP50Ms: round(percentile(sorted, 50)), claimP99Ms: round(percentile(sorted, 99)) };
}

const server = await startTestPostgres();
if (!server) {
  process.stdout.write(`${JSON.stringify({ bench: 'replicas', skipped: 'no PostgreSQL (binaries or PG_TEST_URL)' })}\n`);
} else {
  try {
    const one = await run(server.url, 1);
    const three = await run(server.url, 3);
    process.stdout.write(`${JSON.stringify({ bench: 'replicas', jobs: JOBS, pipelines: PIPELINES, workMs: WORK_MS, one, three, ratio: round(three.jobsPerSecond / one.jobsPerSecond) })}\n`);
  } finally {
    server.stop();
  }
}
