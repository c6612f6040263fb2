// Keeps a claimed job's lease alive while its batch runs, on stores shared by replicas: a heartbeat
// every third of the lease. A replica that is killed stops beating, so its lease runs out within one
// lease period and another replica takes the job. A lost lease is reported, not fatal here: the
// fenced complete/retryAt and the fenced batch commit (fencedStore) are what refuse the late write.
import type { BatchCommit, Job, Store } from './store.ts';

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

/** The claim's fence as a batch carries it: absent on stores without fencing tokens (memory, lowdb). */
export const fenceOf = (job: Job): Pick<BatchCommit, 'fence'> => (job.fence === undefined ? {} : { fence: { jobId: job.id, token: job.fence } });

/** The store as a batch under this claim sees it: every commit carries the claim's fence, so a replica that lost its lease commits nothing. */
export function fencedStore(store: Store, job: Job): Store {
  if (job.fence === undefined) return store;
  return { ...store, commit: (batch) => store.commit({ ...batch, ...fenceOf(job) }) };
}
