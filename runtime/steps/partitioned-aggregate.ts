// An aggregate with `partitionBy`, evaluated partition by partition and kept between batches: a batch
// re-evaluates only the partitions whose records (or whose bindings the expression names) changed,
// so one department move costs its two cost centers, not the whole roster. What is kept is checked
// by content, never trusted: a partition is reused only when its members' keys and records hash the
// same as when it was evaluated, so another replica's commits or a reload cannot make it stale.
import { createHash } from 'node:crypto';
import type { DesiredItem, JsonObject } from '../connectors/definition.ts';
import { MlcError } from '../errors.ts';
import { variablesNamed } from '../lib/jsonata.ts';
import type { ItemCheck } from './aggregate.ts';
import { emittedItems } from './emitted-items.ts';
import { type MergeMemo, mergePartitions, partitionRoster, unclaimed } from './partitions.ts';
import type { BatchEvaluator, RosterEntry, StepContext } from './step.ts';

export interface PartitionedSpec {
  id: string;
  source: string;
  timeoutMs: number;
  evaluator: BatchEvaluator;
  partitionBy: string;
  /** Entity names in apply order: the merged output's order. */
  entityOrder: readonly string[];
}

interface Kept {
  fingerprint: string;
  bindingKey: string;
  items: DesiredItem[];
  /** The entries it was evaluated over: the same record objects again need no hashing. */
  members: readonly RosterEntry[];
}

/** What the last batch's evaluations were: partitions re-evaluated and partitions reused (tests and logs read it). */
export interface PartitionStats {
  partitions: number;
  evaluated: number;
  reused: number;
}

// Expressions that read these give a different answer each time: nothing they give is kept.
const UNSTABLE = ['now', 'millis', 'random'];
// The evaluation over no records (it alone sees $committed) is kept under this name.
const REMAINDER = '\u0000remainder';

export interface PartitionedRun {
  run(roster: readonly RosterEntry[], context: StepContext): Promise<DesiredItem[]>;
  lastStats(): PartitionStats;
}

function sameEntries(a: readonly RosterEntry[], b: readonly RosterEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as RosterEntry;
    const y = b[i] as RosterEntry;
    if (x.key !== y.key || x.record !== y.record) return false;
  }
  return true;
}

export function partitionedAggregate(spec: PartitionedSpec, check: ItemCheck): PartitionedRun {
  const named = variablesNamed(spec.source);
  const stable = named !== undefined && !UNSTABLE.some((n) => named.has(n));
  const kept = new Map<string, Kept>();
  const recordText = new WeakMap<object, string>();
  const partitionNames = new WeakMap<object, string>();
  const merges: MergeMemo<DesiredItem> = new Map();
  let stats: PartitionStats = { partitions: 0, evaluated: 0, reused: 0 };

  const textOf = (record: JsonObject): string => {
    let text = recordText.get(record);
    if (text === undefined) {
      text = JSON.stringify(record);
      recordText.set(record, text);
    }
    return text;
  };
  const fingerprintOf = (members: readonly RosterEntry[]): string => {
    const hash = createHash('sha256');
    for (const m of members) hash.update(m.key).update('\u0000').update(textOf(m.record)).update('\u0001');
    return hash.digest('hex');
  };
  /** The bindings the expression names, except $committed (only the remainder sees it). */
  const bindingKeyOf = (bindings: Record<string, unknown>): string | undefined =>
    stable && named ? JSON.stringify(Object.keys(bindings).filter((k) => k !== 'committed' && named.has(k)).sort().map((k) => [k, bindings[k]])) : undefined;

  const itemsOf = (label: string, value: unknown): DesiredItem[] => emittedItems(spec.id, check, value, `partition ${label}`);

  async function run(roster: readonly RosterEntry[], context: StepContext): Promise<DesiredItem[]> {
    if (context.recompute) {
      kept.clear();
      merges.clear();
    }
    const bindingKey = bindingKeyOf(context.bindings);
    const groups = partitionRoster(roster, spec.partitionBy, partitionNames);
    const current = new Map<string, DesiredItem[]>();
    const dirty: { name: string; members: RosterEntry[]; fingerprint: string }[] = [];
    for (const [name, members] of groups) {
      const entry = kept.get(name);
      const usable = entry !== undefined && bindingKey !== undefined && entry.bindingKey === bindingKey;
      // The same record objects as last time (the embedded store hands out the objects it holds; a
      // record is never changed in place, as the text cache above assumes too) need no hashing.
      if (usable && sameEntries(entry.members, members)) {
        current.set(name, entry.items);
        continue;
      }
      const fingerprint = fingerprintOf(members);
      if (usable && entry.fingerprint === fingerprint) {
        current.set(name, entry.items);
        kept.set(name, { ...entry, members });
      } else dirty.push({ name, members, fingerprint });
    }
    // Partitions that no longer have members are forgotten (the remainder speaks for what they emitted).
    for (const name of [...kept.keys()]) if (name !== REMAINDER && !groups.has(name)) kept.delete(name);

    const withoutCommitted = { ...context.bindings, committed: [] };
    const results = await spec.evaluator.evaluateBatch(spec.source, dirty.map((d) => d.members.map((m) => m.record)), { timeoutMs: spec.timeoutMs }, withoutCommitted);
    for (const [index, d] of dirty.entries()) {
      const result = results[index];
      const label = JSON.stringify(d.name);
      if (!result?.ok) throw new MlcError('MLC_AGGREGATE_OUTPUT', `step '${spec.id}' failed over partition ${label} (${d.members.length} records): ${result?.message ?? 'no result'}`);
      const items = itemsOf(label, result.value);
      current.set(d.name, items);
      if (bindingKey !== undefined) kept.set(d.name, { fingerprint: d.fingerprint, bindingKey, items, members: d.members });
    }

    // The remainder sees only the committed items no partition emits: what nobody contributes to any
    // more. That keeps it small, and unchanged (so kept) while only counts move.
    const emitted = new Set([...current.values()].flatMap((items) => items.map((i) => `${i.entity}/${i.key}`)));
    const committed = unclaimed(context.bindings.committed, emitted);
    const remainderKey = bindingKey === undefined ? undefined : `${bindingKey}\u0000${JSON.stringify(committed)}`;
    const keptRemainder = kept.get(REMAINDER);
    let remainder: DesiredItem[];
    if (keptRemainder && remainderKey !== undefined && keptRemainder.bindingKey === remainderKey) remainder = keptRemainder.items;
    else {
      const [result] = await spec.evaluator.evaluateBatch(spec.source, [[]], { timeoutMs: spec.timeoutMs }, { ...context.bindings, committed });
      if (!result?.ok) throw new MlcError('MLC_AGGREGATE_OUTPUT', `step '${spec.id}' failed over no records (with $committed): ${result?.message ?? 'no result'}`);
      remainder = itemsOf('(no records)', result.value);
      if (remainderKey !== undefined) kept.set(REMAINDER, { fingerprint: '', bindingKey: remainderKey, items: remainder, members: [] });
    }
    stats = { partitions: groups.size, evaluated: dirty.length, reused: groups.size - dirty.length };

    const outputs = [...current].map(([name, items]) => ({ label: JSON.stringify(name), items }));
    outputs.push({ label: '(no records)', items: remainder });
    const merged = mergePartitions(outputs, spec.entityOrder, merges);
    if (!merged.ok) throw new MlcError('MLC_AGGREGATE_OUTPUT', `step '${spec.id}' is not partitionable by ${spec.partitionBy}: ${merged.problem}`);
    return merged.items;
  }

  return { run, lastStats: () => stats };
}
