// POST /api/pipelines/:name/run: an operator asks for a run now — `changed` (what the source changed
// since the last checkpoint, as a poll does) or `full` (everything, which may deactivate what nobody
// uses any more). It queues the same job a cron tick queues; the worker runs it.
import type { ConsoleSource } from './source.ts';
import type { RunNowRequest, RunNowResponse } from './types.ts';

export function parseRunNowRequest(body: unknown): RunNowRequest | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { mode, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return undefined;
  return mode === 'changed' || mode === 'full' ? { mode } : undefined;
}

export async function runNow(source: ConsoleSource, pipeline: string, request: RunNowRequest): Promise<RunNowResponse> {
  const { id } = await source.store.jobs.enqueue({ pipeline, kind: request.mode });
  source.wake();
  return { pipeline, mode: request.mode, jobId: id };
}
