// The coverage and runs-and-metrics API: a pipeline's map table against the source's live values
// (the `coverage` command's model), and the last day's runs joined with serve's own batch timings.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoverageResponse, PipelinesResponse, RunsResponse } from '../../runtime/console/api/types.ts';
import type { OpenedPipeline } from '../../runtime/engine/open-pipeline.ts';
import { loadMappingTable } from '../../runtime/load/mapping-table.ts';
import type { AuditEvent } from '../../runtime/store/store.ts';
import { repoRoot } from '../support/cli.ts';
import { login, SECRETS, startConsole, type ConsoleHarness } from './console-harness.ts';

let harness: ConsoleHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function servedWithTable(liveValues: string[] | undefined): Promise<OpenedPipeline> {
  const { table } = await loadMappingTable(join(repoRoot, 'mappings/departments.yaml'), 'mappings/departments.yaml');
  const loaded = { file: 'pipelines/people.yaml', pipeline: { steps: [{ type: 'map', id: 'department-code', from: 'department', to: 'segments.department', table: '../mappings/departments.yaml', onMissing: 'quarantine' }] }, tables: new Map([[0, table]]), expressions: new Map() };
  // The coverage API reads the loaded pipeline and the source's optionValues; nothing else of them.
  return { compiled: { version: 'v1', loaded }, source: { optionValues: async (field: string) => (field === 'department' ? liveValues : undefined) } } as unknown as OpenedPipeline;
}

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const { cookie } = await login(harness?.url ?? '', { token: SECRETS['console-viewer-token'] as string });
  const response = await fetch(`${harness?.url}${path}`, { headers: { cookie } });
  return { status: response.status, body: (await response.json()) as T };
}

describe('console coverage', () => {
  it('lists live values with no row and rows whose value is gone, with what happens to their records', async () => {
    harness = await startConsole({ opened: await servedWithTable(['Warehouse', 'Yard', 'Rentals', '<b>x</b>']) });
    const { status, body } = await getJson<CoverageResponse>('/api/pipelines/people/coverage');
    expect(status).toBe(200);
    expect(body.fields).toHaveLength(1);
    expect(body.fields[0]).toMatchObject({ step: 'department-code', field: 'department', onMissing: 'quarantine', values: 4, unmapped: ['Rentals', '<b>x</b>'] });
    expect(body.fields[0]?.staleRows).toEqual(['Drivers', 'Sales', 'Office', 'Purchasing', 'Management']);
  });

  it('says a field without a list of values was not checked', async () => {
    harness = await startConsole({ opened: await servedWithTable(undefined) });
    const { body } = await getJson<CoverageResponse>('/api/pipelines/people/coverage');
    expect(body.fields[0]?.values).toBeUndefined();
    expect(body.fields[0]?.unmapped).toEqual([]);
  });
});

describe('console runs and metrics', () => {
  it("counts the last day's runs by stage, with serve's durations, and records per hour", async () => {
    const latency = { count: 3, buckets: [{ leSeconds: 0.005, count: 1 }, { leSeconds: 0.05, count: 3 }] };
    harness = await startConsole({
      extra: {
        recentRuns: () => [{ runId: 'r2', kind: 'keys', startedAt: '2026-11-28T08:30:00.000Z', endedAt: '2026-11-28T08:30:02.500Z', read: 1, quarantined: 1, pending: 0 }],
        webhookAck: async () => latency,
      },
    });
    const event = (runId: string, at: string, stage: AuditEvent['stage'], recordKey: string): AuditEvent => ({ pipeline: 'people', runId, recordKey, stage, at, pipelineVersion: 'v1' });
    const audit = [
      event('old', '2026-11-26T08:00:00.000Z', 'read', '1'),
      event('r1', '2026-11-28T07:10:00.000Z', 'read', '1'),
      event('r1', '2026-11-28T07:10:00.000Z', 'read', '2'),
      event('r1', '2026-11-28T07:10:00.000Z', 'written', 'Employee/1'),
      event('r2', '2026-11-28T08:30:00.000Z', 'read', '3'),
      event('r2', '2026-11-28T08:30:00.000Z', 'quarantined', '3'),
    ];
    await harness.store.commit({ pipeline: 'people', runId: 'seed', mirror: { upsert: [], remove: [] }, desired: { upsert: [], remove: [] }, actual: { upsert: [], remove: [] }, audit, quarantine: { park: [], release: [] }, pending: { set: [], clear: [] } });
    const { body } = await getJson<RunsResponse>('/api/pipelines/people/runs');
    expect(body.runs.map((r) => [r.runId, r.kind, r.durationMs, r.counts])).toEqual([
      ['r2', 'keys', 2500, { read: 1, quarantined: 1 }],
      ['r1', undefined, undefined, { read: 2, written: 1 }],
    ]);
    expect(body.perHour).toHaveLength(24);
    expect(body.perHour.at(-1)).toEqual({ hour: '2026-11-28T09:00:00.000Z', read: 0, quarantined: 0 });
    expect(body.perHour.filter((p) => p.read > 0)).toEqual([
      { hour: '2026-11-28T07:00:00.000Z', read: 2, quarantined: 0 },
      { hour: '2026-11-28T08:00:00.000Z', read: 1, quarantined: 1 },
    ]);
    expect(body.webhookAck).toEqual(latency);
    const list = await getJson<PipelinesResponse>('/api/pipelines');
    expect(list.body.pipelines[0]?.lastRunByKind).toEqual([{ kind: 'keys', startedAt: '2026-11-28T08:30:00.000Z', durationMs: 2500, read: 1, quarantined: 1 }]);
  });
});
