// A Store over one JSON document plus an audit log; the memory and lowdb stores differ only in how
// they persist the document and where the audit log lives. Every change goes through one queue, and
// the document in memory is replaced only after its new version is persisted: a failed write leaves
// the store as it was (nothing half-committed).
import type { Json } from '../connectors/definition.ts';
import { crashPoint } from '../util/crash-point.ts';
import { applyCommit, claimJob, completeJob, enqueueJob, pipelineState, publicJob, retryJob, type StoreDocument } from './document.ts';
import { journalLine, type JobJournal } from './job-journal.ts';
import { itemId, type AuditEvent, type AuditFilter, type BatchCommit, type Store } from './store.ts';
import { quarantinePageOf } from './quarantine-page.ts';

export interface AuditLog {
  /** Durably appends the events of commit `seq` before the document that names `seq` is written. */
  append(events: readonly AuditEvent[], seq: number): Promise<void>;
  /** Removes what append(…, seq) wrote when the commit's document could not be written. */
  rollback(seq: number): Promise<void>;
  query(filter: AuditFilter): AsyncIterable<AuditEvent>;
  prune(before: Date): Promise<number>;
  close(): Promise<void>;
}

export interface DocumentBackend {
  document: StoreDocument;
  persist(document: StoreDocument): Promise<void>;
  audit: AuditLog;
  /** When present, a group of job enqueues alone is made durable by one journal append, not a document write. */
  journal?: JobJournal;
  close(): Promise<void>;
}

const idOf = (job: { id: string } | undefined): { jobId?: string } => (job ? { jobId: job.id } : {});

/** State ids are `scope/key`, and every scope the runtime uses is two segments (`serve/PIPELINE`, `PIPELINE/ROLE`; pipeline names have no slash). */
function splitStateId(id: string): { scope: string; key: string } {
  const second = id.indexOf('/', id.indexOf('/') + 1);
  return second < 0 ? { scope: id.slice(0, id.lastIndexOf('/')), key: id.slice(id.lastIndexOf('/') + 1) } : { scope: id.slice(0, second), key: id.slice(second + 1) };
}

