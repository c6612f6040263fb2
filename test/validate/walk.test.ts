// Walking a directory checks our files and leaves other YAML (OpenAPI documents, CI configs) alone,
// saying so; a file named on the command line is always checked.
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

  it('is a usage error (exit 2) for a path that does not exist', async () => {
    const run = await runCli(['validate', 'nowhere'], { cwd: fixture.dir });
    expect(run.stderr).toMatch(/no such file or directory: .*nowhere/);
    expect(run.code).toBe(2);
  });
});
