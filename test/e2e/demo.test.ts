// `npm start` as a newcomer runs it: the demo in its own process, with an empty HOME, its folder in a
// temporary directory. --once exits 0 after the Warehouse → Yard move reached Sage 100; without it the
// demo keeps serving until Ctrl-C (SIGINT), then stops cleanly.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';

const made: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};

/** Starts the demo; `onOutput` sees stdout as it grows and may stop the process. */
function demo(args: string[], home: string, onOutput: (stdout: string, child: ReturnType<typeof spawn>) => void = () => {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/ml-connector.mjs'), 'demo', ...args], { cwd: repoRoot, env: { PATH: process.env.PATH, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
    onOutput(stdout, child);
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  // Bounded: a demo that hangs is killed and the test fails on its exit code.
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}

describe('npm start (ml-connector demo)', () => {
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it('--once: the Warehouse → Yard move reaches Sage 100, exit 0, nothing written outside its folder', async () => {
    const home = temp('mlc-demo-home-');
    const dir = join(temp('mlc-demo-'), '.demo');
    const result = await demo(['--once', '--dir', dir], home);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('The move reached Sage 100.');
    // The headcount table shows the mover leaving a Warehouse cost center and joining a Yard one.
    const rows = result.stdout.split('\n').filter((l) => /^\s+\d\d-(WHS|YRD)-\d\d\s+\d+\s+\d+\s+changed/.test(l));
    const delta = rows.map((l) => l.trim().split(/\s+/)).map(([center, before, after]) => ({ center, change: Number(after) - Number(before) }));
    expect(delta.find((d) => d.center?.includes('-WHS-'))?.change).toBe(-1);
    expect(delta.find((d) => d.center?.includes('-YRD-'))?.change).toBe(1);
    expect(result.stdout).toMatch(/written\s+headcount\/\d\d-YRD-\d\d@\d{4}-\d\d: update/);
    expect(readdirSync(home)).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['agent', 'master.key', 'pipelines', 'state']);
  });

  it('keeps serving and prints how to poke it; Ctrl-C stops it cleanly', async () => {
    const home = temp('mlc-demo-home-');
    const dir = join(temp('mlc-demo-'), '.demo');
    let signalled = false;
    const result = await demo(['--dir', dir], home, (stdout, child) => {
      if (!signalled && stdout.includes('Ctrl-C stops it.')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    expect(signalled).toBe(true);
    expect(result.stdout).toMatch(/plan\s+ML_CONNECTOR_DATA=/);
    expect(result.stdout).toMatch(/metrics\s+curl http:\/\/127\.0\.0\.1:\d+\/metrics/);
    expect(result.code).toBe(0);
  });
});
