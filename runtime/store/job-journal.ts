// The job journal of the embedded store: a queued job (a webhook delivery, above all) is made durable
// by appending one line to jobs.journal and one fdatasync, not by rewriting the whole state document
// (whose size grows with the mirror). Deliveries that arrive while an append is in flight share the
// next one (group commit); each is acknowledged only after the append holding it is on disk. The next
// document write takes the journaled jobs in and empties the journal; on open, lines the document
// does not hold yet (seq above its journalSeq) are replayed.
import { constants, readFileSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { JobRecord, StoreDocument } from './document.ts';

export interface JournalLine {
  seq: number;
  jobs: JobRecord[];
  /** dedupeKey → first enqueued (ISO), for the jobs of this line. */
  dedupe: Record<string, string>;
  nextId: number;
}

export interface JobJournal {
  /** Appends one line and fdatasyncs; resolves once it is durable. */
  append(line: JournalLine): Promise<void>;
  /** Whether the next change should rather be a document write (the journal grew, or an append failed). */
  wantsDocumentWrite(): boolean;
  /** Empties the journal once a document write holds everything in it. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Past this, the next change is written as a whole document, which empties the journal (bounds replay). */
const MAX_JOURNAL_BYTES = 4 * 1024 * 1024;

/** The lines of a journal file; a torn or damaged line (an append cut off by a kill) is skipped. */
export function readJournal(file: string): JournalLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines: JournalLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    try {
      const line = JSON.parse(raw) as JournalLine;
      if (typeof line.seq === 'number' && Array.isArray(line.jobs)) lines.push(line);
    } catch {
      // never acknowledged: the append that wrote it did not finish its fdatasync
    }
  }
  return lines;
}

/** The document with the journal's lines it does not hold yet. */
export function replayJournal(doc: StoreDocument, lines: readonly JournalLine[]): StoreDocument {
  let next = doc;
  for (const line of lines) {
    if (line.seq <= (next.journalSeq ?? 0)) continue;
    const known = new Set(next.jobs.map((j) => j.id));
    next = {
      ...next,
      jobs: [...next.jobs, ...line.jobs.filter((j) => !known.has(j.id))],
      dedupe: { ...next.dedupe, ...line.dedupe },
      nextId: Math.max(next.nextId, line.nextId),
      journalSeq: line.seq,
    };
  }
  return next;
}

/** What `next` adds to `doc` in jobs and dedupe keys, as one journal line. */
export function journalLine(doc: StoreDocument, next: StoreDocument, seq: number): JournalLine {
  const known = new Set(doc.jobs.map((j) => j.id));
  const dedupe: Record<string, string> = {};
  for (const [key, at] of Object.entries(next.dedupe)) if (doc.dedupe[key] === undefined) dedupe[key] = at;
  return { seq, jobs: next.jobs.filter((j) => !known.has(j.id)), dedupe, nextId: next.nextId };
}

async function syncDirectoryOf(file: string): Promise<void> {
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } catch {
    // a directory that cannot be synced (some platforms) still holds the file
  } finally {
    await dir.close();
  }
}

/**
 * The journal at `file`. Each append opens the file afresh (no creating: a journal that vanished is
 * created again and its directory synced), so a store whose files cannot be written fails the append
 * and the delivery gets its 503, rather than going into a handle to a file nobody will read.
 */
export async function openJobJournal(file: string): Promise<JobJournal> {
  let bytes = 0;
  let failed = false;
  try {
    bytes = (await stat(file)).size;
  } catch {
    // created by the first append
  }
  async function openForAppend(): Promise<FileHandle> {
    try {
      return await open(file, constants.O_WRONLY | constants.O_APPEND);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const handle = await open(file, 'a', 0o600);
      await syncDirectoryOf(file);
      return handle;
    }
  }
  return {
    async append(line) {
      // A leading newline keeps this line apart from a torn fragment an earlier failed append left.
      const data = Buffer.from(`\n${JSON.stringify(line)}`, 'utf8');
      try {
        const handle = await openForAppend();
        try {
          await handle.write(data);
          bytes += data.length;
          await handle.datasync();
        } finally {
          await handle.close();
        }
      } catch (error) {
        failed = true;
        throw error;
      }
    },
    wantsDocumentWrite: () => failed || bytes > MAX_JOURNAL_BYTES,
    async reset() {
      const handle = await open(file, 'r+').catch(() => undefined);
      if (handle) {
        try {
          await handle.truncate(0);
          await handle.datasync();
        } finally {
          await handle.close();
        }
      }
      bytes = 0;
      failed = false;
    },
    close: async () => undefined,
  };
}
