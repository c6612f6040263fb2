// The roster step: one expression over every mirrored record, giving the desired items of the
// sink's entities. Its output is checked here, item by item, against the entity it names (the
// sink's valuesSchema), so nothing the sink would not accept ever reaches a diff.
import type { DesiredItem, EntitySpec, JsonObject } from '../connectors/definition.ts';
import { MlcError } from '../errors.ts';
import { createSchemaCompiler, type Validator } from '../lib/json-schema.ts';
import { emittedItems } from './emitted-items.ts';
import { partitionedAggregate, type PartitionedRun } from './partitioned-aggregate.ts';
import { sortedUnion } from './partitions.ts';
import type { BatchEvaluator, RosterStep } from './step.ts';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface AggregateSpec {
  id: string;
  source: string;
  timeoutMs: number;
  evaluator: BatchEvaluator;
  entities: readonly EntitySpec[];
  /** A record field: evaluate per partition and keep unchanged partitions between batches. */
  partitionBy?: string;
}

/** Checks one emitted value; returns the item or the reason it is not one. */
export type ItemCheck = (value: unknown) => { item: DesiredItem } | { problem: string };

/** An aggregate emits `{entity, key, values, sourceKeys?}` objects (one or a list). */
export function desiredItemChecker(entities: readonly EntitySpec[], step?: string): ItemCheck {
  const compiler = createSchemaCompiler();
  const validators = new Map<string, Validator | undefined>(entities.map((e) => [e.name, e.valuesSchema ? compiler.compile(e.valuesSchema) : undefined]));
  return (value) => {
    if (!isObject(value)) return { problem: `${JSON.stringify(value)} is not an object {entity, key, values}` };
    const { entity, key, values, sourceKeys } = value;
    if (typeof entity !== 'string' || !validators.has(entity)) return { problem: `entity ${JSON.stringify(entity)} is not one of the sink's: ${[...validators.keys()].join(', ')}` };
    if (typeof key !== 'string' || key === '') return { problem: `${entity} item has no key (a non-empty string)` };
    if (!isObject(values)) return { problem: `${entity} '${key}' has no values object` };
    const validate = validators.get(entity);
    if (validate && !validate(values)) {
      const error = validate.errors?.[0];
      return { problem: `${entity} '${key}': values${error?.instancePath ?? ''} ${error?.message ?? 'are invalid'}` };
    }
    // JSONata gives a one-element sequence as the element itself. Lineage is a set: kept sorted and
    // without repeats, so an item's lineage is the same whichever way the expression gathered it.
    const keys = (Array.isArray(sourceKeys) ? sourceKeys : [sourceKeys]).filter((k): k is string => typeof k === 'string');
    return { item: { entity, key, values, lineage: { sourceKeys: sortedUnion([keys]), ...(step ? { step } : {}) } } };
  };
}

export function aggregateStep(spec: AggregateSpec): RosterStep & { partitions?: PartitionedRun } {
  const check = desiredItemChecker(spec.entities, spec.id);
  if (spec.partitionBy) {
    const entityOrder = [...spec.entities].sort((a, b) => a.applyOrder - b.applyOrder).map((e) => e.name);
    const partitions = partitionedAggregate({ ...spec, partitionBy: spec.partitionBy, entityOrder }, check);
    return { id: spec.id, scope: 'roster', type: 'aggregate', partitionBy: spec.partitionBy, run: partitions.run, partitions };
  }
  return {
    id: spec.id,
    scope: 'roster',
    type: 'aggregate',
    async run(roster, context) {
      const [result] = await spec.evaluator.evaluateBatch(spec.source, [roster.map((r) => r.record)], { timeoutMs: spec.timeoutMs }, context.bindings);
      if (!result?.ok) throw new MlcError('MLC_AGGREGATE_OUTPUT', `step '${spec.id}' failed over ${roster.length} records: ${result?.message ?? 'no result'}`);
      return emittedItems(spec.id, check, result.value);
    },
  };
}
