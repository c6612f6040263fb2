// Desired state: what the roster steps make of the mirror, and which of it differs from the last
// desired state the sink is known to hold (committed only once the sink took it). A partial run
// reads actual state for those items only; a complete run reads everything.
import type { ActualItem, DesiredItem, EntitySpec, JsonObject, ReadOptions, SinkConnector } from '../connectors/definition.ts';
import { desiredItemChecker } from '../steps/aggregate.ts';
import type { RosterStep, StepContext } from '../steps/step.ts';
import { MlcError } from '../errors.ts';
import { itemId, type MirrorEntry } from '../store/store.ts';
import { sameJson } from '../util/canonical-json.ts';
import type { Scope } from './diff.ts';

/** Roster steps over the mirror (sorted by key, so plans are stable). Without one, each record is an item. */
export async function computeDesired(mirror: ReadonlyMap<string, MirrorEntry>, steps: readonly RosterStep[], entities: readonly EntitySpec[], context: StepContext): Promise<DesiredItem[]> {
  const roster = [...mirror.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((m) => ({ key: m.key, record: m.record }));
  if (steps.length > 0) return (await Promise.all(steps.map((s) => s.run(roster, context)))).flat();
  const check = desiredItemChecker(entities);
  return roster.map(({ key, record }) => {
    const checked = check(record as JsonObject);
    if ('problem' in checked) throw new MlcError('MLC_AGGREGATE_OUTPUT', `record ${key}: with no aggregate step, each record must be a sink item: ${checked.problem}`);
    return { ...checked.item, lineage: { sourceKeys: [key] } };
  });
}

/**
 * The roster steps' context: the batch's bindings plus what the sink was last given ($committed), so an
 * aggregate can say what became of an item nobody contributes to any more (a cost center left empty
 * gets headcount 0). `recompute` (a complete read) makes a partitioned aggregate keep nothing.
 */
export function rosterContext(context: StepContext, committed: readonly DesiredItem[], recompute: boolean): StepContext {
  return { ...context, recompute, bindings: { ...context.bindings, committed: committed.map(({ entity, key, values }) => ({ entity, key, values })) } };
}

/** Desired items that differ from (or are missing in) the committed desired state. */
export function changedSince(desired: readonly DesiredItem[], committed: ReadonlyMap<string, DesiredItem>): DesiredItem[] {
  return desired.filter((item) => {
    const previous = committed.get(itemId(item.entity, item.key));
    return !previous || !sameJson(previous.values, item.values);
  });
}

export async function readActualFor(sink: SinkConnector, entities: readonly EntitySpec[], items: readonly DesiredItem[], scope: Scope, options: ReadOptions): Promise<ActualItem[]> {
  const actual: ActualItem[] = [];
  for (const entity of [...entities].sort((a, b) => a.applyOrder - b.applyOrder)) {
    if (scope === 'complete') {
      actual.push(...(await sink.readActual(entity.name, 'all', options)));
      continue;
    }
    const keys = items.filter((i) => i.entity === entity.name).map((i) => i.key);
    if (keys.length > 0) actual.push(...(await sink.readActual(entity.name, keys, options)));
  }
  return actual;
}
