// One page of source records through the record steps: each record ends kept (its step output goes
// into the mirror), dropped (filtered or skipped: out of the mirror), or quarantined with a cause
// (the mirror keeps its last good version). The working mirror and the commit's parts are updated here.
import type { JsonObject, SourcePage } from '../connectors/definition.ts';
import type { RecordStep, StepContext } from '../steps/step.ts';
import { sameJson } from '../util/canonical-json.ts';
import type { AuditEvent, MirrorEntry, QuarantineEntry } from '../store/store.ts';
import type { RunCounters } from './run-summary.ts';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface RecordPassState {
  mirror: Map<string, MirrorEntry>;
  /** Keys the mirror changed for (upsert or removal) in this batch. */
  touched: Set<string>;
  quarantined: Map<string, QuarantineEntry>;
  park: Map<string, QuarantineEntry>;
  release: Set<string>;
  audit: AuditEvent[];
  seen: Set<string>;
  counters: RunCounters;
}

export interface RecordPassContext {
  steps: readonly RecordStep[];
  stepContext: StepContext;
  event(recordKey: string, stage: AuditEvent['stage'], extra?: Partial<AuditEvent>): AuditEvent | undefined;
  now: string;
}

interface InFlight {
  key: string;
  source: JsonObject;
  version?: string;
  record: JsonObject;
  trail: string[];
}

export async function runRecordPass(page: SourcePage, state: RecordPassState, context: RecordPassContext): Promise<void> {
  const { counters } = state;
  const push = (event: AuditEvent | undefined): void => void (event && state.audit.push(event));
  const remove = (key: string, detail: string): void => {
    if (!state.mirror.has(key)) return;
    state.mirror.delete(key);
    state.touched.add(key);
    counters.removed++;
    push(context.event(key, 'dropped', { detail }));
  };
  const quarantine = (key: string, code: string, cause: string, source?: JsonObject): void => {
    counters.quarantined[code] = (counters.quarantined[code] ?? 0) + 1;
    const existing = state.quarantined.get(key);
    if (existing?.code === code && existing.cause === cause) return;
    const entry: QuarantineEntry = { pipeline: context.stepContext.pipeline, recordKey: key, code, cause, since: context.now, sourceKeys: [key] };
    state.park.set(key, entry);
    state.quarantined.set(key, entry);
    state.release.delete(key);
    push(context.event(key, 'quarantined', { detail: `${code}: ${cause}`, ...(source ? { after: source } : {}) }));
  };

  let inFlight: InFlight[] = [];
  for (const record of page.records) {
    counters.read++;
    state.seen.add(record.key);
    if (record.deleted) {
      remove(record.key, 'deleted in the source');
      continue;
    }
    if (!isObject(record.data)) {
      quarantine(record.key, 'MLC_RECORD_NOT_OBJECT', `the source gave ${Array.isArray(record.data) ? 'an array' : typeof record.data}, not an object`);
      continue;
    }
    inFlight.push({ key: record.key, source: record.data, ...(record.version !== undefined ? { version: record.version } : {}), record: record.data, trail: [] });
  }
  for (const key of page.missingKeys ?? []) {
    state.seen.add(key);
    remove(key, 'no longer in the source');
  }

  for (const step of context.steps) {
    if (inFlight.length === 0) break;
    const outcomes = await step.runBatch(inFlight.map((r) => r.record), context.stepContext);
    const next: InFlight[] = [];
    for (const [index, outcome] of outcomes.entries()) {
      const item = inFlight[index] as InFlight;
      if (outcome.kind === 'keep') {
        next.push({ ...item, record: outcome.record, trail: [...item.trail, `${step.id}: kept`] });
      } else if (outcome.kind === 'drop') {
        counters.dropped++;
        remove(item.key, `${step.id}: ${outcome.reason}`);
        if (state.quarantined.has(item.key)) state.release.add(item.key);
      } else {
        quarantine(item.key, outcome.code, outcome.reason, item.source);
      }
    }
    inFlight = next;
  }

  for (const item of inFlight) {
    counters.kept++;
    if (state.quarantined.has(item.key)) {
      state.release.add(item.key);
      state.park.delete(item.key);
      push(context.event(item.key, 'released', { detail: 'passes the current pipeline' }));
    }
    const previous = state.mirror.get(item.key);
    if (previous && sameJson(previous.source, item.source) && sameJson(previous.record, item.record)) {
      counters.unchanged++;
      continue;
    }
    const entry: MirrorEntry = { key: item.key, source: item.source, record: item.record, ...(item.version !== undefined ? { version: item.version } : {}) };
    state.mirror.set(item.key, entry);
    state.touched.add(item.key);
    push(context.event(item.key, 'read', { after: item.source, ...(previous ? { before: previous.source } : {}) }));
    push(context.event(item.key, 'mapped', { after: item.record, ...(previous ? { before: previous.record } : {}), detail: item.trail.join('; ') }));
  }
}
