// What one evaluation of an aggregate emitted (one item or a list), checked item by item against the
// sink's entities, each entity/key at most once: the whole roster's output, or one partition's.
import type { DesiredItem } from '../connectors/definition.ts';
import { MlcError } from '../errors.ts';
import type { ItemCheck } from './aggregate.ts';

/** `where` names the partition in the errors ("" for the whole roster). */
export function emittedItems(step: string, check: ItemCheck, value: unknown, where = ''): DesiredItem[] {
  const at = where ? ` (${where})` : '';
  const emitted = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const items: DesiredItem[] = [];
  const seen = new Set<string>();
  for (const v of emitted) {
    const checked = check(v);
    if ('problem' in checked) throw new MlcError('MLC_AGGREGATE_OUTPUT', `step '${step}' emitted something the sink does not accept${at}: ${checked.problem}`);
    const id = `${checked.item.entity}/${checked.item.key}`;
    if (seen.has(id)) throw new MlcError('MLC_AGGREGATE_OUTPUT', `step '${step}' emitted ${id} twice${at}`);
    seen.add(id);
    items.push(checked.item);
  }
  return items;
}
