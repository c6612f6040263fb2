// GET /api/pipelines/:name/runs: the last day's runs — from the audit log (a run's events by stage
// are its counts; they survive a restart and include runs of other replicas and of the CLI) joined
// with the batches this serve process finished (their kind and duration, which the audit does not
// keep) — records read and quarantined per hour, and the webhook acknowledgement latency.
import type { AuditEvent } from '../../store/store.ts';
import type { ConsoleSource } from './source.ts';
import type { RunView, RunsResponse } from './types.ts';

const HOUR_MS = 3600_000;
const HOURS = 24;
const MAX_RUNS = 50;

export async function recentRuns(source: ConsoleSource, pipeline: string, now: number): Promise<RunsResponse> {
  const firstHour = Math.floor(now / HOUR_MS) * HOUR_MS - (HOURS - 1) * HOUR_MS;
  const since = new Date(firstHour).toISOString();
  const runs = new Map<string, RunView>();
  for (const run of source.recentRuns?.(pipeline) ?? []) {
    if (run.startedAt < since) continue;
    runs.set(run.runId, { runId: run.runId, kind: run.kind, startedAt: run.startedAt, durationMs: Date.parse(run.endedAt) - Date.parse(run.startedAt), counts: {} });
  }
  const perHour = Array.from({ length: HOURS }, (_, i) => ({ hour: new Date(firstHour + i * HOUR_MS).toISOString(), read: 0, quarantined: 0 }));
  for await (const event of source.store.audit.query({ pipeline, since })) {
    count(runs, event);
    const slot = perHour[Math.floor((Date.parse(event.at) - firstHour) / HOUR_MS)];
    if (slot && event.stage === 'read') slot.read += 1;
    if (slot && event.stage === 'quarantined') slot.quarantined += 1;
  }
  const newest = [...runs.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, MAX_RUNS);
  const webhookAck = source.webhookAck ? await source.webhookAck(pipeline) : null;
  return { pipeline, since, runs: newest, perHour, webhookAck };
}

function count(runs: Map<string, RunView>, event: AuditEvent): void {
  let run = runs.get(event.runId);
  if (!run) {
    run = { runId: event.runId, startedAt: event.at, counts: {} };
    runs.set(event.runId, run);
  }
  run.counts[event.stage] = (run.counts[event.stage] ?? 0) + 1;
}
