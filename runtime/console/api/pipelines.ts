// GET /api/pipelines: each served pipeline at a glance — state, last run, pending retries with their
// next attempt, quarantine counts by cause, drift and the loaded version.
import type { ConsoleSource } from './source.ts';
import type { PipelineState, PipelineView, PipelinesResponse } from './types.ts';

function stateOf(health: string | undefined, quarantined: number, pending: number): PipelineState {
  if (health === 'failing') return 'failing';
  if (health === 'degraded' || quarantined > 0 || pending > 0) return 'degraded';
  return 'ok';
}

export async function pipelineView(source: ConsoleSource, name: string, file: string, version: string): Promise<PipelineView> {
  const { store } = source;
  // A page of no records: only the counts cross from the store, however many records are held.
  const [pending, quarantine, jobs] = await Promise.all([store.pending.list(name), store.quarantine.page({ pipeline: name, offset: 0, limit: 0 }), store.jobs.list(name)]);
  const nextJob = jobs.map((j) => j.notBefore).sort()[0];
  const quarantinedByCause: Record<string, number> = {};
  for (const q of quarantine.byCause) quarantinedByCause[q.code] = (quarantinedByCause[q.code] ?? 0) + q.count;
  const status = source.status(name);
  const lastOfKind = new Map((source.recentRuns?.(name) ?? []).map((r) => [r.kind, r]));
  return {
    name,
    file,
    version,
    state: stateOf(status?.state, quarantine.total, pending.length),
    ...(status?.lastRunAt ? { lastRunAt: status.lastRunAt } : {}),
    ...(status?.lastSuccessAt ? { lastSuccessAt: status.lastSuccessAt } : {}),
    ...(status?.lastError ? { lastError: status.lastError } : {}),
    ...(status?.lastSummary ? { lastRun: { ...status.lastSummary } } : {}),
    lastRunByKind: [...lastOfKind.values()].map((r) => ({ kind: r.kind, startedAt: r.startedAt, durationMs: Date.parse(r.endedAt) - Date.parse(r.startedAt), read: r.read, quarantined: r.quarantined })),
    pending: pending.map((p) => ({ entity: p.entity, key: p.key, attempts: p.attempts, lastError: p.lastError, since: p.since, ...(nextJob ? { nextAttemptAt: nextJob } : {}) })),
    quarantinedByCause,
    queuedJobs: jobs.length,
  };
}

export async function listPipelines(source: ConsoleSource): Promise<PipelinesResponse> {
  const pipelines: PipelineView[] = [];
  for (const [name, served] of source.pipelines()) pipelines.push(await pipelineView(source, name, served.file, served.opened.compiled.version));
  const notLoaded = [...source.failures()].map(([file, reason]) => ({ file, reason }));
  return { pipelines, notLoaded };
}
