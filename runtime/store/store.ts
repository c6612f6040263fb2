// The Store port: everything the engine keeps between runs, behind small sub-ports and one
// transactional commit. Implementations: memory (tests), lowdb (the embedded default); a PostgreSQL
// store plugs in behind the same port and passes the same contract suite (test/store/).
import type { ActualItem, ChangeAction, Checkpoint, DesiredItem, Json, JsonObject } from '../connectors/definition.ts';

/** How stores and the engine name a sink item: `entity/key`. */
export const itemId = (entity: string, key: string): string => `${entity}/${key}`;

export interface MirrorEntry {
  key: string;
  /** The record as the source gave it (plans from a snapshot re-run the steps over it). */
  source: JsonObject;
  version?: string;
  /** What the record steps made of it: the roster aggregates read. */
  record: JsonObject;
}

export type AuditStage = 'read' | 'mapped' | 'dropped' | 'planned' | 'written' | 'quarantined' | 'released' | 'failed' | 'pending' | 'drift';

export interface AuditEvent {
  pipeline: string;
  runId: string;
  /** A source record key, or `entity/key` for a sink item. */
  recordKey: string;
  stage: AuditStage;
  /** ISO 8601. */
  at: string;
  pipelineVersion: string;
  step?: string;
  before?: JsonObject;
  after?: JsonObject;
  detail?: string;
  /** Sink items a record contributed to, or source records behind a sink change. */
  related?: string[];
}

export interface QuarantineEntry {
  pipeline: string;
  /** A source record key, or `entity/key` for a sink item the sink refused. */
  recordKey: string;
  code: string;
  cause: string;
  since: string;
  /** Source records to re-read on replay (for a sink item: the records behind it). */
  sourceKeys: string[];
}

/** A change the sink could not take yet (transient); kept until a later run applies it. */
export interface PendingChange {
  entity: string;
  key: string;
  action: ChangeAction;
  idempotencyKey: string;
  attempts: number;
  retryAfterMs?: number;
  lastError: string;
  since: string;
  /** The values sent: the sink may have taken them though no answer came (a later run must not call them a hand edit). */
  after?: JsonObject;
}

export interface BatchCommit {
  pipeline: string;
  runId: string;
  mirror: { upsert: MirrorEntry[]; remove: string[] };
  /** The desired state the sink is known to hold (applied or found unchanged). */
  desired: { upsert: DesiredItem[]; remove: { entity: string; key: string }[] };
  /** The sink's state as last read, with what was applied since (exported in snapshots). */
  actual: { upsert: ActualItem[]; remove: { entity: string; key: string }[] };
  audit: AuditEvent[];
  quarantine: { park: QuarantineEntry[]; release: string[] };
  pending: { set: PendingChange[]; clear: { entity: string; key: string }[] };
  /** Absent for keyed and replay batches; otherwise the last page's, after the sink answered. */
  checkpoint?: Checkpoint;
  /** The claim this batch runs under (stores shared by replicas): the whole commit is refused (MLC_STORE_LEASE_LOST) once that lease is lost. */
  fence?: { jobId: string; token: number };
}

/** A commit that changes nothing yet: callers fill in the parts they write. */
export const emptyBatch = (pipeline: string, runId: string): BatchCommit => ({
  pipeline,
  runId,
  mirror: { upsert: [], remove: [] },
  desired: { upsert: [], remove: [] },
  actual: { upsert: [], remove: [] },
  audit: [],
  quarantine: { park: [], release: [] },
  pending: { set: [], clear: [] },
});

export type JobKind = 'keys' | 'changed' | 'full' | 'replay';

export interface Job {
  id: string;
  pipeline: string;
  kind: JobKind;
  keys?: string[];
  attempts: number;
  /** ISO time before which the job is not claimed. */
  notBefore: string;
  lastError?: string;
  /** ISO time the job was first claimed; a retry policy's deadlineMs counts from it. */
  firstAttemptAt?: string;
  /** Fencing token of this claim (stores shared by replicas): a write that passes it is refused once the lease is lost. */
  fence?: number;
}

export interface InboxEntry {
  id: string;
  pipeline: string;
  trigger: string;
  keys: string[];
  receivedAt: string;
}

export interface AuditFilter {
  pipeline?: string;
  recordKey?: string;
  /** ISO time: events at or after it. */
  since?: string;
}

export interface QuarantinePageQuery {
  pipeline: string;
  code?: string;
  offset: number;
  limit: number;
}

/** A page of held records (oldest first, then by key) and the pipeline's counts by code and cause. */
export interface QuarantinePage {
  /** Held records of the pipeline. */
  total: number;
  /** Of those, the ones of `code` (all when no code was asked for). */
  matching: number;
  byCause: { code: string; cause: string; count: number }[];
  items: QuarantineEntry[];
}

