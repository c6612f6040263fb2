// Serve evaluates a pipeline's partitioned aggregates once when it loads the pipeline (after the port
// is open, between batches), so the first change after a start or a reload costs its own partitions,
// not every partition of the roster. Nothing is written: the partitions are only kept in memory.
import type { Store } from '../store/store.ts';
import { expressionBindings } from '../steps/bindings.ts';
import type { CompiledPipeline } from './compile.ts';
import { computeDesired, rosterContext } from './desired-state.ts';

/** Returns how many records the partitions were evaluated over (0: nothing to warm). */
export async function warmAggregates(pipeline: CompiledPipeline, store: Store, now: Date): Promise<number> {
  if (!pipeline.rosterSteps.some((step) => step.partitionBy !== undefined)) return 0;
  const mirror = new Map((await store.mirror.all(pipeline.name)).map((m) => [m.key, m]));
  if (mirror.size === 0) return 0;
  const committed = await store.desired.all(pipeline.name);
  const context = { pipeline: pipeline.name, runId: 'warm-up', bindings: expressionBindings(pipeline.tables, pipeline.sink.config, now) };
  await computeDesired(mirror, pipeline.rosterSteps, pipeline.entities, rosterContext(context, committed, false));
  return mirror.size;
}
