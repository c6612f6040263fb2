// A loaded pipeline → what the engine runs: record steps then roster steps, each carrying its
// expression source (sent to the worker) and its limits, with the schema's defaults applied.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EntitySpec } from '../connectors/definition.ts';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { MlcError } from '../errors.ts';
import type { LoadedPipeline } from '../load/load-pipeline.ts';
import type { MappingTable } from '../load/mapping-table.ts';
import type { Step, Trigger } from '../load/pipeline.types.generated.ts';
import { aggregateStep } from '../steps/aggregate.ts';
import { expressionStep, mapStep } from '../steps/record-steps.ts';
import type { BatchEvaluator, RecordStep, RosterStep } from '../steps/step.ts';
import { resolvedPolicies, resolvedStep, type ResolvedPolicies } from './pipeline-defaults.ts';
import { pipelineVersion } from './pipeline-version.ts';

export interface CompiledPipeline {
  name: string;
  /** Absolute path of the pipeline file. */
  path: string;
  version: string;
  /** The mapping and JSONata files it reads (absolute): serve watches them for a reload. */
  files: readonly string[];
  policies: ResolvedPolicies;
  recordSteps: RecordStep[];
  rosterSteps: RosterStep[];
  entities: readonly EntitySpec[];
  tables: MappingTable[];
  source: { type: string; config: Record<string, unknown> };
  sink: { type: string; config: Record<string, unknown> };
  /** As loaded, with their schema defaults (serve starts them). */
  triggers: readonly Trigger[];
  /** The pipeline as loaded: the console's coverage page checks its map steps' tables against the source. */
  loaded: LoadedPipeline;
}

/** A setting resolvedStep filled from the schema's default; absent only if the schema lost its default. */
function filled<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('a step setting has no value and the schema no default');
  return value;
}

const stepId = (step: Step, index: number): string => step.id ?? `${step.type}-${index + 1}`;

export function compilePipeline(loaded: LoadedPipeline, pipelinePath: string, registry: ConnectorRegistry, evaluator: BatchEvaluator): CompiledPipeline {
  const { pipeline } = loaded;
  const baseDir = dirname(pipelinePath);
  const sinkDefinition = registry.get(pipeline.sink.type);
  if (sinkDefinition?.kind !== 'sink') throw new MlcError('MLC_CONNECTOR_KIND', `'${pipeline.sink.type}' is not a registered sink`);
  const entities = sinkDefinition.entities(pipeline.sink.config);
  const recordSteps: RecordStep[] = [];
  const rosterSteps: RosterStep[] = [];
  const referenced: string[] = [];

  for (const [index, raw] of pipeline.steps.entries()) {
    const step = resolvedStep(raw);
    const id = stepId(step, index);
    if (step.type === 'map') {
      const table = loaded.tables.get(index);
      if (!table) throw new Error(`step ${id}: its mapping table was not loaded`);
      referenced.push(resolve(baseDir, step.table));
      recordSteps.push(mapStep({ id, table, from: step.from, to: step.to, onMissing: filled(step.onMissing) }));
      continue;
    }
    let source: string;
    if (typeof step.expression === 'string') source = step.expression;
    else if (typeof step.file === 'string') {
      referenced.push(resolve(baseDir, step.file));
      source = readFileSync(resolve(baseDir, step.file), 'utf8');
    } else throw new Error(`step ${id} has neither expression nor file`);
    const timeoutMs = filled(step.timeoutMs);
    if (step.type === 'aggregate') {
      rosterSteps.push(aggregateStep({ id, source, timeoutMs, evaluator, entities, ...(step.partitionBy ? { partitionBy: step.partitionBy } : {}) }));
    } else {
      // The loader refuses this order (MLC_STEP_ORDER); checked again so a hand-built pipeline cannot slip past.
      if (rosterSteps.length > 0) throw new MlcError('MLC_STEP_ORDER', `step '${id}' (${step.type}) comes after an aggregate`);
      recordSteps.push(expressionStep({ id, type: step.type, source, timeoutMs, evaluator }));
    }
  }
  return {
    name: pipeline.name,
    triggers: pipeline.triggers,
    path: pipelinePath,
    version: pipelineVersion(pipelinePath, referenced),
    files: [...new Set(referenced)],
    policies: resolvedPolicies(pipeline),
    recordSteps,
    rosterSteps,
    entities,
    tables: [...new Set(loaded.tables.values())],
    source: pipeline.source,
    sink: pipeline.sink,
    loaded,
  };
}
