// The record steps. A map step looks values up in its table on this thread (no expression involved);
// filter and transform send the whole page to the expression worker in one message.
import type { JsonObject } from '../connectors/definition.ts';
import { MlcError } from '../errors.ts';
import type { MappingTable } from '../load/mapping-table.ts';
import { getPath, setPath } from '../util/dotted-path.ts';
import type { BatchEvaluator, RecordStep, StepOutcome } from './step.ts';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface MapStepSpec {
  id: string;
  table: MappingTable;
  from: string;
  to: string;
  onMissing: 'quarantine' | 'default' | 'skip' | 'fail';
}

export function mapStep(spec: MapStepSpec): RecordStep {
  const one = (record: JsonObject): StepOutcome => {
    const value = getPath(record, spec.from);
    const row = typeof value === 'string' || typeof value === 'number' ? spec.table.lookup(String(value)) : undefined;
    if (row) return { kind: 'keep', record: setPath(record, spec.to, row.to) };
    const shown = value === undefined || value === null ? `no ${spec.from}` : `${spec.from} '${String(value)}'`;
    switch (spec.onMissing) {
      case 'default':
        if (spec.table.default !== undefined) return { kind: 'keep', record: setPath(record, spec.to, spec.table.default) };
        break;
      case 'skip':
        return { kind: 'drop', reason: 'skipped' };
      case 'fail':
        throw new MlcError('MLC_MAPPING_FAILED', `step '${spec.id}': ${shown} has no row in ${spec.table.file} (onMissing: fail stops the run)`);
    }
    return { kind: 'quarantine', code: 'MLC_MAPPING_UNMAPPED', reason: `${shown} has no row in ${spec.table.file} (step '${spec.id}')` };
  };
  return { id: spec.id, scope: 'record', type: 'map', runBatch: async (records) => records.map(one) };
}

export interface ExpressionStepSpec {
  id: string;
  type: 'filter' | 'transform';
  source: string;
  timeoutMs: number;
  evaluator: BatchEvaluator;
}

export function expressionStep(spec: ExpressionStepSpec): RecordStep {
  return {
    id: spec.id,
    scope: 'record',
    type: spec.type,
    async runBatch(records, context) {
      const results = await spec.evaluator.evaluateBatch(spec.source, records, { timeoutMs: spec.timeoutMs }, context.bindings);
      return results.map((result, index): StepOutcome => {
        if (!result.ok) return { kind: 'quarantine', code: 'MLC_EXPRESSION_FAILED', reason: `step '${spec.id}': ${result.message}` };
        if (spec.type === 'filter') return result.value === true ? { kind: 'keep', record: records[index] as JsonObject } : { kind: 'drop', reason: 'filtered' };
        if (isObject(result.value)) return { kind: 'keep', record: result.value };
        const got = result.value === undefined ? 'nothing' : Array.isArray(result.value) ? 'an array' : typeof result.value;
        return { kind: 'quarantine', code: 'MLC_EXPRESSION_OUTPUT', reason: `step '${spec.id}' returned ${got}, not an object` };
      });
    },
  };
}
