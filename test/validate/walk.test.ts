// Walking a directory checks our files and leaves other YAML (OpenAPI documents, CI configs) alone,
// saying so; a file named on the command line is always checked.
import { mkdirSync, symlinkSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { exampleFixture, type Fixture } from '../support/fixture.ts';

describe('validate walking directories', () => {
  let fixture: Fixture;
  beforeEach(() => {
    fixture = exampleFixture();
    fixture.write('pipelines/openapi.yaml', 'openapi: 3.1.0\ninfo: { title: x, version: "1" }\npaths: {}\n');
  });
  afterEach(() => fixture.remove());

  it('checks pipelines, tables and JSONata below the paths, and names what it skipped', async () => {
    const run = await runCli(['validate', '--offline', '.'], { cwd: fixture.dir });
    expect(run.stdout).toContain('skipped 1 YAML file that is not a pipeline, mapping table or cases file: pipelines/openapi.yaml');
    expect(run.stdout).toContain('ok: 6 files valid');
    expect(run.code).toBe(0);
  });

  it('checks a file named on the command line whatever it looks like', async () => {
    const run = await runCli(['validate', '--offline', 'pipelines/openapi.yaml'], { cwd: fixture.dir });
    expect(run.stdout).toMatch(/pipelines\/openapi\.yaml:1:1: error MLC_SCHEMA_UNKNOWN_KEY: unknown key 'openapi'/);
    expect(run.code).toBe(1);
  });

  it('checks pipelines and tables written in flow style or with quoted or indented keys (they are not skipped)', async () => {
    fixture.write('pipelines/flow.yaml', '{version: 1, name: Bad_Name}\n');
    fixture.write('pipelines/quoted.yaml', '"version": 1\n"name": Bad_Name\n');
    fixture.write('pipelines/indented.yaml', '  version: 1\n  name: Bad_Name\n');
    fixture.write('mappings/flow-table.yaml', '{name: t, target: {segment: department}, rows: [{from: a}]}\n');
    const run = await runCli(['validate', '--offline', '.'], { cwd: fixture.dir });
    for (const file of ['flow', 'quoted', 'indented']) expect(run.stdout).toMatch(new RegExp(`pipelines/${file}\\.yaml:\\d+:\\d+: error MLC_SCHEMA_INVALID: string "Bad_Name"`));
    expect(run.stdout).toMatch(/mappings\/flow-table\.yaml:1:\d+: error MLC_SCHEMA_MISSING_KEY: missing required key 'to'/);
    expect(run.stdout).toContain('skipped 1 YAML file');
    expect(run.code).toBe(1);
  });

  it('does not follow a symbolic link loop, and reports a dangling link as unreadable (exit 1, not a usage error)', async () => {
    mkdirSync(fixture.path('pipelines/more'));
    symlinkSync('.', fixture.path('pipelines/more/loop.yaml'));
    symlinkSync('/nonexistent/x.yaml', fixture.path('pipelines/gone.yaml'));
    const run = await runCli(['validate', '--offline', 'pipelines'], { cwd: fixture.dir });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('pipelines/gone.yaml:1:1: error MLC_FILE_UNREADABLE: is a symbolic link to a file that does not exist');
    expect(run.stdout).toContain('1 problem in 1 file (2 files checked)');
    expect(run.code).toBe(1);
  });

  it('is a usage error (exit 2) when a directory holds nothing to check, not "ok"', async () => {
    mkdirSync(fixture.path('docs'));
    fixture.write('docs/api.yaml', 'openapi: 3.1.0\ninfo: { title: x, version: "1" }\npaths: {}\n');
    const run = await runCli(['validate', 'docs'], { cwd: fixture.dir });
    expect(run.stderr).toContain("nothing to check under docs: no pipelines, mapping tables or JSONata files (skipped: docs/api.yaml); cases files are run by 'ml-connector test'");
    expect(run.code).toBe(2);
  });

  it('is a usage error (exit 2) for a path that does not exist', async () => {
    const run = await runCli(['validate', 'nowhere'], { cwd: fixture.dir });
    expect(run.stderr).toMatch(/no such file or directory: .*nowhere/);
    expect(run.code).toBe(2);
  });
});
