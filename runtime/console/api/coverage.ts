// GET /api/pipelines/:name/coverage: the pipeline's map tables against the values the source offers
// today (runtime/validate/coverage.ts, the `coverage` command's model): live values with no row, and
// rows whose value no longer exists. Reads the source only.
import { checkCoverage } from '../../validate/coverage.ts';
import type { ConsoleSource } from './source.ts';
import type { CoverageField, CoverageResponse } from './types.ts';

export async function pipelineCoverage(source: ConsoleSource, pipeline: string, signal: AbortSignal, now: () => number): Promise<CoverageResponse | undefined> {
  const served = source.pipelines().get(pipeline);
  if (!served) return undefined;
  const { compiled, source: connector } = served.opened;
  const optionValues = connector.optionValues?.bind(connector) ?? (async () => undefined);
  const { fields } = await checkCoverage(compiled.loaded, optionValues, { signal });
  const onMissing = new Map<string, CoverageField['onMissing']>();
  for (const [index, step] of (compiled.loaded.pipeline.steps ?? []).entries()) {
    if (step.type === 'map') onMissing.set(step.id ?? `steps[${index}]`, step.onMissing ?? 'quarantine');
  }
  return {
    pipeline,
    fields: fields.map((f) => ({ ...f, onMissing: onMissing.get(f.step) ?? 'quarantine' })),
    checkedAt: new Date(now()).toISOString(),
  };
}
