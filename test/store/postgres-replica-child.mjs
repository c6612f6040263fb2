// A replica process for the PostgreSQL fault tests. argv: URL SCHEMA MODE [LEASE_MS]
//   hold: claims a job, keeps its lease beating, prints {"id","fence"} and waits (the test kills it with -9);
//   skewed: runs with its clock 10 minutes fast (Date itself, as on a misset machine), tries one claim
//           the way a worker does (passing its own clock) and prints {"claimed": id or null}.
import { register } from 'tsx/esm/api';

register();
const [url, schema, mode, leaseArg] = process.argv.slice(2);
const leaseMs = Number(leaseArg ?? 1_000);
if (mode === 'skewed') {
  const RealDate = Date;
  const skewMs = 10 * 60_000;
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + skewMs);
      else super(...args);
    }
    static now() {
      return RealDate.now() + skewMs;
    }
  };
}
const { openPostgresStore } = await import('../../runtime/store/postgres-store.ts');
const { keepLease } = await import('../../runtime/store/lease-keeper.ts');
const store = await openPostgresStore({ url, schema });
const job = await store.jobs.claim(`child-${mode}`, leaseMs, new Date());
if (mode === 'hold') {
  if (job) keepLease(store, job, leaseMs);
  process.stdout.write(`${JSON.stringify({ id: job?.id ?? null, fence: job?.fence ?? null })}\n`);
  setInterval(() => undefined, 60_000);
} else {
  process.stdout.write(`${JSON.stringify({ claimed: job?.id ?? null })}\n`);
  await store.close();
}
