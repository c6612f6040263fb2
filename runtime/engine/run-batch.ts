// One batch, the whole way: source pages → record steps → mirror → roster steps → desired state →
// compare with the last committed desired state → actual state → diff → apply → one commit. `plan`
// is the same path with apply and commit switched off. The two rules: the checkpoint moves only in
// the commit, after the sink answered; a partial run never deactivates what is absent.
import type { Change, DesiredItem, SinkConnector, SourceConnector, SourcePage } from '../connectors/definition.ts';
import { itemId, type AuditEvent, type BatchCommit, type QuarantineEntry, type Store } from '../store/store.ts';
import { crashPoint } from '../util/crash-point.ts';
import { expressionBindings } from '../steps/bindings.ts';
import type { StepContext } from '../steps/step.ts';
import { applyChanges } from './apply-changes.ts';
import type { CompiledPipeline } from './compile.ts';
import { changedSince, computeDesired, readActualFor, rosterContext } from './desired-state.ts';
import { diff, idempotencyKeyFor, type Scope } from './diff.ts';
import { splitHandEdits } from './hand-edits.ts';
import { knownActual } from './known-actual.ts';
import { runRecordPass, type RecordPassState } from './record-pass.ts';
import { needsAttention, newCounters, type RunSummary } from './run-summary.ts';
import { settleOutcome } from './settle.ts';

export type RunMode = 'full' | 'changed-since' | 'keys';

export interface RunBatchOptions {
  pipeline: CompiledPipeline;
  source: SourceConnector;
  sink: SinkConnector;
  store: Store;
  mode: RunMode;
  keys?: readonly string[];
  /** Replays retry sink items held in quarantine; other runs leave them alone. */
  replay?: boolean;
  /** Plan: compute the changes, apply and commit nothing. */
  plan?: boolean;
  runId: string;
  clock?: () => Date;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onProgress?: (progress: { phase: string; read: number }) => void;
  /** Each phase's duration once it ends (ms, monotonic clock; the phases add up to the batch): where its time goes (serve's /metrics). */
  onPhase?: (phase: BatchPhase, ms: number) => void;
}

/**
 * A batch's phases: loading its state, source pages and the record steps; roster steps and what changed
 * since the last commit; the sink's actual state; the writes; settling the outcome and the commit.
 */
export type BatchPhase = 'read' | 'steps' | 'actual' | 'apply' | 'commit';

export interface RunBatchResult {
  summary: RunSummary;
  /** What was (or, for a plan, would be) sent to the sink. */
  changes: Change[];
}

function pages(options: RunBatchOptions, checkpoint: unknown, signal: AbortSignal): AsyncIterable<SourcePage> {
  if (options.mode === 'full') return options.source.readAll({ signal });
  if (options.mode === 'keys') return options.source.readKeys(options.keys ?? [], { signal });
  return options.source.readChanged(checkpoint as Parameters<SourceConnector['readChanged']>[0], { signal });
}

