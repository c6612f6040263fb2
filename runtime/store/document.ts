// The state both embedded stores keep, as one JSON document, and the pure steps that change it. A
// commit builds a new document (shallow copies of what it touches) so that a failed write leaves the
// one in memory exactly as it was on disk.
import type { ActualItem, Checkpoint, DesiredItem, Json } from '../connectors/definition.ts';
import { itemId, type BatchCommit, type InboxEntry, type Job, type MirrorEntry, type PendingChange, type QuarantineEntry } from './store.ts';

export interface PipelineState {
  checkpoint?: Checkpoint;
  mirror: Record<string, MirrorEntry>;
  desired: Record<string, DesiredItem>;
  actual: Record<string, ActualItem>;
  quarantine: Record<string, QuarantineEntry>;
  pending: Record<string, PendingChange>;
}

export interface JobRecord extends Job {
  dedupeKey?: string;
  createdSeq: number;
  lease?: { worker: string; until: string };
}

export interface StoreDocument {
  format: 1;
  /** Number of commits made; audit events carry the commit they belong to. */
  commitSeq: number;
  nextId: number;
  pipelines: Record<string, PipelineState>;
  jobs: JobRecord[];
  /** dedupeKey → when it was first enqueued (ISO); kept a while after the job completes. */
  dedupe: Record<string, string>;
  inbox: InboxEntry[];
  state: Record<string, Json>;
  /** The last job-journal line this document holds (the embedded store's journal; absent: none). */
  journalSeq?: number;
}

export const emptyDocument = (): StoreDocument => ({ format: 1, commitSeq: 0, nextId: 1, pipelines: {}, jobs: [], dedupe: {}, inbox: [], state: {} });


const emptyPipeline = (): PipelineState => ({ mirror: {}, desired: {}, actual: {}, quarantine: {}, pending: {} });

export function pipelineState(doc: StoreDocument, pipeline: string): PipelineState {
  return doc.pipelines[pipeline] ?? emptyPipeline();
}

/** The document after `batch`; `doc` is not changed. */
export function applyCommit(doc: StoreDocument, batch: BatchCommit): StoreDocument {
  const old = pipelineState(doc, batch.pipeline);
  const next: PipelineState = {
    mirror: { ...old.mirror },
    desired: { ...old.desired },
    actual: { ...old.actual },
    quarantine: { ...old.quarantine },
    pending: { ...old.pending },
    ...(old.checkpoint !== undefined ? { checkpoint: old.checkpoint } : {}),
  };
  for (const key of batch.mirror.remove) delete next.mirror[key];
  for (const entry of batch.mirror.upsert) next.mirror[entry.key] = entry;
  for (const { entity, key } of batch.desired.remove) delete next.desired[itemId(entity, key)];
  for (const item of batch.desired.upsert) next.desired[itemId(item.entity, item.key)] = item;
  for (const { entity, key } of batch.actual.remove) delete next.actual[itemId(entity, key)];
  for (const item of batch.actual.upsert) next.actual[itemId(item.entity, item.key)] = item;
  for (const key of batch.quarantine.release) delete next.quarantine[key];
  for (const entry of batch.quarantine.park) next.quarantine[entry.recordKey] = entry;
  for (const { entity, key } of batch.pending.clear) delete next.pending[itemId(entity, key)];
  for (const change of batch.pending.set) next.pending[itemId(change.entity, change.key)] = change;
  if (batch.checkpoint !== undefined) next.checkpoint = batch.checkpoint;
  return { ...doc, commitSeq: doc.commitSeq + 1, pipelines: { ...doc.pipelines, [batch.pipeline]: next } };
}

const DEDUPE_KEEP_MS = 7 * 24 * 3600 * 1000;

export function enqueueJob(doc: StoreDocument, job: { pipeline: string; kind: Job['kind']; keys?: string[] }, options: { dedupeKey?: string; notBefore?: Date }, now: Date): { doc: StoreDocument; id: string; created: boolean } {
  if (options.dedupeKey !== undefined && doc.dedupe[options.dedupeKey] !== undefined) {
    const existing = doc.jobs.find((j) => j.dedupeKey === options.dedupeKey);
    return { doc, id: existing?.id ?? '', created: false };
  }
  const id = `job-${doc.nextId}`;
  const record: JobRecord = {
    id,
    pipeline: job.pipeline,
    kind: job.kind,
    ...(job.keys ? { keys: [...job.keys] } : {}),
    attempts: 0,
    notBefore: (options.notBefore ?? now).toISOString(),
    createdSeq: doc.nextId,
    ...(options.dedupeKey !== undefined ? { dedupeKey: options.dedupeKey } : {}),
  };
  const cutoff = now.getTime() - DEDUPE_KEEP_MS;
  const dedupe = Object.fromEntries(Object.entries(doc.dedupe).filter(([, at]) => Date.parse(at) >= cutoff));
  if (options.dedupeKey !== undefined) dedupe[options.dedupeKey] = now.toISOString();
  return { doc: { ...doc, nextId: doc.nextId + 1, jobs: [...doc.jobs, record], dedupe }, id, created: true };
}

export function claimJob(doc: StoreDocument, workerId: string, leaseMs: number, now: Date): { doc: StoreDocument; job?: Job } {
  const leased = (j: JobRecord): boolean => j.lease !== undefined && Date.parse(j.lease.until) > now.getTime();
  const busy = new Set(doc.jobs.filter(leased).map((j) => j.pipeline));
  const due = doc.jobs
    .filter((j) => !leased(j) && !busy.has(j.pipeline) && Date.parse(j.notBefore) <= now.getTime())
    .sort((a, b) => Date.parse(a.notBefore) - Date.parse(b.notBefore) || a.createdSeq - b.createdSeq)[0];
  if (!due) return { doc };
  const claimed: JobRecord = { ...due, firstAttemptAt: due.firstAttemptAt ?? now.toISOString(), lease: { worker: workerId, until: new Date(now.getTime() + leaseMs).toISOString() } };
  const { lease: _lease, dedupeKey: _dedupe, createdSeq: _seq, ...job } = claimed;
  return { doc: { ...doc, jobs: doc.jobs.map((j) => (j.id === due.id ? claimed : j)) }, job };
}

export function completeJob(doc: StoreDocument, id: string): StoreDocument {
  return { ...doc, jobs: doc.jobs.filter((j) => j.id !== id) };
}

export function retryJob(doc: StoreDocument, id: string, at: Date, error: string): StoreDocument {
  return {
    ...doc,
    jobs: doc.jobs.map((j) => {
      if (j.id !== id) return j;
      const { lease: _lease, ...rest } = j;
      return { ...rest, attempts: j.attempts + 1, notBefore: at.toISOString(), lastError: error };
    }),
  };
}

export function publicJob(j: JobRecord): Job {
  const { lease: _lease, dedupeKey: _dedupe, createdSeq: _seq, ...job } = j;
  return job;
}
