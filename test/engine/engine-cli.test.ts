// The engine's commands in-process with the test connectors and the embedded store under --data.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../runtime/cli/dispatch.ts';
import { copyFixture } from '../support/engine-harness.ts';
import { engineCommands } from '../support/engine-cli.ts';

async function cli(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await dispatch({ name: 'ml-connector', version: 'test' }, engineCommands, args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd, stopSignal: new AbortController().signal });
  return { code, stdout, stderr };
}

function fixture(overrides = ''): string {
  const dir = copyFixture();
  const file = join(dir, 'pipeline.yaml');
  // Each fixture's sink keeps its items in its own file (the test CLI's registry is shared).
  writeFileSync(file, readFileSync(file, 'utf8').replace('config: { count: 200, pageSize: 50 }', `config: { count: 60, pageSize: 25${overrides} }`).replace('config: { separator: "-" }', `config: { separator: "-", stateFile: ${JSON.stringify(join(dir, 'sink.jsonl'))} }`));
  return dir;
}

describe('engine commands', () => {
  it('run --once writes, a second run writes nothing; plan shows a mapping edit as before → after', async () => {
    const dir = fixture();
    const first = await cli(dir, 'run', 'pipeline.yaml', '--once', '--mode', 'full');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/read +60 /);
    expect(first.stdout).toMatch(/department: 5 created/);
    const second = await cli(dir, 'run', 'pipeline.yaml', '--once');
    expect(second.stdout).toMatch(/written +nothing/);

    const table = join(dir, 'departments.yaml');
    writeFileSync(table, readFileSync(table, 'utf8').replace('description: Yard', 'description: Yard and stock'));
    const plan = await cli(dir, 'plan', 'pipeline.yaml', '--format', 'markdown');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('| update | department/YRD | description | Yard | Yard and stock |');
    const json = JSON.parse((await cli(dir, 'plan', 'pipeline.yaml', '--format', 'json')).stdout) as { changes: unknown[] };
    expect(json.changes).toEqual([{ entity: 'department', key: 'YRD', action: 'update', fields: [{ field: 'description', before: 'Yard', after: 'Yard and stock' }] }]);
    // plan wrote nothing: the next real run still has the change to make.
    expect((await cli(dir, 'run', 'pipeline.yaml', '--once', '--mode', 'full')).stdout).toMatch(/department: 0 created, 1 updated/);
  });

  it('snapshot export, then plan --from-snapshot offline, saying how old the snapshot is', async () => {
    const dir = fixture();
    await cli(dir, 'run', 'pipeline.yaml', '--once', '--mode', 'full');
    expect((await cli(dir, 'snapshot', 'export', '--pipeline', 'test-headcount', '--out', 'snap.json')).code).toBe(0);
    const table = join(dir, 'departments.yaml');
    writeFileSync(table, readFileSync(table, 'utf8').replace('to: ADM', 'to: OFC'));
    const plan = await cli(dir, 'plan', 'pipeline.yaml', '--from-snapshot', 'snap.json', '--data', 'elsewhere');
    expect(plan.stdout).toMatch(/against snapshot snap.json exported .* \(0 min old\)/);
    expect(plan.stdout).toMatch(/create +department\/OFC/);
    expect(plan.stdout).toMatch(/deactivate department\/ADM/);
    expect((await cli(dir, 'plan', 'pipeline.yaml', '--from-snapshot', 'pipeline.yaml')).stderr).toMatch(/MLC_SNAPSHOT_INVALID/);
  });

  it('an unmapped department: exit 1, quarantine list names it; after the row is added replay --cause heals it; audit shows the trail', async () => {
    const dir = fixture(', overrides: { "2": { department: Showroom } }');
    const run = await cli(dir, 'run', 'pipeline.yaml', '--once', '--mode', 'full');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/quarantined 1 MLC_MAPPING_UNMAPPED/);
    const listed = await cli(dir, 'quarantine', 'list', '--cause', 'MLC_MAPPING_UNMAPPED');
    expect(listed.stdout).toMatch(/test-headcount 2 MLC_MAPPING_UNMAPPED .*department 'Showroom'/);
    writeFileSync(join(dir, 'departments.yaml'), `${readFileSync(join(dir, 'departments.yaml'), 'utf8')}  - { from: Showroom, to: SHW, description: Showroom }\n`);
    const replay = await cli(dir, 'replay', 'pipeline.yaml', '--cause', 'MLC_MAPPING_UNMAPPED');
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/department: 1 created/);
    expect((await cli(dir, 'quarantine', 'list')).stdout).toMatch(/^0 quarantined/m);
    const nothing = await cli(dir, 'replay', 'pipeline.yaml', '--all');
    expect(nothing).toMatchObject({ code: 0, stdout: 'nothing in quarantine matches; nothing replayed\n' });
    const audit = await cli(dir, 'audit', '--record', '2', '--format', 'jsonl');
    const stages = audit.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { stage: string }).stage);
    expect(stages).toEqual(['quarantined', 'released', 'read', 'mapped', 'written', 'written']);
    expect(audit.stdout).toContain('"pipelineVersion":"sha256:');
  });

  it('a damaged state file: the run refuses to start, naming the file', async () => {
    const dir = fixture();
    const data = mkdtempSync(join(tmpdir(), 'mlc-data-'));
    writeFileSync(join(data, 'state.json'), '{"format":1,"commitS');
    const run = await cli(dir, 'run', 'pipeline.yaml', '--once', '--data', data);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`MLC_STORE_CORRUPT: ${join(data, 'state.json')} is damaged`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a state directory that cannot be written mid-run: a clear error, nothing half-committed, and the rerun writes each change once', async () => {
    const dir = fixture();
    expect((await cli(dir, 'run', 'pipeline.yaml', '--once', '--mode', 'full')).code).toBe(0);
    const table = join(dir, 'departments.yaml');
    writeFileSync(table, readFileSync(table, 'utf8').replace('description: Yard', 'description: Yard and stock'));
    // The commit writes a temp file beside state.json; a directory in its place fails it as a full or read-only disk would.
    const blocker = join(dir, '.ml-connector', `.state.json.${process.pid}.tmp`);
    mkdirSync(blocker);
    const failed = await cli(dir, 'run', 'pipeline.yaml', '--once', '--mode', 'full');
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(/MLC_STORE_UNWRITABLE: cannot write the state directory .*nothing of this batch was committed/);
    rmSync(blocker, { recursive: true });
    // The sink already took the update (applied before the commit failed); the rerun finds it done.
    const rerun = await cli(dir, 'run', 'pipeline.yaml', '--once', '--mode', 'full');
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/written +nothing/);
  });

  it('usage mistakes exit 2', async () => {
    const dir = fixture();
    expect((await cli(dir, 'run', 'pipeline.yaml')).code).toBe(2);
    expect((await cli(dir, 'run', 'pipeline.yaml', '--once', '--mode', 'sometimes')).code).toBe(2);
    expect((await cli(dir, 'replay', 'pipeline.yaml')).code).toBe(2);
  });
});
