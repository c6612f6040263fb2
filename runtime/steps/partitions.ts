// A partitionable aggregate: the roster split by one field of its records, and the partitions'
// outputs merged back into one list of items. The merge is the contract the aggregate must keep:
// an item emitted by several partitions carries the same values in each (its lineage is the union),
// and an item with sourceKeys wins over one without. Partitions are evaluated with $committed empty;
// one more evaluation over no records sees the committed items no partition emits (unclaimed), and
// says what became of them (e.g. headcount 0 for an emptied cost center).
import { sameJson } from '../util/canonical-json.ts';
import { getPath } from '../util/dotted-path.ts';

export interface PartitionItem {
  entity: string;
  key: string;
  values: Record<string, unknown>;
  lineage?: { sourceKeys: readonly string[]; step?: string };
}

/** The partition a record belongs to: the text of the field at `path` ("" when it has none). */
export function partitionOf(record: Record<string, unknown>, path: string): string {
  const value = getPath(record, path);
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Entries grouped by partition, each group in the roster's own order. `names` may keep each record
 * object's partition between calls (records are never changed in place).
 */
export function partitionRoster<T extends { record: Record<string, unknown> }>(roster: readonly T[], path: string, names?: WeakMap<object, string>): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const entry of roster) {
    let name = names?.get(entry.record);
    if (name === undefined) {
      name = partitionOf(entry.record, path);
      names?.set(entry.record, name);
    }
    const group = groups.get(name);
    if (group) group.push(entry);
    else groups.set(name, [entry]);
  }
  return groups;
}

export type MergeResult<T extends PartitionItem> = { ok: true; items: T[] } | { ok: false; problem: string };

const lineageOf = (item: PartitionItem): readonly string[] => item.lineage?.sourceKeys ?? [];

const isSorted = (keys: readonly string[]): boolean => keys.every((key, i) => i === 0 || (keys[i - 1] as string) <= key);

/** Two sorted lists as one, each key once. */
function mergeTwo(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  const push = (key: string): void => {
    if (out[out.length - 1] !== key) out.push(key);
  };
  while (i < a.length && j < b.length) {
    const x = a[i] as string;
    const y = b[j] as string;
    if (x < y) {
      push(x);
      i++;
    } else if (y < x) {
      push(y);
      j++;
    } else {
      push(x);
      i++;
      j++;
    }
  }
  while (i < a.length) push(a[i++] as string);
  while (j < b.length) push(b[j++] as string);
  return out;
}

/**
 * The union of the partitions' source keys, sorted, each once. Lineage arrives sorted (the item
 * checker keeps it so), so the lists are merged pairwise rather than pooled and sorted again: a
 * subaccount used by many cost centers of a large roster joins thousands of keys at every batch.
 */
export function sortedUnion(lists: readonly (readonly string[])[]): string[] {
  let level = lists.map((keys) => (isSorted(keys) ? keys : [...keys].sort()));
  if (level.length === 0) return [];
  while (level.length > 1) {
    const next: (readonly string[])[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? mergeTwo(level[i] as string[], level[i + 1] as string[]) : (level[i] as string[]));
    level = next;
  }
  return mergeTwo(level[0] as string[], []);
}

/**
 * What the last merge made of each entity/key, by the very item objects it merged: a caller that keeps
 * the outputs of unchanged partitions (the same objects) gets their merged items back without
 * comparing values or joining lineage again, which is most of a merge over a large roster.
 */
export type MergeMemo<T> = Map<string, { from: ReadonlySet<T>; item: T }>;

/**
 * Merges the outputs (labelled by partition, for the error) into one item per entity and key, in
 * the order of `entities` and then by key, as a whole-roster aggregate that sorts its output gives them.
 */
export function mergePartitions<T extends PartitionItem>(outputs: readonly { label: string; items: readonly T[] }[], entities: readonly string[], memo?: MergeMemo<T>): MergeResult<T> {
  const byId = new Map<string, { item: T; label: string }[]>();
  for (const { label, items } of outputs) {
    for (const item of items) {
      const id = `${item.entity}/${item.key}`;
      const emitters = byId.get(id);
      if (emitters) emitters.push({ item, label });
      else byId.set(id, [{ item, label }]);
    }
  }
  const merged: T[] = [];
  if (memo) for (const id of [...memo.keys()]) if (!byId.has(id)) memo.delete(id);
  for (const [id, emitters] of byId) {
    const remembered = memo?.get(id);
    if (remembered && remembered.from.size === emitters.length && emitters.every((e) => remembered.from.has(e.item))) {
      merged.push(remembered.item);
      continue;
    }
    const backed = emitters.filter((e) => lineageOf(e.item).length > 0);
    const chosen = backed.length > 0 ? backed : emitters;
    const first = chosen[0];
    if (!first) continue;
    const other = chosen.find((e) => !sameJson(e.item.values, first.item.values));
    if (other) {
      return { ok: false, problem: `${id} is emitted by partition ${first.label} as ${JSON.stringify(first.item.values)} and by partition ${other.label} as ${JSON.stringify(other.item.values)}` };
    }
    let item = first.item;
    if (chosen.length > 1) {
      const sourceKeys = sortedUnion(chosen.map((e) => lineageOf(e.item)));
      item = { ...first.item, lineage: { ...first.item.lineage, sourceKeys } };
    }
    merged.push(item);
    memo?.set(id, { from: new Set(emitters.map((e) => e.item)), item });
  }
  const rank = new Map(entities.map((name, index) => [name, index]));
  return {
    ok: true,
    items: merged.sort((a, b) => (rank.get(a.entity) ?? entities.length) - (rank.get(b.entity) ?? entities.length) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  };
}

/** The committed items (as bound to $committed) whose entity/key no partition emitted. */
export function unclaimed(committed: unknown, emitted: ReadonlySet<string>): unknown[] {
  if (!Array.isArray(committed)) return [];
  return committed.filter((c) => {
    const item = c as { entity?: unknown; key?: unknown };
    return !emitted.has(`${String(item.entity)}/${String(item.key)}`);
  });
}
