// What a partial batch already knows of the sink. Every write the sink took is committed with the
// version it answered, so for an item the sink was given and has not been seen to change since, the
// remembered state is what a read would return — unless someone edited the item by hand, which a
// conditional write finds out for itself (the sink refuses a stale version, re-reads and reports or
// repairs). With such a sink a change to an item we wrote needs no read first: one round trip, not two.
import type { ActualItem, DesiredItem, EntitySpec } from '../connectors/definition.ts';
import { itemId } from '../store/store.ts';
import { differs } from './diff.ts';

export interface KnownActual {
  /** Remembered state, written over with its version as the precondition. */
  known: ActualItem[];
  /** Items to read first: never given to the sink, remembered without a version, or not as given. */
  unknown: DesiredItem[];
}

/**
 * Splits the candidates of a partial batch. An item is known when the sink was given it (committed),
 * its remembered state has a version, that state is what was given (no drift seen), and no write of it
 * is still awaiting its outcome (`sent`: the sink may hold either value).
 */
export function knownActual(
  candidates: readonly DesiredItem[],
  remembered: readonly ActualItem[],
  committed: ReadonlyMap<string, DesiredItem>,
  entities: readonly EntitySpec[],
  sent: ReadonlySet<string>,
): KnownActual {
  const specs = new Map(entities.map((e) => [e.name, e]));
  const byId = new Map(remembered.map((a) => [itemId(a.entity, a.key), a]));
  const out: KnownActual = { known: [], unknown: [] };
  for (const item of candidates) {
    const id = itemId(item.entity, item.key);
    const given = committed.get(id);
    const last = byId.get(id);
    const spec = specs.get(item.entity);
    const asGiven = given !== undefined && last?.version !== undefined && spec !== undefined && !differs(spec, given.values, last);
    if (asGiven && last && !sent.has(id)) out.known.push(last);
    else out.unknown.push(item);
  }
  return out;
}
