// The three read modes over the reader. readChanged asks the feed from a little before the last
// `latest` (safe whether BambooHR's `since` is inclusive or exclusive, and for a change landing in the
// same second as `latest`) and drops what it already delivered by key and lastChanged, which the
// checkpoint remembers for that overlap only.
import type { Checkpoint, ConnectorContext, SourceConnector, SourcePage, SourceRecord } from '../../runtime/index.ts';
import { jsonBody, type BambooClient } from './client.ts';
import { isTerminated, type ChangeEntry } from './records.ts';
import { createReader, type Reader } from './reads.ts';
import type { BambooHrSourceConfig } from './config.ts';

const PAGE_SIZE = 500;
const OVERLAP_MS = 5_000;
/** readChanged with no checkpoint: BambooHR's change history starts in 2011. */
const BEGINNING = '2000-01-01T00:00:00Z';
/** readAll remembers the feed's `latest` so a later changed-since run resumes from the full read. */
const FULL_READ_LOOKBACK_MS = 24 * 3600_000;
const JOB_FIELDS = new Set(['department', 'division', 'location', 'jobTitle', 'supervisor', 'supervisorEId', 'supervisorId']);

interface ChangeCheckpoint {
  latest: string;
  /** key → lastChanged (ms) already delivered inside the overlap window. */
  seen: Record<string, number>;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function parseCheckpoint(value: Checkpoint | undefined): ChangeCheckpoint | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const latest = value.latest;
  if (typeof latest !== 'string' || Number.isNaN(Date.parse(latest))) return undefined;
  const seen: Record<string, number> = {};
  if (value.seen && typeof value.seen === 'object' && !Array.isArray(value.seen)) {
    for (const [key, at] of Object.entries(value.seen)) if (typeof at === 'number') seen[key] = at;
  }
  return { latest, seen };
}

function nextCheckpoint(latest: string, entries: readonly ChangeEntry[], previous: Record<string, number>): ChangeCheckpoint {
  const floor = Date.parse(latest) - OVERLAP_MS;
  const seen: Record<string, number> = {};
  for (const [key, at] of Object.entries(previous)) if (at >= floor) seen[key] = at;
  for (const entry of entries) if (entry.at >= floor) seen[entry.key] = Math.max(seen[entry.key] ?? 0, entry.at);
  return { latest, seen };
}

function* pages(records: readonly SourceRecord[], last: Omit<SourcePage, 'records'>): Generator<SourcePage> {
  if (records.length === 0) yield { records: [], ...last };
  for (let at = 0; at < records.length; at += PAGE_SIZE) {
    const end = at + PAGE_SIZE >= records.length;
    yield { records: records.slice(at, at + PAGE_SIZE), ...(end ? last : {}) };
  }
}

export function requestedFields(config: Readonly<BambooHrSourceConfig>, defaults: readonly string[]): string[] {
  const wanted = [...(config.fields ?? defaults), 'lastChanged', 'status'];
  if (config.includeTerminated === false) wanted.push('employmentHistoryStatus');
  return [...new Set(wanted)];
}

export function createSource(config: Readonly<BambooHrSourceConfig>, context: ConnectorContext, client: BambooClient, fields: readonly string[]): SourceConnector {
  const reader: Reader = createReader(client, fields, context.logger);
  const keep = (records: SourceRecord[]): SourceRecord[] => (config.includeTerminated === false ? records.filter((r) => !isTerminated(r)) : records);
  const needsJobTable = fields.some((f) => JOB_FIELDS.has(f));
  let lists: Promise<{ alias?: unknown; name?: unknown; options?: { name?: unknown; archived?: unknown }[] }[]> | undefined;

  async function changes(sinceIso: string): Promise<{ latest?: string; entries: ChangeEntry[] }> {
    const feed = await reader.changed(sinceIso);
    if (!needsJobTable) return feed;
    // Effective-dated job rows: the table feed names employees whose job information changed.
    const jobs = await reader.changed(sinceIso, 'jobInfo');
    return { ...feed, entries: [...feed.entries, ...jobs.entries.map((e) => ({ ...e, action: 'Updated' }))] };
  }

  return {
    async *readAll({ signal }) {
      signal.throwIfAborted();
      const mark = await reader.changed(iso(context.clock().getTime() - FULL_READ_LOOKBACK_MS));
      signal.throwIfAborted();
      const records = keep(await reader.report());
      const latest = mark.latest ?? iso(context.clock().getTime() - FULL_READ_LOOKBACK_MS);
      yield* pages(records, { checkpoint: nextCheckpoint(latest, mark.entries, {}) as unknown as Checkpoint });
    },

    async *readChanged(since, { signal }) {
      signal.throwIfAborted();
      const previous = parseCheckpoint(since);
      const sinceIso = previous ? iso(Date.parse(previous.latest) - OVERLAP_MS) : BEGINNING;
      const feed = await changes(sinceIso);
      const byKey = new Map<string, ChangeEntry>();
      for (const entry of feed.entries) {
        const known = byKey.get(entry.key);
        if (!known || entry.at > known.at || (entry.action === 'Deleted' && entry.at >= known.at)) byKey.set(entry.key, entry);
      }
      const fresh = [...byKey.values()].filter((e) => previous?.seen[e.key] !== e.at || Number.isNaN(e.at));
      const deleted: SourceRecord[] = fresh
        .filter((e) => e.action.toLowerCase() === 'deleted')
        .map((e) => ({ key: e.key, deleted: true, ...(e.lastChanged ? { version: e.lastChanged } : {}), data: { id: e.key } }));
      const toRead = fresh.filter((e) => e.action.toLowerCase() !== 'deleted').map((e) => e.key);
      signal.throwIfAborted();
      const read = toRead.length > 0 ? await reader.byKeys(toRead, signal) : { records: [], missing: [] };
      const latestMs = Math.max(...[feed.latest, previous?.latest].map((t) => (t ? Date.parse(t) : Number.NaN)).filter((n) => !Number.isNaN(n)), ...feed.entries.map((e) => e.at).filter((n) => !Number.isNaN(n)));
      const latest = Number.isFinite(latestMs) ? (feed.latest && Date.parse(feed.latest) === latestMs ? feed.latest : iso(latestMs)) : (previous?.latest ?? BEGINNING);
      const checkpoint = nextCheckpoint(latest, feed.entries, previous?.seen ?? {}) as unknown as Checkpoint;
      yield* pages([...deleted, ...keep(read.records)], { checkpoint, ...(read.missing.length > 0 ? { missingKeys: read.missing } : {}) });
    },

    async *readKeys(keys, { signal }) {
      signal.throwIfAborted();
      const read = await reader.byKeys(keys, signal);
      yield* pages(read.records, read.missing.length > 0 ? { missingKeys: read.missing } : {});
    },

    async optionValues(field, { signal }) {
      signal.throwIfAborted();
      lists ??= client.call('/meta/lists').then((r) => {
        const body = jsonBody<unknown>(r, 'the option lists');
        return Array.isArray(body) ? body : [];
      });
      const wanted = field.toLowerCase();
      const list = (await lists).find((l) => String(l.alias ?? '').toLowerCase() === wanted || String(l.name ?? '').toLowerCase() === wanted);
      if (!list) return undefined;
      // Archived options stay listed for history; they are not values new records can take.
      return (list.options ?? []).filter((o) => String(o.archived ?? 'no').toLowerCase() !== 'yes').map((o) => String(o.name ?? '')).filter(Boolean);
    },
  };
}