export async function runBatch(options: RunBatchOptions): Promise<RunBatchResult> {
  let phaseStarted = performance.now();
  const phaseEnded = (phase: BatchPhase): void => {
    const now = performance.now();
    options.onPhase?.(phase, now - phaseStarted);
    phaseStarted = now;
  };
  const { pipeline, store } = options;
  const clock = options.clock ?? (() => new Date());
  const signal = options.signal ?? new AbortController().signal;
  const now = clock().toISOString();
  const scope: Scope = options.mode === 'full' ? 'complete' : 'partial';
  const auditOn = pipeline.policies.audit.enabled && !options.plan;
  const withValues = pipeline.policies.audit.includeValues;
  const event = (recordKey: string, stage: AuditEvent['stage'], extra: Partial<AuditEvent> = {}): AuditEvent | undefined => {
    if (!auditOn) return undefined;
    const { before, after, ...rest } = extra;
    return { pipeline: pipeline.name, runId: options.runId, recordKey, stage, at: now, pipelineVersion: pipeline.version, ...rest, ...(withValues && before ? { before } : {}), ...(withValues && after ? { after } : {}) };
  };
  const stepContext: StepContext = { pipeline: pipeline.name, runId: options.runId, bindings: expressionBindings(pipeline.tables, pipeline.sink.config, clock()) };

  const quarantined = new Map((await store.quarantine.list({ pipeline: pipeline.name })).map((q) => [q.recordKey, q]));
  const state: RecordPassState = {
    mirror: new Map((await store.mirror.all(pipeline.name)).map((m) => [m.key, m])),
    touched: new Set(),
    quarantined,
    park: new Map(),
    release: new Set(),
    audit: [],
    seen: new Set(),
    counters: newCounters(),
  };
  const summaryOf = (checkpointMoved: boolean): RunSummary => ({
    ...state.counters,
    pipeline: pipeline.name,
    runId: options.runId,
    mode: options.mode,
    pipelineVersion: pipeline.version,
    checkpointMoved,
    exitCode: needsAttention(state.counters) ? 1 : 0,
  });
  // A keyed batch with no keys (a replay that matched nothing) has nothing to read, so nothing to do.
  if (options.mode === 'keys' && (options.keys ?? []).length === 0) return { summary: summaryOf(false), changes: [] };
  const checkpoint = await store.checkpoints.get(pipeline.name);
  let lastCheckpoint: unknown;
  for await (const page of pages(options, checkpoint, signal)) {
    crashPoint('after-read');
    await runRecordPass(page, state, { steps: pipeline.recordSteps, stepContext, event, now });
    if (page.checkpoint !== undefined) lastCheckpoint = page.checkpoint;
    options.onProgress?.({ phase: 'reading', read: state.counters.read });
  }
  if (options.mode === 'full') {
    // A complete read: what the source no longer has leaves the mirror (quarantined records were seen).
    for (const key of [...state.mirror.keys()]) {
      if (state.seen.has(key)) continue;
      state.mirror.delete(key);
      state.touched.add(key);
      state.counters.removed++;
      const dropped = event(key, 'dropped', { detail: 'not in the complete read' });
      if (dropped) state.audit.push(dropped);
    }
  }

  phaseEnded('read');
  options.onProgress?.({ phase: 'planning', read: state.counters.read });
  const committedItems = await store.desired.all(pipeline.name);
  const committed = new Map(committedItems.map((d) => [itemId(d.entity, d.key), d]));
  const desired = await computeDesired(state.mirror, pipeline.rosterSteps, pipeline.entities, rosterContext(stepContext, committedItems, scope === 'complete'));
  crashPoint('after-steps');
  let candidates: DesiredItem[] = scope === 'complete' ? desired : changedSince(desired, committed);
  const held = (item: DesiredItem): boolean => !options.replay && quarantined.has(itemId(item.entity, item.key));
  state.counters.held = candidates.filter(held).length;
  candidates = candidates.filter((item) => !held(item));
  phaseEnded('steps');
  const pendingChanges = await store.pending.list(pipeline.name);
  const sent = new Map(pendingChanges.flatMap((p) => (p.after ? [[itemId(p.entity, p.key), p.after] as const] : [])));
  // A partial run writes over what it remembers when the sink refuses stale versions by itself; a plan
  // and a replay read, so that what they show and retry is what the sink holds now.
  const remember = scope === 'partial' && !options.plan && !options.replay && options.sink.conditionalWrites === true;
  const split = remember
    ? knownActual(candidates, await store.actual.all(pipeline.name), committed, pipeline.entities, new Set(pendingChanges.map((p) => itemId(p.entity, p.key))))
    : { known: [], unknown: candidates };
  const actual = [...split.known, ...(await readActualFor(options.sink, pipeline.entities, split.unknown, scope, { signal }))];
  phaseEnded('actual');
  const changes = diff(candidates, actual, pipeline.entities, { scope, idempotencyKey: idempotencyKeyFor(pipeline.name, options.runId) }).filter(
    (c) => c.action !== 'deactivate' || !held({ entity: c.entity, key: c.key, values: {} }),
  );
  const handEdits = splitHandEdits(changes, committed, actual, pipeline.entities, pipeline.policies.drift, sent);
  const heldBack = handEdits.edited.filter((e) => !handEdits.apply.includes(e.change));
  if (options.plan) {
    for (const change of handEdits.apply) (state.counters.written[change.entity] ??= { create: 0, update: 0, deactivate: 0 })[change.action]++;
    state.counters.drift += heldBack.length;
    return { summary: summaryOf(false), changes: handEdits.apply };
  }
  for (const { change, detail } of handEdits.edited) {
    if (handEdits.apply.includes(change)) {
      const repaired = event(itemId(change.entity, change.key), 'drift', { detail, ...(change.before ? { before: change.before } : {}), ...(change.after ? { after: change.after } : {}) });
      if (repaired) state.audit.push(repaired);
    }
  }

  options.onProgress?.({ phase: `applying ${handEdits.apply.length} change(s)`, read: state.counters.read });
  const applied = await applyChanges(handEdits.apply, {
    sink: options.sink,
    entities: pipeline.entities,
    policy: pipeline.policies.retry,
    drift: pipeline.policies.drift,
    signal,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    ...(options.random ? { random: options.random } : {}),
  });
  phaseEnded('apply');
  crashPoint('after-apply');
  // Held-back hand edits settle as the sink's own drift answers do: reported, desired state not committed.
  const outcome = { ...applied, drift: [...applied.drift, ...heldBack] };
  const settled = settleOutcome({ outcome, candidates, desired, actual, changes, committed, scope, event, now, pipeline: pipeline.name, counters: state.counters, entities: pipeline.entities });

  const batch: BatchCommit = {
    pipeline: pipeline.name,
    runId: options.runId,
    mirror: { upsert: [...state.touched].flatMap((k) => state.mirror.get(k) ?? []), remove: [...state.touched].filter((k) => !state.mirror.has(k)) },
    desired: settled.desired,
    actual: settled.actual,
    audit: [...state.audit, ...settled.audit],
    quarantine: { park: [...state.park.values(), ...settled.park] as QuarantineEntry[], release: [...state.release, ...settled.release] },
    pending: settled.pending,
    ...(options.mode !== 'keys' && lastCheckpoint !== undefined ? { checkpoint: lastCheckpoint as BatchCommit['checkpoint'] } : {}),
  };
  await store.commit(batch);
  phaseEnded('commit');
  if (!options.plan) await store.audit.prune(new Date(clock().getTime() - pipeline.policies.audit.retentionDays * 86_400_000));
  return { summary: summaryOf(batch.checkpoint !== undefined), changes };
}
