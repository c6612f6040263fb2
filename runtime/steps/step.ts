// What a compiled step is. Record steps (filter, map, transform) see one page of records at a time
// and give one outcome per record; roster steps (aggregate) see the whole mirror and give the
// desired items for the sink's entities.
import type { DesiredItem, JsonObject } from '../connectors/definition.ts';

export type StepOutcome =
  | { kind: 'keep'; record: JsonObject }
  | { kind: 'drop'; reason: 'filtered' | 'skipped' }
  | { kind: 'quarantine'; code: string; reason: string };

export interface StepContext {
  pipeline: string;
  runId: string;
  /** Values every expression can read: $tables, $sink, $runAt, $runDate. */
  bindings: Record<string, unknown>;
  /** Roster steps evaluate everything afresh, keeping nothing from earlier batches (a complete read). */
  recompute?: boolean;
}

export interface RecordStep {
  id: string;
  scope: 'record';
  type: 'map' | 'filter' | 'transform';
  /** One outcome per record, in order. Throws only for what stops the run (a config error). */
  runBatch(records: readonly JsonObject[], context: StepContext): Promise<StepOutcome[]>;
}

export interface RosterEntry {
  key: string;
  record: JsonObject;
}

export interface RosterStep {
  id: string;
  scope: 'roster';
  type: 'aggregate';
  /** Set when the step is evaluated per partition and keeps partitions between batches. */
  partitionBy?: string;
  run(roster: readonly RosterEntry[], context: StepContext): Promise<DesiredItem[]>;
}

export type CompiledStep = RecordStep | RosterStep;

/** The expression runner steps use (the isolated worker evaluator, or a stand-in in tests). */
export interface BatchEvaluator {
  evaluateBatch(source: string, inputs: readonly unknown[], limits: { timeoutMs: number }, bindings?: Record<string, unknown>): Promise<({ ok: true; value: unknown } | { ok: false; message: string })[]>;
}
