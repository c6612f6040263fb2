// `coverage` end to end against the BambooHR stand-in: the live option lists of the mapped fields
// (meta/lists) against the example's mapping tables, then a department added at the source that no
// table maps yet — found before any employee is put in it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBambooSandbox, type RunningSandbox } from '../sandbox/bamboohr/index.ts';
import { runCli } from './support/cli.ts';
import { pipelineAgainstSandbox } from './support/sandbox-pipeline.ts';

interface CoverageJson {
  ok: boolean;
  fields: { step: string; field: string; values?: number; unmapped: string[]; staleRows: string[] }[];
  diagnostics: { code: string; severity: string; file: string; line: number; message: string }[];
}

describe('ml-connector coverage', () => {
  let sandbox: RunningSandbox;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const coverage = async (...extra: string[]) => runCli(['coverage', 'pipelines.yaml', ...extra], { cwd: dir, env });

  beforeAll(async () => {
    sandbox = await startBambooSandbox();
    ({ dir, env } = pipelineAgainstSandbox(sandbox, { apiKey: true }, 'mlc-coverage-'));
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('checks every map step against the live option lists of the seeded company', async () => {
    const run = await coverage('--format', 'json');
    const report = JSON.parse(run.stdout) as CoverageJson;
    expect(report.fields.map((f) => f.field)).toEqual(['division', 'department', 'location']);
    for (const field of report.fields) expect(field.values).toBeGreaterThan(0);
    // Whatever the seed holds, the exit code follows the errors, and every error names a table row position.
    const errors = report.diagnostics.filter((d) => d.severity === 'error');
    expect(run.code).toBe(errors.length === 0 ? 0 : 1);
    expect(report.ok).toBe(errors.length === 0);
    const departments = report.fields.find((f) => f.field === 'department');
    expect(departments?.unmapped).not.toContain('Warehouse');
  });

  it('a department added at the source with no row is an error at the departments table, in every format', async () => {
    sandbox.admin.addOption('keystone', 'department', 'Cold Storage <b>');
    const json = JSON.parse((await coverage('--format', 'json')).stdout) as CoverageJson;
    expect(json.ok).toBe(false);
    expect(json.fields.find((f) => f.field === 'department')?.unmapped).toContain('Cold Storage <b>');
    const unmapped = json.diagnostics.find((d) => d.code === 'MLC_COVERAGE_UNMAPPED' && d.message.includes('Cold Storage'));
    expect(unmapped).toMatchObject({ severity: 'error', file: 'mappings/departments.yaml' });
    expect(unmapped?.line).toBeGreaterThan(0);

    const text = await coverage();
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/mappings\/departments\.yaml:\d+:\d+: error MLC_COVERAGE_UNMAPPED: 'Cold Storage <b>'/);
    const github = await coverage('--format', 'github');
    expect(github.stdout).toMatch(/^::error file=mappings\/departments\.yaml,line=\d+,col=\d+,title=MLC_COVERAGE_UNMAPPED::'Cold Storage <b>'/m);

    // Adding the row heals it.
    const table = join(dir, 'mappings/departments.yaml');
    writeFileSync(table, `${readFileSync(table, 'utf8')}  - { from: "Cold Storage <b>", to: CLD, description: Cold storage }\n`);
    const healed = JSON.parse((await coverage('--format', 'json')).stdout) as CoverageJson;
    expect(healed.fields.find((f) => f.field === 'department')?.unmapped).toEqual([]);
  });

  it('a row whose value was archived at the source is a warning, not an error', async () => {
    const lists = (await (await fetch(`${sandbox.companyUrl()}/api/v1/meta/lists`, { headers: { accept: 'application/json', authorization: `Basic ${Buffer.from(`${sandbox.credentials().apiKey}:x`).toString('base64')}` } })).json()) as {
      alias?: string;
      options: { id: number; name: string }[];
    }[];
    const yard = lists.find((l) => l.alias === 'department')?.options.find((o) => o.name === 'Yard');
    expect(yard).toBeDefined();
    sandbox.admin.updateOption('keystone', 'department', yard?.id ?? 0, { archived: true });
    const report = JSON.parse((await coverage('--format', 'json')).stdout) as CoverageJson;
    expect(report.fields.find((f) => f.field === 'department')?.staleRows).toContain('Yard');
    expect(report.diagnostics.find((d) => d.code === 'MLC_COVERAGE_STALE_ROW' && d.message.includes("'Yard'"))).toMatchObject({ severity: 'warning', file: 'mappings/departments.yaml' });
  });

  it('refuses a wrong format or a missing pipeline with a usage error', async () => {
    expect((await coverage('--format', 'xml')).code).toBe(2);
    expect((await runCli(['coverage'], { cwd: dir, env })).code).toBe(2);
  });
});
