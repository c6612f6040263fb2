// Where a verified webhook delivery goes: straight into the durable job queue as a keyed job, in one
// store write that also remembers its dedupe key, so a delivery sent twice is one job. The worker
// coalesces keyed jobs that are due together, so a burst for one employee is one read. A verified
// delivery that names no keys (a payload shape the source does not know) becomes a changed-since job:
// the poll finds whatever it announced. With a read-ahead, the keys' source read starts here.
import type { Store } from '../store/store.ts';
import type { WebhookInbox } from '../triggers/handle-webhook.ts';
import type { ReadAhead } from './read-ahead.ts';

export function jobInbox(store: Store, onEnqueued: () => void, readAhead?: ReadAhead): WebhookInbox {
  return {
    async append(entry) {
      // Before the durable write, so the source read runs alongside it and the claim (read-ahead.ts).
      if (entry.keys.length > 0) readAhead?.start(entry.pipeline, entry.keys);
      const job = entry.keys.length > 0 ? { pipeline: entry.pipeline, kind: 'keys' as const, keys: entry.keys } : { pipeline: entry.pipeline, kind: 'changed' as const };
      const { id, created } = await store.jobs.enqueue(job, { dedupeKey: `webhook:${entry.dedupeKey}` });
      if (created) onEnqueued();
      return { id, duplicate: !created };
    },
  };
}
