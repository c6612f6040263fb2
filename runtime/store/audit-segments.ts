// The audit log on disk: append-only JSON-lines segments. Appends cost the same at 1k or 1M events
// (one write and one fdatasync per commit, never a rewrite); a sealed segment gets an index (record
// key → line positions) so `audit --record` reads a few lines per segment, not the whole log.
// Each line carries the commit it belongs to; on open, lines of a commit the state document does not
// know (a crash between the two writes) and a torn last line are cut off.
import { closeSync, fdatasyncSync, ftruncateSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileDurably } from '../lib/lowdb.ts';
import { matchesAudit } from './audit-filter.ts';
import type { AuditLog } from './document-store.ts';
import type { AuditEvent } from './store.ts';

interface SegmentIndex {
  keys: Record<string, [number, number][]>;
  count: number;
  firstAt?: string;
  lastAt?: string;
}

interface Segment {
  number: number;
  file: string;
  index: SegmentIndex;
}

const segmentName = (n: number): string => `seg-${String(n).padStart(6, '0')}.jsonl`;
const indexFile = (file: string): string => file.replace(/\.jsonl$/, '.idx.json');

function addToIndex(index: SegmentIndex, event: AuditEvent, position: [number, number]): void {
  for (const key of new Set([event.recordKey, ...(event.related ?? [])])) (index.keys[key] ??= []).push(position);
  index.count++;
  index.firstAt ??= event.at;
  if (index.lastAt === undefined || event.at > index.lastAt) index.lastAt = event.at;
}

/** Reads a segment's lines; stops at a torn line or one from a commit after `committedSeq`. */
function scan(file: string, committedSeq: number): { index: SegmentIndex; validBytes: number } {
  const text = readFileSync(file);
  const index: SegmentIndex = { keys: {}, count: 0 };
  let offset = 0;
  while (offset < text.length) {
    const end = text.indexOf(10, offset);
    if (end < 0) break;
    let line: { s: number; e: AuditEvent };
    try {
      line = JSON.parse(text.subarray(offset, end).toString('utf8')) as { s: number; e: AuditEvent };
    } catch {
      break;
    }
    if (line.s > committedSeq) break;
    addToIndex(index, line.e, [offset, end - offset]);
    offset = end + 1;
  }
  return { index, validBytes: offset };
}

export async function openAuditSegments(dir: string, committedSeq: number, options: { maxSegmentBytes?: number } = {}): Promise<AuditLog> {
  const maxBytes = options.maxSegmentBytes ?? 8 * 1024 * 1024;
  const numbers = readdirSync(dir).map((n) => /^seg-(\d+)\.jsonl$/.exec(n)?.[1]).filter((n): n is string => n !== undefined).map(Number).sort((a, b) => a - b);
  const sealed: Segment[] = [];
  for (const n of numbers.slice(0, -1)) {
    const file = join(dir, segmentName(n));
    let index: SegmentIndex;
    try {
      index = JSON.parse(readFileSync(indexFile(file), 'utf8')) as SegmentIndex;
    } catch {
      // Killed while sealing: the index is rebuilt from the lines, which are complete.
      index = scan(file, Number.MAX_SAFE_INTEGER).index;
      writeFileDurably(indexFile(file), JSON.stringify(index));
    }
    sealed.push({ number: n, file, index });
  }
  const activeNumber = numbers.at(-1) ?? 1;
  let active: Segment = { number: activeNumber, file: join(dir, segmentName(activeNumber)), index: { keys: {}, count: 0 } };
  let fd = openSync(active.file, 'a+');
  const scanned = scan(active.file, committedSeq);
  if (scanned.validBytes < statSync(active.file).size) {
    ftruncateSync(fd, scanned.validBytes);
    fdatasyncSync(fd);
  }
  active.index = scanned.index;
  let size = scanned.validBytes;
  /** Where each not-yet-committed append began, to cut it off when its commit fails. */
  let uncommitted: { seq: number; size: number; keys: string[]; count: number; firstAt?: string; lastAt?: string } | undefined;

  const seal = (): void => {
    writeFileDurably(indexFile(active.file), JSON.stringify(active.index));
    closeSync(fd);
    sealed.push(active);
    const number = active.number + 1;
    active = { number, file: join(dir, segmentName(number)), index: { keys: {}, count: 0 } };
    fd = openSync(active.file, 'a+');
    size = 0;
  };

  const readLine = (file: string, [offset, length]: [number, number]): AuditEvent => {
    const handle = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(length);
      readSync(handle, buffer, 0, length, offset);
      return (JSON.parse(buffer.toString('utf8')) as { e: AuditEvent }).e;
    } finally {
      closeSync(handle);
    }
  };

  return {
    async append(events, seq) {
      if (size >= maxBytes) seal();
      // What to take back if the commit fails: the keys indexed here (not a copy of the whole index,
      // which would make each append cost as much as the segment is long).
      const { count, firstAt, lastAt } = active.index;
      uncommitted = { seq, size, keys: events.flatMap((e) => [...new Set([e.recordKey, ...(e.related ?? [])])]), count, ...(firstAt !== undefined ? { firstAt } : {}), ...(lastAt !== undefined ? { lastAt } : {}) };
      let text = '';
      let offset = size;
      for (const event of events) {
        const line = JSON.stringify({ s: seq, e: event });
        const length = Buffer.byteLength(line);
        addToIndex(active.index, event, [offset, length]);
        text += `${line}\n`;
        offset += length + 1;
      }
      writeSync(fd, text);
      fdatasyncSync(fd);
      size = offset;
    },
    async rollback(seq) {
      if (uncommitted?.seq !== seq) return;
      ftruncateSync(fd, uncommitted.size);
      fdatasyncSync(fd);
      size = uncommitted.size;
      for (const key of uncommitted.keys) active.index.keys[key]?.pop();
      const { count, firstAt, lastAt } = uncommitted;
      active.index = { keys: active.index.keys, count, ...(firstAt !== undefined ? { firstAt } : {}), ...(lastAt !== undefined ? { lastAt } : {}) };
      uncommitted = undefined;
    },
    async *query(filter) {
      for (const segment of [...sealed, active]) {
        if (filter.since !== undefined && segment.index.lastAt !== undefined && segment.index.lastAt < filter.since) continue;
        if (filter.recordKey !== undefined) {
          for (const position of segment.index.keys[filter.recordKey] ?? []) {
            const event = readLine(segment.file, position);
            if (matchesAudit(event, filter)) yield event;
          }
          continue;
        }
        const text = readFileSync(segment.file, 'utf8').slice(0, segment === active ? size : undefined);
        for (const line of text.split('\n')) {
          if (!line) continue;
          const event = (JSON.parse(line) as { e: AuditEvent }).e;
          if (matchesAudit(event, filter)) yield event;
        }
      }
    },
    async prune(before) {
      let dropped = 0;
      while (sealed[0] && sealed[0].index.lastAt !== undefined && Date.parse(sealed[0].index.lastAt) < before.getTime()) {
        const segment = sealed.shift() as Segment;
        dropped += segment.index.count;
        rmSync(segment.file, { force: true });
        rmSync(indexFile(segment.file), { force: true });
      }
      return dropped;
    },
    async close() {
      closeSync(fd);
    },
  };
}
