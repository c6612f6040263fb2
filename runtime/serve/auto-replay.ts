// Auto-replay after a fix: when a new pipeline version loads, quarantined records whose cause it now
// handles are replayed by themselves. "Now handles" is checked offline first: the record as the source
// gave it (kept in the audit trail's 'quarantined' event) is run through the new version's record
// steps; a record that passes them (or is now filtered out) is queued for a replay job, in bounded
// batches, through the same replay path as `ml-connector replay`. The replay's audit events carry the
// new version, so the trail says which version fixed them. Everything else stays quarantined: causes
// the steps cannot show fixed (a sink's refusal, a retry that gave up, a record with no saved values).
import type { JsonObject } from '../connectors/definition.ts';
import type { OpenedPipeline } from '../engine/open-pipeline.ts';
import type { Logger } from '../lib/log.ts';
import { expressionBindings } from '../steps/bindings.ts';
import type { QuarantineEntry, Store } from '../store/store.ts';

export interface AutoReplayOptions {
  store: Store;
  logger: Logger;
  clock?: () => Date;
  /** Keys per replay job (one batch each). */
  batchSize?: number;
  /** Quarantine entries looked at per new version (the rest wait for the next version or a manual replay). */
  maxEntries?: number;
}

export interface AutoReplayResult {
  /** Source keys queued for replay. */
  replayed: string[];
  jobs: number;
  /** Entries left in quarantine, by cause code. */
  remaining: Record<string, number>;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The record as the source gave it when it was quarantined, from the audit trail. */
async function quarantinedSource(store: Store, entry: QuarantineEntry): Promise<JsonObject | undefined> {
  let found: JsonObject | undefined;
  for await (const event of store.audit.query({ pipeline: entry.pipeline, recordKey: entry.recordKey, since: entry.since })) {
    if (event.stage === 'quarantined' && isObject(event.after)) found = event.after;
  }
  return found;
}

/** Which of these source records the pipeline's record steps now take (kept or filtered, not quarantined). */
async function passingSteps(opened: OpenedPipeline, records: readonly { key: string; source: JsonObject }[], now: Date): Promise<Set<string>> {
  const { compiled } = opened;
  const context = { pipeline: compiled.name, runId: 'auto-replay-check', bindings: expressionBindings(compiled.tables, compiled.sink.config, now) };
  const passing = new Set<string>();
  let inFlight = records.map((r) => ({ key: r.key, record: r.source }));
  for (const step of compiled.recordSteps) {
    if (inFlight.length === 0) break;
    const outcomes = await step.runBatch(
      inFlight.map((r) => r.record),
      context,
    );
    const next: typeof inFlight = [];
    for (const [index, outcome] of outcomes.entries()) {
      const item = inFlight[index];
      if (!item) continue;
      if (outcome.kind === 'keep') next.push({ key: item.key, record: outcome.record });
      else if (outcome.kind === 'drop') passing.add(item.key);
    }
    inFlight = next;
  }
  for (const item of inFlight) passing.add(item.key);
  return passing;
}

export async function replayFixed(opened: OpenedPipeline, options: AutoReplayOptions): Promise<AutoReplayResult> {
  const { store } = options;
  const name = opened.compiled.name;
  const version = opened.compiled.version;
  const clock = options.clock ?? (() => new Date());
  const batchSize = options.batchSize ?? 100;
  const entries = (await store.quarantine.list({ pipeline: name })).slice(0, options.maxEntries ?? 1000);
  const remaining: Record<string, number> = {};
  const candidates: { key: string; source: JsonObject; entry: QuarantineEntry }[] = [];
  for (const entry of entries) {
    // A source record's own quarantine (not a sink item's refusal) with its values kept.
    const source = entry.sourceKeys.length === 1 && entry.sourceKeys[0] === entry.recordKey ? await quarantinedSource(store, entry) : undefined;
    if (source) candidates.push({ key: entry.recordKey, source, entry });
    else remaining[entry.code] = (remaining[entry.code] ?? 0) + 1;
  }
  const passing = candidates.length > 0 ? await passingSteps(opened, candidates, clock()) : new Set<string>();
  const replayed: string[] = [];
  for (const c of candidates) {
    if (passing.has(c.key)) replayed.push(c.key);
    else remaining[c.entry.code] = (remaining[c.entry.code] ?? 0) + 1;
  }
  replayed.sort();
  let jobs = 0;
  for (let i = 0; i < replayed.length; i += batchSize) {
    const keys = replayed.slice(i, i + batchSize);
    // One job per batch per version: a second reload of the same version queues nothing new.
    const { created } = await store.jobs.enqueue({ pipeline: name, kind: 'replay', keys }, { dedupeKey: `${name}#auto-replay@${version}#${keys[0]}` });
    if (created) jobs++;
  }
  if (replayed.length > 0 || Object.keys(remaining).length > 0) {
    options.logger.info({ pipeline: name, version, replayed: replayed.length, jobs, remaining }, `auto-replay: ${replayed.length} quarantined record(s) pass version ${version} and are replayed`);
  }
  return { replayed, jobs, remaining };
}
