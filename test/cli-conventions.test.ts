// The conventions integrators know from other tools: stdin and globs, colour only for terminals,
// --quiet and --max-warnings, test reports for CI, and a folder of other tools' YAML left alone.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './support/cli.ts';
import { EXAMPLE_PIPELINE, exampleFixture, type Fixture } from './support/fixture.ts';

let fixture: Fixture;
beforeEach(() => {
  fixture = exampleFixture();
});
afterEach(() => fixture.remove());

const ESC = '\u001b[';

describe('validate arguments', () => {
  it('- reads a pipeline from standard input, reports it as <stdin> and resolves its references from the working directory', async () => {
    const text = fixture.read(EXAMPLE_PIPELINE);
    const ok = await runCli(['validate', '--offline', '-'], { cwd: fixture.path('pipelines'), stdin: text });
    expect(ok.code).toBe(0);
    const broken = await runCli(['validate', '--offline', '-'], { cwd: fixture.path('pipelines'), stdin: text.replace('policies:', 'policys:') });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^<stdin>:\d+:1: error MLC_SCHEMA_UNKNOWN_KEY/m);
    expect(readdirSync(fixture.path('pipelines'))).toEqual(['keystone-bamboohr-to-sage100.yaml']);
  });

  it('expands a quoted glob, and a glob that matches nothing is a usage mistake', async () => {
    mkdirSync(fixture.path('pipelines/nested'));
    fixture.write('pipelines/nested/second.yaml', fixture.read(EXAMPLE_PIPELINE).replace('name: keystone-bamboohr-to-sage100', 'name: second').replaceAll('../mappings/', '../../mappings/'));
    const run = await runCli(['validate', '--offline', 'pipelines/**/*.yaml', '--format', 'json'], { cwd: fixture.dir });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { files: { file: string }[] }).files.map((f) => f.file)).toEqual(['pipelines/keystone-bamboohr-to-sage100.yaml', 'pipelines/nested/second.yaml']);
    const none = await runCli(['validate', 'nowhere/**/*.yaml'], { cwd: fixture.dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("error MLC_USAGE: no files match 'nowhere/**/*.yaml'");
  });

  it('colours only when asked (a terminal without NO_COLOR)', async () => {
    fixture.edit(EXAMPLE_PIPELINE, 'retry:', 'retyr:');
    const plain = await runCli(['validate', '--offline'], { cwd: fixture.dir });
    expect(plain.stdout).not.toContain(ESC);
    const coloured = await runCli(['validate', '--offline'], { cwd: fixture.dir, color: true });
    expect(coloured.stdout).toContain(`${ESC}31merror${ESC}39m`);
    expect(coloured.stdout.replace(/\u001b\[\d+m/g, '')).toBe(plain.stdout);
  });

  it('--quiet drops warnings and says nothing when valid; --max-warnings N fails past N', async () => {
    const loud = await runCli(['validate'], { cwd: fixture.dir });
    expect(loud.stdout).toContain('warning MLC_SECRETS_UNCHECKED');
    const quiet = await runCli(['validate', '--quiet'], { cwd: fixture.dir });
    expect(quiet).toMatchObject({ code: 0, stdout: '' });
    expect((await runCli(['validate', '--max-warnings', '1'], { cwd: fixture.dir })).code).toBe(0);
    const strict = await runCli(['validate', '--max-warnings', '0'], { cwd: fixture.dir });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('too many warnings: 1');
    expect((await runCli(['validate', '--max-warnings', 'many'], { cwd: fixture.dir })).code).toBe(2);
  });

  it('a folder of docker-compose and a Helm chart has nothing to check, and says so', async () => {
    mkdirSync(fixture.path('deploy/chart/templates'), { recursive: true });
    fixture.write('deploy/docker-compose.yml', 'version: "3.8"\nservices:\n  app:\n    image: example\n');
    fixture.write('deploy/chart/Chart.yaml', 'apiVersion: v2\nname: app\ndescription: A Helm chart\nversion: 0.1.0\n');
    fixture.write('deploy/chart/templates/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "app.fullname" . }}\n');
    fixture.write('deploy/chart/templates/service.yaml', '{{- if .Values.service.enabled }}\nname: {{ .Release.Name }}\n{{- end }}\n');
    const run = await runCli(['validate', 'deploy'], { cwd: fixture.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nothing to check under deploy: no pipelines, mapping tables or JSONata files');
    expect(run.stdout).not.toContain('MLC_');
  });
});

describe('test --format', () => {
  beforeEach(() => fixture.edit('mappings/departments.cases.yaml', 'expected: WHS', 'expected: WAR'));

  it('text and json mark a failing case MLC_CASES_FAILED', async () => {
    const text = await runCli(['test', 'mappings'], { cwd: fixture.dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/✗ Warehouse books to WHS \(mappings\/departments\.cases\.yaml:\d+\) MLC_CASES_FAILED/);
    const json = JSON.parse((await runCli(['test', 'mappings', '--format', 'json'], { cwd: fixture.dir })).stdout) as { passed: boolean; files: { results: { code?: string; passed: boolean }[] }[] };
    expect(json.passed).toBe(false);
    expect(json.files.flatMap((f) => f.results).filter((r) => !r.passed).map((r) => r.code)).toEqual(['MLC_CASES_FAILED']);
  });

  it('github prints an annotation at the failing case', async () => {
    const run = await runCli(['test', 'mappings', '--format', 'github'], { cwd: fixture.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error file=mappings\/departments\.cases\.yaml,line=\d+,col=1,title=MLC_CASES_FAILED::case 'Warehouse books to WHS' failed/m);
  });

  it('junit is a test report with one failure', async () => {
    const run = await runCli(['test', 'mappings', '--format', 'junit'], { cwd: fixture.dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="ml-connector test" tests="\d+" failures="1" errors="0">/);
    expect(run.stdout).toContain(`<failure type="MLC_CASES_FAILED" message="case 'Warehouse books to WHS' failed">`);
    expect((await runCli(['test', 'mappings', '--format', 'xml'], { cwd: fixture.dir })).code).toBe(2);
  });
});

describe('README', () => {
  it("the CI snippet is what init's workflow runs", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const snippet = /### In an integrator's repository[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const runs = snippet.split('\n').filter((l) => l.startsWith('- run: ')).map((l) => l.slice('- run: '.length));
    const workflow = readFileSync(join(repoRoot, 'templates/init/github/workflows/ml-connector.yml'), 'utf8');
    const written = [...workflow.matchAll(/- run: (.+)/g)].map((m) => m[1]);
    expect(runs.length).toBeGreaterThan(1);
    expect(runs).toEqual(written);
  });
});