export function documentStore(backend: DocumentBackend): Store {
  let doc = backend.document;
  let closed = false;
  let broken: Error | undefined;
  interface Waiting {
    change: (current: StoreDocument) => Promise<{ doc: StoreDocument; value: unknown }> | { doc: StoreDocument; value: unknown };
    /** Commits run alone (their audit lines are tied to one commit number); everything else is grouped. */
    groupable: boolean;
    /** A job enqueue: what it changes fits in a journal line. */
    journaled: boolean;
    /** Kept in memory only (a claim): written with the next change that is persisted. */
    volatile: boolean;
    resolve(value: unknown): void;
    reject(error: unknown): void;
  }
  const waiting: Waiting[] = [];
  let draining: Promise<void> | undefined;

  /**
   * Group commit: the changes that arrived while a write was in flight are applied in order and
   * persisted in one write (one fsync for a burst of webhook deliveries, not one each). A change that
   * throws fails alone; a write that fails fails every change of its group, and none is adopted.
   */
  async function drain(): Promise<void> {
    while (waiting.length > 0) {
      const group: Waiting[] = [];
      if (waiting[0]?.groupable === false) group.push(waiting.shift() as Waiting);
      else while (waiting[0]?.groupable) group.push(waiting.shift() as Waiting);
      let next = doc;
      const done: { item: Waiting; value: unknown }[] = [];
      for (const item of group) {
        if (closed) item.reject(new Error('the store is closed'));
        else if (broken) item.reject(broken);
        else {
          try {
            const result = await item.change(next);
            next = result.doc;
            done.push({ item, value: result.value });
          } catch (error) {
            item.reject(error);
          }
        }
      }
      if (next !== doc && done.length > 0 && done.every(({ item }) => item.volatile)) doc = next;
      else if (next !== doc) {
        try {
          next = await persist(next, done.length > 0 && done.every(({ item }) => item.journaled));
        } catch (error) {
          // Nothing half-committed: the audit lines of this commit go too. If even that fails the
          // store refuses further work; reopening cuts them off (they name a commit never made).
          if (next.commitSeq !== doc.commitSeq) await backend.audit.rollback(next.commitSeq).catch(() => (broken = error as Error));
          for (const { item } of done) item.reject(error);
          continue;
        }
        doc = next;
      }
      for (const { item, value } of done) item.resolve(value);
    }
  }

  let journalSeq = doc.journalSeq ?? 0;
  let journalHolds = false;
  /**
   * Makes `next` durable: a group of enqueues as one journal line (one fdatasync), anything else as a
   * document write, which also takes in what the journal held and then empties it.
   */
  async function persist(next: StoreDocument, enqueuesOnly: boolean): Promise<StoreDocument> {
    const journal = backend.journal;
    if (!journal) {
      await backend.persist(next);
      return next;
    }
    if (enqueuesOnly && !journal.wantsDocumentWrite()) {
      await journal.append(journalLine(doc, next, journalSeq + 1));
      journalSeq += 1;
      journalHolds = true;
      return { ...next, journalSeq };
    }
    const written = { ...next, journalSeq };
    await backend.persist(written);
    if (journalHolds || journal.wantsDocumentWrite()) {
      // Lines left behind by a failed reset are at or below the document's journalSeq: replay skips them.
      await journal.reset().then(() => void (journalHolds = false), () => undefined);
    }
    return written;
  }

  /** Runs `change` after every earlier one; persists and adopts the document it returns. */
  const mutate = <T>(
    change: (current: StoreDocument) => Promise<{ doc: StoreDocument; value: T }> | { doc: StoreDocument; value: T },
    { groupable = true, journaled = false, volatile = false }: Partial<Pick<Waiting, 'groupable' | 'journaled' | 'volatile'>> = {},
  ): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      waiting.push({ change, groupable, journaled, volatile, resolve: resolve as (value: unknown) => void, reject });
      kick();
    });
  /** Starts the drain unless one runs; a change that arrives as a drain ends starts the next. */
  function kick(): void {
    if (draining) return;
    draining = drain().finally(() => {
      draining = undefined;
      if (waiting.length > 0) kick();
    });
  }
  const read = <T>(fn: (current: StoreDocument) => T): Promise<T> => Promise.resolve(fn(doc));

  return {
    inbox: {
      append: (entry) =>
        mutate((d) => {
          const id = `inbox-${d.nextId}`;
          return { doc: { ...d, nextId: d.nextId + 1, inbox: [...d.inbox, { ...entry, keys: [...entry.keys], id }] }, value: id };
        }),
      list: (pipeline) => read((d) => d.inbox.filter((e) => e.pipeline === pipeline)),
      remove: (ids) => mutate((d) => ({ doc: { ...d, inbox: d.inbox.filter((e) => !ids.includes(e.id)) }, value: undefined })),
    },
    jobs: {
      enqueue: (job, options = {}) =>
        mutate(
          (d) => {
            const result = enqueueJob(d, job, options, new Date());
            return { doc: result.doc, value: { id: result.id, created: result.created } };
          },
          { journaled: true },
        ),
      // A claim is not written on its own: one process holds this store (its directory lock), and a
      // lease found on open is dropped anyway (its process is gone), so writing the whole document to
      // take a lease bought nothing but a document write before every batch. The job's first-attempt
      // time is written with the next persisted change (its completion, its retry); a crash before
      // that runs the job again as new.
      claim: (workerId, leaseMs, now = new Date()) =>
        mutate(
          (d) => {
            const result = claimJob(d, workerId, leaseMs, now);
            return { doc: result.doc, value: result.job };
          },
          { volatile: true },
        ),
      complete: (id) => mutate((d) => ({ doc: completeJob(d, id), value: undefined })),
      retryAt: (id, at, error) => mutate((d) => ({ doc: retryJob(d, id, at, error), value: undefined })),
      list: (pipeline) => read((d) => d.jobs.filter((j) => pipeline === undefined || j.pipeline === pipeline).map(publicJob)),
    },
    checkpoints: { get: (pipeline) => read((d) => pipelineState(d, pipeline).checkpoint) },
    mirror: {
      all: (pipeline) => read((d) => Object.values(pipelineState(d, pipeline).mirror).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))),
      get: (pipeline, key) => read((d) => pipelineState(d, pipeline).mirror[key]),
    },
    desired: { all: (pipeline) => read((d) => Object.values(pipelineState(d, pipeline).desired)) },
    actual: { all: (pipeline) => read((d) => Object.values(pipelineState(d, pipeline).actual)) },
    pending: { list: (pipeline) => read((d) => Object.values(pipelineState(d, pipeline).pending)) },
    audit: {
      query: (filter) => backend.audit.query(filter),
      prune: (before) => backend.audit.prune(before),
    },
    quarantine: {
      list: (filter) =>
        read((d) =>
          Object.entries(d.pipelines)
            .filter(([name]) => filter.pipeline === undefined || name === filter.pipeline)
            .flatMap(([, state]) => Object.values(state.quarantine))
            .filter((q) => filter.code === undefined || q.code === filter.code),
        ),
      page: (query) => read((d) => quarantinePageOf(Object.values(pipelineState(d, query.pipeline).quarantine), query)),
    },
    state: {
      get: (scope, key) => read((d) => d.state[itemId(scope, key)]),
      set: (scope, key, value: Json) => mutate((d) => ({ doc: { ...d, state: { ...d.state, [itemId(scope, key)]: value } }, value: undefined })),
    },
    transfer: {
      pipelines: () => read((d) => [...new Set([...Object.keys(d.pipelines), ...d.jobs.map((j) => j.pipeline), ...d.inbox.map((e) => e.pipeline)])].sort()),
      state: () => read((d) => Object.entries(d.state).map(([id, value]) => ({ ...splitStateId(id), value }))),
      dedupeKeys: () => read((d) => Object.keys(d.dedupe).map((key) => ({ key, ...idOf(d.jobs.find((j) => j.dedupeKey === key)) }))),
      restoreJob: (job, dedupeKey) =>
        mutate((d) => {
          // The tick this key names is already in the store (queued or done): not made twice.
          if (dedupeKey !== undefined && d.dedupe[dedupeKey] !== undefined) return { doc: d, value: d.jobs.find((j) => j.dedupeKey === dedupeKey)?.id ?? '' };
          const id = `job-${d.nextId}`;
          const { pipeline, kind, keys, attempts, notBefore, lastError, firstAttemptAt } = job;
          const record = { pipeline, kind, attempts, notBefore, id, createdSeq: d.nextId, ...(keys ? { keys } : {}), ...(lastError !== undefined ? { lastError } : {}), ...(firstAttemptAt !== undefined ? { firstAttemptAt } : {}), ...(dedupeKey !== undefined ? { dedupeKey } : {}) };
          const dedupe = dedupeKey === undefined ? d.dedupe : { ...d.dedupe, [dedupeKey]: new Date().toISOString() };
          return { doc: { ...d, nextId: d.nextId + 1, jobs: [...d.jobs, record], dedupe }, value: id };
        }),
      restoreDedupeKey: (key) => mutate((d) => ({ doc: { ...d, dedupe: { ...d.dedupe, [key]: d.dedupe[key] ?? new Date().toISOString() } }, value: undefined })),
    },
    commit: (batch: BatchCommit) =>
      mutate(async (d) => {
        const next = applyCommit(d, batch);
        // The audit of commit N is durable before the document saying "N commits" is: on open, audit
        // lines of a commit the document does not know are dropped (the batch will run again).
        if (batch.audit.length > 0) await backend.audit.append(batch.audit, next.commitSeq);
        crashPoint('during-commit');
        return { doc: next, value: undefined };
      }, { groupable: false }),
    async close() {
      if (closed) return;
      while (draining) await draining;
      closed = true;
      await backend.audit.close();
      await backend.journal?.close();
      await backend.close();
    },
  };
}
