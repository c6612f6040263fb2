import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { exampleFixture, type Fixture } from '../support/fixture.ts';

describe('ml-connector test', () => {
  let fixture: Fixture;
  beforeEach(() => {
    fixture = exampleFixture();
  });
  afterEach(() => fixture.remove());

  it('passes on the shipped cases and prints a closing count', async () => {
    const run = await runCli(['test'], { cwd: fixture.dir });
    expect(run.stdout).toMatch(/cases: \d+ passed, 0 failed/);
    expect(run.code).toBe(0);
  });

  it('prints a diff for a failing mapping case and exits 1', async () => {
    fixture.edit('mappings/departments.yaml', 'from: Yard, to: YRD', 'from: Yard, to: YDR');
    const run = await runCli(['test', 'mappings'], { cwd: fixture.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL mappings/departments.cases.yaml');
    expect(run.stdout).toContain('✗ Yard books to YRD (mappings/departments.cases.yaml:4)');
    expect(run.stdout).toMatch(/- "YRD"\n\s+\+ "YDR"/);
  });

  it('prints a diff for a failing JSONata case', async () => {
    // The key the aggregate writes the count under, whatever expression computes it.
    fixture.edit('mappings/headcount.jsonata', /"headcount": (?=\$)/, '"heads": ');
    const run = await runCli(['test', 'mappings/headcount.cases.yaml'], { cwd: fixture.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/-\s+"headcount": 2,?\n\s+\+\s+"heads": 2/);
  });

  it('reports the mapping rows no case exercised', async () => {
    fixture.edit('mappings/departments.cases.yaml', /  - \{ name: Purchasing.*\n/, '');
    const run = await runCli(['test', 'mappings/departments.cases.yaml'], { cwd: fixture.dir });
    expect(run.stdout).toMatch(/rows no case exercised: 'Purchasing' \(line \d+\)/);
    expect(run.code).toBe(0);
  });

  it('fails a mapping case whose input is not text instead of letting it match nothing', async () => {
    fixture.write('mappings/divisions.cases.yaml', 'cases:\n  - { name: a number, input: 10, expected: null }\n');
    const run = await runCli(['test', 'mappings/divisions.cases.yaml'], { cwd: fixture.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('input must be a source value (text) for a mapping table; got 10');
  });

  it('reports an invalid cases file with its position', async () => {
    fixture.edit('mappings/locations.cases.yaml', '{ name: York, input: "york, pa", expected: "03" }', '{ name: York, input: "york, pa", expect: "03" }');
    const run = await runCli(['test', 'mappings/locations.cases.yaml'], { cwd: fixture.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/mappings\/locations\.cases\.yaml:5:\d+: error MLC_CASES_INVALID: unknown key 'expect' \(did you mean 'expected'\?\)/);
  });

  it('asks for a subject when two files could be the one under test', async () => {
    fixture.write('mappings/locations.jsonata', 'location');
    const run = await runCli(['test', 'mappings/locations.cases.yaml'], { cwd: fixture.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("locations.yaml and locations.jsonata both exist; say which one with 'subject:'");
  });

  it('stops a catastrophic regex (which no in-thread limit can) and goes on with the next case', async () => {
    fixture.write('mappings/regex.jsonata', '$match(name, /^(a+)+$/) ? "match" : "none"');
    fixture.write('mappings/regex.cases.yaml', `cases:\n  - { name: backtracks for ever, input: { name: "${'a'.repeat(40)}!" }, expected: none }\n  - { name: short input, input: { name: aaa }, expected: match }\n`);
    const started = Date.now();
    const run = await runCli(['test', 'mappings/regex.cases.yaml'], { cwd: fixture.dir });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✗ backtracks for ever[\s\S]*evaluation failed: expression ran longer than 1000 ms/);
    expect(run.stdout).toContain('1 passed, 1 failed');
  });

  it('stops a runaway expression instead of hanging', async () => {
    fixture.write('mappings/loop.jsonata', '($f := function($n){ $f($n + 1) }; $f(1))');
    fixture.write('mappings/loop.cases.yaml', 'cases:\n  - { name: never ends, input: {}, expected: 1 }\n');
    const run = await runCli(['test', 'mappings/loop.cases.yaml'], { cwd: fixture.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/evaluation failed: expression (ran longer than|nested deeper than)/);
  });

  it("fails an aggregate case whose output the pipeline's sink would not accept, even when it matches expected", async () => {
    // The case and the expression agree on a headcount item with no period: the sink's entity needs one.
    fixture.edit('mappings/headcount.jsonata', /"period": \$period,\n/, '');
    fixture.edit('mappings/headcount.cases.yaml', /, period: 2026-1[12]/g, '');
    const run = await runCli(['test', 'mappings/headcount.cases.yaml'], { cwd: fixture.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/the output is not accepted by the sink: item 6 is not something sage100-agent-sink accepts \(pipeline keystone-bamboohr-to-sage100.yaml\): headcount '10-WHS-01@2026-11': values must have required property 'period'/);
  });

  it('fails an aggregate case when the pipeline partitions the aggregate by a field that changes its items', async () => {
    // Per employee, every cost center's headcount comes out 1: the whole roster says 2 for 10-WHS-01.
    fixture.edit('pipelines/keystone-bamboohr-to-sage100.yaml', 'partitionBy: costCenter', 'partitionBy: employeeId');
    const run = await runCli(['test', 'mappings/headcount.cases.yaml'], { cwd: fixture.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/its pipeline step has partitionBy: employeeId, and not partitionable by employeeId: evaluated whole it gives headcount\/10-WHS-01@2026-11 as .*"headcount":2.*; per partition as .*"headcount":1/);
  });

  it('passes the shipped aggregate cases under any partitioning that keeps a cost center whole', async () => {
    fixture.edit('pipelines/keystone-bamboohr-to-sage100.yaml', 'partitionBy: costCenter', 'partitionBy: segments.division');
    const run = await runCli(['test', 'mappings/headcount.cases.yaml'], { cwd: fixture.dir });
    expect(run.stdout).toMatch(/3 passed, 0 failed/);
    expect(run.code).toBe(0);
  });
});
