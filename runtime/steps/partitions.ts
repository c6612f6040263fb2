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

/** Entries grouped by partition, each group in the roster's own order. */
export function partitionRoster<T extends { record: Record<string, unknown> }>(roster: readonly T[], path: string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const entry of roster) {
    const name = partitionOf(entry.record, path);
    const group = groups.get(name);
    if (group) group.push(entry);
    else groups.set(name, [entry]);
  }
  return groups;
}

export type MergeResult<T extends PartitionItem> = { ok: true; items: T[] } | { ok: false; problem: string };

const lineageOf = (item: PartitionItem): readonly string[] => item.lineage?.sourceKeys ?? [];

/**
 * Merges the outputs (labelled by partition, for the error) into one item per entity and key, in
 * the order of `entities` and then by key, as a whole-roster aggregate that sorts its output gives them.
 */
export function mergePartitions<T extends PartitionItem>(outputs: readonly { label: string; items: readonly T[] }[], entities: readonly string[]): MergeResult<T> {
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
  for (const [id, emitters] of byId) {
    const backed = emitters.filter((e) => lineageOf(e.item).length > 0);
    const chosen = backed.length > 0 ? backed : emitters;
    const first = chosen[0];
    if (!first) continue;
    const other = chosen.find((e) => !sameJson(e.item.values, first.item.values));
    if (other) {
      return { ok: false, problem: `${id} is emitted by partition ${first.label} as ${JSON.stringify(first.item.values)} and by partition ${other.label} as ${JSON.stringify(other.item.values)}` };
    }
    if (chosen.length === 1) {
      merged.push(first.item);
      continue;
    }
    const sourceKeys = [...new Set(chosen.flatMap((e) => lineageOf(e.item)))].sort();
    merged.push({ ...first.item, lineage: { ...first.item.lineage, sourceKeys } });
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
