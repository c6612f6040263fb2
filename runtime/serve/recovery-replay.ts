// After an outage. When a remote stays unavailable past the retry policy, the worker quarantines the
// records its job named, with the transient cause, so nothing is dropped. Those records were never
// wrong: once a batch of the same pipeline succeeds again (the remote is back), they are replayed
// through the ordinary replay path, a bounded batch at a time. Records quarantined for any other
// class of cause stay put until someone fixes the cause.
import { ERROR_CATALOGUE, type ErrorSpec } from '../errors.ts';
import type { Store } from '../store/store.ts';

/** Keys per replay job; the next successful batch schedules the next slice. */
export const RECOVERY_REPLAY_BATCH = 500;

const isTransientCode = (code: string): boolean => (ERROR_CATALOGUE as Record<string, ErrorSpec | undefined>)[code]?.class === 'transient';

/** Enqueues (at most one per pipeline per minute) a replay of records parked by an outage; returns how many keys. */
export async function replayAfterRecovery(store: Store, pipeline: string, now: Date): Promise<number> {
  const parked = (await store.quarantine.list({ pipeline })).filter((entry) => isTransientCode(entry.code));
  const keys = [...new Set(parked.flatMap((entry) => entry.sourceKeys))].sort().slice(0, RECOVERY_REPLAY_BATCH);
  if (keys.length === 0) return 0;
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
  const { created } = await store.jobs.enqueue({ pipeline, kind: 'replay', keys }, { dedupeKey: `${pipeline}#recovered@${minute}`, notBefore: now });
  return created ? keys.length : 0;
}
