// What the console reads and calls, handed over by `serve`: the store the CLI reads, the served
// pipelines, the worker's view of them, and a way to wake the worker after a replay is queued.
import type { OpenedPipeline } from '../../engine/open-pipeline.ts';
import type { FinishedRun, PipelineStatus } from '../../serve/worker.ts';
import type { Store } from '../../store/store.ts';

export interface ConsoleSource {
  store: Store;
  pipelines(): ReadonlyMap<string, { file: string; opened: OpenedPipeline }>;
  failures(): ReadonlyMap<string, string>;
  status(pipeline: string): PipelineStatus | undefined;
  /** Called after a replay job is queued. */
  wake(): void;
  /** Batches this process finished (with their duration); absent outside serve. */
  recentRuns?(pipeline: string): readonly FinishedRun[];
  /** Webhook acknowledgement latency since serve started (cumulative bucket counts); absent without metrics. */
  webhookAck?(pipeline: string): Promise<{ count: number; buckets: { leSeconds: number; count: number }[] }>;
}

/** A page's bounds from ?cursor and ?limit: whole numbers only, the limit capped. */
export function pageBounds(query: URLSearchParams, defaultLimit: number, maxLimit: number): { cursor: number; limit: number } | undefined {
  const cursorText = query.get('cursor') ?? '0';
  const limitText = query.get('limit') ?? String(defaultLimit);
  if (!/^\d{1,9}$/.test(cursorText) || !/^\d{1,9}$/.test(limitText)) return undefined;
  const limit = Number(limitText);
  if (limit < 1) return undefined;
  return { cursor: Number(cursorText), limit: Math.min(limit, maxLimit) };
}