export interface Store {
  inbox: {
    append(entry: Omit<InboxEntry, 'id'>): Promise<string>;
    list(pipeline: string): Promise<InboxEntry[]>;
    remove(ids: readonly string[]): Promise<void>;
  };
  jobs: {
    /** Idempotent by dedupeKey (pipeline + trigger + scheduled time): N replicas firing one tick make one job. */
    enqueue(job: { pipeline: string; kind: JobKind; keys?: string[] }, options?: { dedupeKey?: string; notBefore?: Date }): Promise<{ id: string; created: boolean }>;
    /** Leases the oldest due job of a pipeline that no worker holds (one pipeline runs one job at a time). */
    claim(workerId: string, leaseMs: number, now?: Date): Promise<Job | undefined>;
    /** With the claim's `fence`: refused (MLC_STORE_LEASE_LOST) once its lease ran out or another replica took the job. */
    complete(id: string, fence?: number): Promise<void>;
    retryAt(id: string, at: Date, error: string, fence?: number): Promise<void>;
    /** Extends a claim's lease while its batch runs (stores shared by replicas); false once it was lost. */
    heartbeat?(job: Job, leaseMs: number): Promise<boolean>;
    list(pipeline?: string): Promise<Job[]>;
  };
  checkpoints: { get(pipeline: string): Promise<Checkpoint | undefined> };
  mirror: { all(pipeline: string): Promise<MirrorEntry[]>; get(pipeline: string, key: string): Promise<MirrorEntry | undefined> };
  desired: { all(pipeline: string): Promise<DesiredItem[]> };
  actual: { all(pipeline: string): Promise<ActualItem[]> };
  pending: { list(pipeline: string): Promise<PendingChange[]> };
  audit: {
    query(filter: AuditFilter): AsyncIterable<AuditEvent>;
    /** Drops whole stretches of the log older than `before` (retention). Returns how many events went. */
    prune(before: Date): Promise<number>;
  };
  quarantine: {
    list(filter: { pipeline?: string; code?: string }): Promise<QuarantineEntry[]>;
    /** One page and the counts, without handing every held record over (the console pages 10,000 this way). */
    page(query: QuarantinePageQuery): Promise<QuarantinePage>;
  };
  /** Small key/value state per pipeline and connector (ConnectorContext.state). */
  state: { get(scope: string, key: string): Promise<Json | undefined>; set(scope: string, key: string, value: Json): Promise<void> };
  /** One transaction: mirror, desired and actual state, audit, quarantine, pending and checkpoint move together. */
  commit(batch: BatchCommit): Promise<void>;
  /** What `store export|import` needs beyond the per-pipeline reads: enumerating what is kept, and restoring jobs as they were. */
  transfer: StoreTransfer;
  /** Stores shared by replicas: health, claim metrics, queue depth, retention of done work. */
  operations?: StoreOperations;
  /** Stores shared by replicas: calls `onWake` when any replica enqueues a job (a wake-up; polling still guarantees progress). Closed with the store. */
  onJobs?(onWake: () => void): { close(): Promise<void> };
  close(): Promise<void>;
}

export interface StateEntry {
  scope: string;
  key: string;
  value: Json;
}

export interface StoreTransfer {
  /** Every pipeline the store holds anything for (state, jobs, inbox, quarantine). */
  pipelines(): Promise<string[]>;
  state(): Promise<StateEntry[]>;
  /** Dedupe keys of enqueued jobs (cron ticks): a restored store does not make a tick's job again. */
  dedupeKeys(): Promise<{ key: string; jobId?: string }[]>;
  /** Adds a job with its attempts, due time and last error (a new id), tied to `dedupeKey`; not when that key is already kept (the tick's job was made). Returns the job's id. */
  restoreJob(job: Omit<Job, 'id' | 'fence'>, dedupeKey?: string): Promise<string>;
  restoreDedupeKey(key: string): Promise<void>;
}

/** What `serve` watches and schedules on a store shared by replicas (PostgreSQL); embedded stores have none. */
export interface StoreOperations {
  /** Reachability and schema level, for /readyz: not ready while the database is away or its schema is behind this release. */
  health(): Promise<{ ready: boolean; detail: Record<string, unknown> }>;
  /** Called after every claim: its latency, and whether it took over a lease that had run out. */
  onClaim(listener: (claim: { seconds: number; pipeline?: string; leaseExpired: boolean }) => void): void;
  /** Queued jobs per pipeline. */
  queueDepth(): Promise<Record<string, number>>;
  /** Retention of done work: dedupe keys of cron ticks whose job is done, made before `before`; in small batches (no long lock). */
  pruneDone(before: Date): Promise<number>;
}
