// The store export format (`ml-connector store export`), version 1: NDJSON, one record per line, so
// any size streams through a pipe. A header line names the format and version, an end line counts the
// records (an export cut short is told from a complete one). Everything behind the Store port goes;
// secrets stay in the secret store. Jobs keep their attempts, due time and last error, not their ids or
// leases (export with serve stopped: a lease held then is not carried over, its job is simply due).
import type { ActualItem, Checkpoint, DesiredItem, Json } from '../connectors/definition.ts';
import type { AuditEvent, InboxEntry, Job, MirrorEntry, PendingChange, QuarantineEntry, Store } from './store.ts';

export const EXPORT_FORMAT = 'ml-connector-store';
export const EXPORT_VERSION = 1;

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  version: number;
  exportedAt: string;
  /** Where it came from (password hidden). */
  source: string;
}

export type ExportRecord =
  | { t: 'checkpoint'; pipeline: string; value: Checkpoint }
  | { t: 'mirror'; pipeline: string; entry: MirrorEntry }
  | { t: 'desired'; pipeline: string; item: DesiredItem }
  | { t: 'actual'; pipeline: string; item: ActualItem }
  | { t: 'pending'; pipeline: string; change: PendingChange }
  | { t: 'quarantine'; entry: QuarantineEntry }
  | { t: 'inbox'; entry: Omit<InboxEntry, 'id'> }
  | { t: 'job'; job: Omit<Job, 'id' | 'fence'>; dedupeKey?: string }
  | { t: 'dedupe'; key: string }
  | { t: 'state'; scope: string; key: string; value: Json }
  | { t: 'audit'; event: AuditEvent };

export interface ExportEnd {
  t: 'end';
  records: number;
}

export type ExportLine = ExportHeader | ExportRecord | ExportEnd;

/** Every line of an export of `store`, header first and end last; the audit trail is paged, never held whole. */
export async function* exportStore(store: Store, source: string, now: () => Date = () => new Date()): AsyncIterable<ExportLine> {
  yield { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: now().toISOString(), source };
  let records = 0;
  const emit = function* <T extends ExportRecord>(lines: Iterable<T>): Iterable<T> {
    for (const line of lines) {
      records += 1;
      yield line;
    }
  };
  for (const pipeline of await store.transfer.pipelines()) {
    const checkpoint = await store.checkpoints.get(pipeline);
    if (checkpoint !== undefined) yield* emit([{ t: 'checkpoint', pipeline, value: checkpoint }]);
    yield* emit((await store.mirror.all(pipeline)).map((entry) => ({ t: 'mirror', pipeline, entry }) as const));
    yield* emit((await store.desired.all(pipeline)).map((item) => ({ t: 'desired', pipeline, item }) as const));
    yield* emit((await store.actual.all(pipeline)).map((item) => ({ t: 'actual', pipeline, item }) as const));
    yield* emit((await store.pending.list(pipeline)).map((change) => ({ t: 'pending', pipeline, change }) as const));
    yield* emit((await store.quarantine.list({ pipeline })).map((entry) => ({ t: 'quarantine', entry }) as const));
    yield* emit((await store.inbox.list(pipeline)).map(({ id: _id, ...entry }) => ({ t: 'inbox', entry }) as const));
  }
  const jobs = await store.jobs.list();
  const dedupe = await store.transfer.dedupeKeys();
  const keyOfJob = new Map(dedupe.flatMap((d) => (d.jobId !== undefined ? [[d.jobId, d.key] as const] : [])));
  yield* emit(
    jobs.map(({ id, fence: _fence, ...job }) => {
      const dedupeKey = keyOfJob.get(id);
      return { t: 'job', job, ...(dedupeKey !== undefined ? { dedupeKey } : {}) } as const;
    }),
  );
  const queued = new Set(jobs.map((j) => j.id));
  yield* emit(dedupe.filter((d) => d.jobId === undefined || !queued.has(d.jobId)).map((d) => ({ t: 'dedupe', key: d.key }) as const));
  yield* emit((await store.transfer.state()).map((s) => ({ t: 'state', ...s }) as const));
  for await (const event of store.audit.query({})) yield* emit([{ t: 'audit', event } as const]);
  yield { t: 'end', records };
}
