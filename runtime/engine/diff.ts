// The runtime's diff: desired state against the sink's actual state, giving the changes to apply.
// Written once here (not per sink) so `plan`, audit before/after and the partial/complete rule look
// the same for every sink. Pure: no I/O, no clock.
import type { ActualItem, Change, ChangeAction, DesiredItem, EntitySpec, JsonObject } from '../connectors/definition.ts';
import { digest, sameJson } from '../util/canonical-json.ts';

/** partial: only what the batch touched is known, so nothing absent is deactivated. complete: everything is. */
export type Scope = 'partial' | 'complete';

export interface DiffOptions {
  scope: Scope;
  idempotencyKey(entity: string, key: string, action: ChangeAction, written: JsonObject | undefined): string;
}

const itemId = (entity: string, key: string): string => `${entity}\u0000${key}`;

/**
 * One key per planned write: every attempt of a change in its batch sends the same key (a retry after a
 * lost answer has one effect). The batch's run id is part of it because the same values are often
 * written again later — a headcount going 4 → 5 → 4 → 5, a repair of the same hand edit — and the sink
 * remembers keys for days: a key made of the values alone is answered from that memory and the write
 * never reaches the ledger. A batch run again after a crash plans afresh against the actual state it
 * reads (a write that took effect is no longer a change) and its conditional writes (If-Match) refuse
 * anything written over in between.
 */
export function idempotencyKeyFor(pipeline: string, runId: string): DiffOptions['idempotencyKey'] {
  return (entity, key, action, written) => `${pipeline}:${digest(pipeline, runId, entity, key, action, written ?? null).slice(0, 40)}`;
}

/** A desired item is active unless it says otherwise; only compared fields make an update. */
export function differs(spec: EntitySpec, desired: JsonObject, actual: ActualItem): boolean {
  for (const field of spec.compared) {
    if (field === 'active') {
      if ((desired.active ?? true) !== actual.active) return true;
      continue;
    }
    if (!sameJson(desired[field] ?? null, actual.values[field] ?? null)) return true;
  }
  return false;
}

export function diff(desired: readonly DesiredItem[], actual: readonly ActualItem[], entities: readonly EntitySpec[], options: DiffOptions): Change[] {
  const specs = new Map(entities.map((e) => [e.name, e]));
  const actualById = new Map(actual.map((a) => [itemId(a.entity, a.key), a]));
  const desiredIds = new Set<string>();
  const writes: Change[] = [];
  const make = (entity: string, key: string, action: ChangeAction, before: JsonObject | undefined, after: JsonObject | undefined, version: string | undefined): Change => ({
    entity,
    key,
    action,
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
    idempotencyKey: options.idempotencyKey(entity, key, action, after),
    ...(version !== undefined ? { expectedVersion: version } : {}),
  });

  for (const item of desired) {
    const spec = specs.get(item.entity);
    if (!spec) throw new Error(`desired item ${item.entity}/${item.key} names an entity the sink does not have`);
    desiredIds.add(itemId(item.entity, item.key));
    const current = actualById.get(itemId(item.entity, item.key));
    if (!current) {
      writes.push(make(item.entity, item.key, 'create', undefined, item.values, undefined));
    } else if (!current.active && (item.values.active ?? true) === true) {
      // Reactivation: the item is wanted again (a department people work in once more).
      writes.push(make(item.entity, item.key, 'update', { ...current.values, active: false }, { ...item.values, active: true }, current.version));
    } else if (differs(spec, item.values, current)) {
      writes.push(make(item.entity, item.key, 'update', { ...current.values, active: current.active }, item.values, current.version));
    }
  }

  const deactivations: Change[] = [];
  if (options.scope === 'complete') {
    for (const item of actual) {
      const spec = specs.get(item.entity);
      if (!spec?.deactivatable || !item.active || desiredIds.has(itemId(item.entity, item.key))) continue;
      deactivations.push(make(item.entity, item.key, 'deactivate', { ...item.values, active: true }, { ...item.values, active: false }, item.version));
    }
  }

  const order = (c: Change): number => specs.get(c.entity)?.applyOrder ?? 0;
  const byKey = (a: Change, b: Change): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  writes.sort((a, b) => order(a) - order(b) || byKey(a, b));
  // Accounts go before the segments they are built from: deactivate in reverse apply order.
  deactivations.sort((a, b) => order(b) - order(a) || byKey(a, b));
  return [...writes, ...deactivations];
}
