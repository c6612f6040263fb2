// Keeps a claimed job's lease alive while its batch runs, on stores shared by replicas: a heartbeat
// every third of the lease. A replica that is killed stops beating, so its lease runs out within one
// lease period and another replica takes the job. A lost lease is reported, not fatal here: the
// fenced complete/retryAt of that job is what refuses the late write.
import type { Job, Store } from './store.ts';

export function keepLease(store: Store, job: Job, leaseMs: number, onLost: () => void = () => undefined): () => void {
  const beat = store.jobs.heartbeat;
  if (!beat || job.fence === undefined) return () => undefined;
  let stopped = false;
  const timer = setInterval(() => {
    beat.call(store.jobs, job, leaseMs).then(
      (held) => {
        if (!held && !stopped) onLost();
      },
      () => undefined, // the database is away: the next beat tries again; the lease may run out meanwhile
    );
  }, Math.max(100, Math.floor(leaseMs / 3)));
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
