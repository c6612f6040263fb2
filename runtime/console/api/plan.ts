// GET /api/pipelines/:name/plan: what a full run would change in the sink now, computed on the run
// path with nothing applied or committed — the document `plan --format json` prints.
import { randomUUID } from 'node:crypto';
import { planDocument, type PlanDocument } from '../../engine/plan-render.ts';
import { runBatch } from '../../engine/run-batch.ts';
import type { ConsoleSource } from './source.ts';

export async function planNow(source: ConsoleSource, pipeline: string, signal: AbortSignal): Promise<PlanDocument | undefined> {
  const served = source.pipelines().get(pipeline);
  if (!served) return undefined;
  const { opened } = served;
  const { summary, changes } = await runBatch({ pipeline: opened.compiled, source: opened.source, sink: opened.sink, store: source.store, mode: 'full', runId: `plan-${randomUUID().slice(0, 8)}`, plan: true, signal });
  return planDocument(changes, summary);
}
