// Turns the sink's answers into the commit: what the sink now holds becomes committed desired state
// (anything not taken stays uncommitted, so the next run sees it as changed and tries again), with
// the audit trail, quarantine and pending entries that go with it.
import type { ActualItem, Change, DesiredItem, EntitySpec } from '../connectors/definition.ts';
import { itemId, type AuditEvent, type BatchCommit, type PendingChange, type QuarantineEntry } from '../store/store.ts';
import type { ApplyOutcome } from './apply-changes.ts';
import type { Scope } from './diff.ts';
import { countWrite, type RunCounters } from './run-summary.ts';

export interface SettleInput {
  outcome: ApplyOutcome;
  candidates: readonly DesiredItem[];
  desired: readonly DesiredItem[];
  actual: readonly ActualItem[];
  changes: readonly Change[];
  committed: ReadonlyMap<string, DesiredItem>;
  scope: Scope;
  event(recordKey: string, stage: AuditEvent['stage'], extra?: Partial<AuditEvent>): AuditEvent | undefined;
  now: string;
  pipeline: string;
  counters: RunCounters;
  entities: readonly EntitySpec[];
}

export interface Settled {
  desired: BatchCommit['desired'];
  actual: BatchCommit['actual'];
  audit: AuditEvent[];
  park: QuarantineEntry[];
  release: string[];
  pending: BatchCommit['pending'];
}

export function settleOutcome(input: SettleInput): Settled {
  const { outcome, counters } = input;
  const byId = new Map(input.candidates.map((d) => [itemId(d.entity, d.key), d]));
  // A write concerns the records that make the item now and those that made it before: an employee who
  // leaves a cost center is behind its headcount going down, though no longer among its contributors.
  const sourceKeys = (change: Change): string[] => {
    const id = itemId(change.entity, change.key);
    return [...new Set([...(byId.get(id)?.lineage?.sourceKeys ?? []), ...(input.committed.get(id)?.lineage?.sourceKeys ?? [])])];
  };
  // A refused write whose item the sink did not describe: forget it (the next run reads it first).
  const forgotten = new Set(outcome.drift.flatMap((d) => (d.actual ? [] : [itemId(d.change.entity, d.change.key)])));
  const out: Settled = {
    desired: { upsert: [], remove: [] },
    actual: { upsert: input.actual.filter((a) => !forgotten.has(itemId(a.entity, a.key))), remove: [] },
    audit: [],
    park: [],
    release: [],
    pending: { set: [], clear: [] },
  };
  const push = (e: AuditEvent | undefined): void => void (e && out.audit.push(e));
  const done = (entity: string, key: string): void => {
    out.pending.clear.push({ entity, key });
    out.release.push(itemId(entity, key));
  };

  // Items the diff found already in step with the sink.
  const changed = new Set(input.changes.map((c) => itemId(c.entity, c.key)));
  for (const item of input.candidates) {
    if (changed.has(itemId(item.entity, item.key))) continue;
    out.desired.upsert.push(item);
    done(item.entity, item.key);
  }
  for (const { change, version, repaired } of outcome.applied) {
    countWrite(counters, change.entity, change.action);
    if (repaired) push(input.event(itemId(change.entity, change.key), 'drift', { detail: repaired, related: sourceKeys(change) }));
    const item = byId.get(itemId(change.entity, change.key));
    if (change.action === 'deactivate') out.desired.remove.push({ entity: change.entity, key: change.key });
    else if (item) out.desired.upsert.push(item);
    const values = change.after ?? {};
    out.actual.upsert.push({ entity: change.entity, key: change.key, values, active: change.action !== 'deactivate' && values.active !== false, ...(version !== undefined ? { version } : {}) });
    done(change.entity, change.key);
    push(input.event(itemId(change.entity, change.key), 'written', { detail: `${change.action} (${change.idempotencyKey})`, related: sourceKeys(change), ...(change.before ? { before: change.before } : {}), ...(change.after ? { after: change.after } : {}) }));
  }
  for (const { change, detail, actual } of outcome.drift) {
    counters.drift++;
    push(input.event(itemId(change.entity, change.key), 'drift', { detail, related: sourceKeys(change) }));
    // What the sink found replaces what was remembered, so the next run sees the hand edit before writing.
    if (actual) out.actual.upsert.push(actual);
    else out.actual.remove.push({ entity: change.entity, key: change.key });
  }
  for (const { change, attempts, retryAfterMs, error } of outcome.pending) {
    counters.pending++;
    const pending: PendingChange = { entity: change.entity, key: change.key, action: change.action, idempotencyKey: change.idempotencyKey, attempts, lastError: `${error.code}: ${error.message}`, since: input.now, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), ...(change.after ? { after: change.after } : {}) };
    out.pending.set.push(pending);
    push(input.event(itemId(change.entity, change.key), 'pending', { detail: `${attempts} attempt(s): ${pending.lastError}`, related: sourceKeys(change) }));
  }
  for (const { change, error } of outcome.rejected) {
    counters.quarantined[error.code] = (counters.quarantined[error.code] ?? 0) + 1;
    const recordKey = itemId(change.entity, change.key);
    out.park.push({ pipeline: input.pipeline, recordKey, code: error.code, cause: error.message, since: input.now, sourceKeys: sourceKeys(change) });
    push(input.event(recordKey, 'quarantined', { detail: `${error.code}: ${error.message}`, related: sourceKeys(change) }));
  }
  if (input.scope === 'complete') {
    // Items of entities that are never deactivated leave the committed state when no longer wanted.
    const wanted = new Set(input.desired.map((d) => itemId(d.entity, d.key)));
    const keep = new Set(input.entities.filter((e) => e.deactivatable).map((e) => e.name));
    for (const [id, item] of input.committed) if (!wanted.has(id) && !keep.has(item.entity)) out.desired.remove.push({ entity: item.entity, key: item.key });
  }
  // Applied results come after the read, so they win in the store's actual state.
  return out;
}
