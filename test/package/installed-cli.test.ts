// The package as an integrator gets it: packed (compiled to JavaScript), installed from the tarball
// into a fresh project, and run from there with no TypeScript and no tsx in sight.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';
import { packAndInstall, type PackedInstall } from '../support/packed-install.ts';

let work: string;
let installed: PackedInstall;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mlc-pack-'));
  installed = packAndInstall(work);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(installed.bin, args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const packageDir = (): string => join(installed.project, 'node_modules', 'ml-connector');
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };

describe('the installed package', () => {
  it('ships compiled JavaScript, the schemas and the licence; no TypeScript and no tests', () => {
    const listing = spawnSync('tar', ['tzf', installed.tarball], { encoding: 'utf8' }).stdout.split('\n');
    expect(listing).toContain('package/cli/main.js');
    expect(listing).toContain('package/runtime/lib/jsonata-worker.mjs');
    expect(listing).toContain('package/schema/pipeline.editor.schema.json');
    expect(listing).toContain('package/LICENSE');
    expect(listing.filter((f) => /\.ts$|\.test\.|\/test\//.test(f))).toEqual([]);
    expect(Object.keys(manifest.dependencies)).not.toContain('tsx');
    expect(existsSync(join(installed.project, 'node_modules', 'tsx'))).toBe(false);
  });

  it('--help and --version run from the compiled CLI', () => {
    const help = run(['--help'], work);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Commands:');
    expect(run(['--version'], work).stdout.trim()).toBe(manifest.version);
  });

  it('validate and test the example the package ships, with the schemas it ships', () => {
    expect(run(['validate', '--offline', join(packageDir(), 'pipelines')], work).code).toBe(0);
    expect(run(['test', join(packageDir(), 'mappings')], work).code).toBe(0);
  });

  it('a broken pipeline is reported with its position and exit 1, no stack trace', () => {
    const file = join(work, 'broken.yaml');
    writeFileSync(file, readFileSync(join(repoRoot, 'pipelines/keystone-bamboohr-to-sage100.yaml'), 'utf8').replace('policies:', 'policys:'));
    const result = run(['validate', '--offline', file], work);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/broken\.yaml:\d+:1: error MLC_SCHEMA_UNKNOWN_KEY/);
    expect(result.stdout + result.stderr).not.toMatch(/^\s+at /m);
  });

  it('init scaffolds a repository whose pipelines validate and whose cases pass', () => {
    const init = run(['init', 'repo'], work);
    expect(init.code).toBe(0);
    const repo = join(work, 'repo');
    for (const file of ['.gitignore', '.github/workflows/ml-connector.yml', 'pipelines/example.yaml', 'mappings/departments.cases.yaml', 'package.json']) expect(existsSync(join(repo, file)), file).toBe(true);
    expect(run(['validate', '--offline'], repo).code).toBe(0);
    expect(run(['test'], repo).code).toBe(0);
    const workflow = readFileSync(join(repo, '.github/workflows/ml-connector.yml'), 'utf8');
    expect(workflow).toContain('ml-connector validate');
    expect(workflow).toContain('ml-connector test');
    expect(readFileSync(join(repo, '.gitignore'), 'utf8')).toMatch(/\.state\//);
  });
});
