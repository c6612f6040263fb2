// `test` holds a partitioned aggregate to its contract on every case: the case's input split by the
// step's partitionBy field, each partition evaluated with $committed empty, then once over no records
// with the case's committed items no partition emitted, and the outputs merged as the engine merges them, must
// give the same items (values and sourceKeys) as the case's input evaluated whole.
import { mergePartitions, partitionRoster, unclaimed, type PartitionItem } from '../steps/partitions.ts';

export type Evaluate = (input: unknown, bindings: Record<string, unknown>) => Promise<unknown>;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Emitted values as items, or undefined when one is not an item (the sink check reports that). */
function asItems(output: unknown): PartitionItem[] | undefined {
  const emitted = output === undefined || output === null ? [] : Array.isArray(output) ? output : [output];
  const items: PartitionItem[] = [];
  for (const value of emitted) {
    if (!isObject(value) || typeof value.entity !== 'string' || typeof value.key !== 'string' || !isObject(value.values)) return undefined;
    const keys = (Array.isArray(value.sourceKeys) ? value.sourceKeys : [value.sourceKeys]).filter((k): k is string => typeof k === 'string');
    items.push({ entity: value.entity, key: value.key, values: value.values, lineage: { sourceKeys: keys } });
  }
  return items;
}

const comparable = (items: readonly PartitionItem[]): Map<string, string> =>
  new Map(items.map((i) => [`${i.entity}/${i.key}`, JSON.stringify({ values: i.values, sourceKeys: [...(i.lineage?.sourceKeys ?? [])].sort() })]));

/** Why the case's output depends on evaluating the input whole, or undefined when it does not. */
export async function partitionProblem(input: unknown, whole: unknown, bindings: Record<string, unknown>, partitionBy: string, evaluate: Evaluate): Promise<string | undefined> {
  if (!Array.isArray(input)) return undefined;
  const expected = asItems(whole);
  if (!expected) return undefined;
  const groups = partitionRoster(input.map((record) => ({ record: isObject(record) ? record : {} })), partitionBy);
  const outputs: { label: string; items: PartitionItem[] }[] = [];
  for (const [name, members] of groups) {
    const items = asItems(await evaluate(members.map((m) => m.record), { ...bindings, committed: [] }));
    if (!items) return `partition ${JSON.stringify(name)} emits something that is not an item`;
    outputs.push({ label: JSON.stringify(name), items });
  }
  const emitted = new Set(outputs.flatMap((o) => o.items.map((i) => `${i.entity}/${i.key}`)));
  const remainder = asItems(await evaluate([], { ...bindings, committed: unclaimed(bindings.committed, emitted) }));
  if (!remainder) return 'the evaluation over no records emits something that is not an item';
  outputs.push({ label: '(no records)', items: remainder });
  const merged = mergePartitions(outputs, []);
  if (!merged.ok) return `not partitionable by ${partitionBy}: ${merged.problem}`;
  const want = comparable(expected);
  const got = comparable(merged.items);
  for (const [id, text] of want) {
    if (got.get(id) !== text) return `not partitionable by ${partitionBy}: evaluated whole it gives ${id} as ${text}; per partition ${got.has(id) ? `as ${got.get(id)}` : 'not at all'}`;
  }
  for (const id of got.keys()) if (!want.has(id)) return `not partitionable by ${partitionBy}: per partition it gives ${id}, which the whole roster does not`;
  return undefined;
}
