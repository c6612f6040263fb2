// The embedded default store: state under one directory (--data, default ./.ml-connector/), no
// server. Small state (checkpoints, mirror, desired and actual state, quarantine, jobs, inbox) is
// one JSON document written durably through lowdb; the audit trail is append-only segments beside it,
// and queued jobs (webhook deliveries) are first made durable in a small append-only journal.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MlcError } from '../errors.ts';
import { DamagedFileError, openDurableDocument } from '../lib/lowdb.ts';
import { openAuditSegments } from './audit-segments.ts';
import { acquireDataLock } from './data-lock.ts';
import { documentStore } from './document-store.ts';
import { emptyDocument, type StoreDocument } from './document.ts';
import { openJobJournal, readJournal, replayJournal } from './job-journal.ts';
import type { Store } from './store.ts';

export interface LowdbStoreOptions {
  /** Commands that only read (audit, quarantine list, snapshot export) do not take the writer's lock. */
  readOnly?: boolean;
  maxSegmentBytes?: number;
}

function unwritable(dir: string, error: unknown): MlcError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new MlcError('MLC_STORE_UNWRITABLE', `cannot write the state directory ${dir} (${code}); nothing of this batch was committed`, { cause: error });
}

export async function openLowdbStore(dir: string, options: LowdbStoreOptions = {}): Promise<Store> {
  const auditDir = join(dir, 'audit');
  try {
    mkdirSync(auditDir, { recursive: true });
    if (!options.readOnly) accessSync(dir, constants.W_OK);
  } catch (error) {
    throw unwritable(dir, error);
  }
  const release = options.readOnly ? () => undefined : acquireDataLock(join(dir, 'lock'));
  try {
    const file = join(dir, 'state.json');
    const document = await openDurableDocument<StoreDocument>(file, emptyDocument).catch((error: unknown) => {
      if (error instanceof DamagedFileError) {
        throw new MlcError('MLC_STORE_CORRUPT', `${error.message}; the runtime will not start on it. Restore it from a backup, or move it aside to start over (a full run then rebuilds the state; the sink is compared first, so nothing is written twice)`, { cause: error });
      }
      throw error;
    });
    if (document.data.format !== 1 || typeof document.data.commitSeq !== 'number' || typeof document.data.pipelines !== 'object') {
      throw new MlcError('MLC_STORE_CORRUPT', `${file} is not an ml-connector state file (format ${String(document.data.format)}); the runtime will not start on it`);
    }
    const audit = await openAuditSegments(auditDir, document.data.commitSeq, options.maxSegmentBytes ? { maxSegmentBytes: options.maxSegmentBytes } : {});
    const journalFile = join(dir, 'jobs.journal');
    let data: StoreDocument;
    let journal: Awaited<ReturnType<typeof openJobJournal>> | undefined;
    try {
      data = replayJournal(document.data, readJournal(journalFile));
      journal = options.readOnly ? undefined : await openJobJournal(journalFile);
    } catch (error) {
      throw unwritable(dir, error);
    }
    return documentStore({
      // The directory lock admits one process at a time, so a lease found on open belongs to a process
      // that is gone (killed mid-batch): its jobs are due again at once, not when the lease runs out.
      document: options.readOnly ? data : { ...data, jobs: data.jobs.map(({ lease: _gone, ...job }) => job) },
      ...(journal ? { journal: { ...journal, append: (line: Parameters<typeof journal.append>[0]) => journal.append(line).catch((error: unknown) => Promise.reject(unwritable(dir, error))) } } : {}),
      persist: async (doc) => {
        if (options.readOnly) throw new Error('this store was opened read-only');
        try {
          await document.write(doc);
        } catch (error) {
          throw unwritable(dir, error);
        }
      },
      audit: { ...audit, append: (events, seq) => audit.append(events, seq).catch((error: unknown) => Promise.reject(unwritable(dir, error))) },
      close: async () => release(),
    });
  } catch (error) {
    release();
    throw error;
  }
}
