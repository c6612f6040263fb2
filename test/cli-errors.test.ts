// A user's mistake is one line and exit 1 or 2 for every command, servers included; never a stack.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../cli/main.ts';
import { repoRoot, runCli } from './support/cli.ts';

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
let dir: string;
let busy: Server;
let busyPort: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mlc-cli-errors-'));
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => busy.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const env = { LOG_LEVEL: 'silent' };

describe('user mistakes', () => {
  const firstWords = [...new Set(commands.map((c) => c.name.split(' ')[0] ?? c.name))];
  it.each(firstWords)('%s --no-such-option-xyz: usage line, exit 2', async (word) => {
    const run = await runCli([word, '--no-such-option-xyz'], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('MLC_USAGE');
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  it.each([
    [['agent', 'frobnicate'], 2, "unexpected argument 'frobnicate'"],
    [['agent', '--cert', 'c.pem'], 2, 'give both --cert and --key'],
    [['agent', '--cert', 'missing.pem', '--key', 'missing.key', '--port', '0', '--data', 'agent'], 1, 'missing.pem does not exist'],
    [['agent', '--data', 'a-file', '--port', '0'], 2, 'is a file; the agent keeps its data in a directory'],
    [['agent', 'keys', 'list', '--data', 'a-file'], 2, 'is a file'],
    [['agent', 'keys', 'list', '--data', 'damaged-agent'], 1, 'is not valid JSON'],
    [['sandbox', 'bamboohr', '--data', '.'], 2, 'is a directory; it names the file'],
    [['sandbox', 'bamboohr', '--port', '0', '--data', 'no-such-dir/state.json'], 2, 'does not exist'],
    [['sandbox', 'bamboohr', '--port', '0', '--data', 'damaged.json'], 1, 'MLC_STATE_CORRUPT'],
    [['sandbox', 'bamboohr', '--port', '0', '--cert', 'missing.pem', '--key', 'missing.key'], 2, 'cannot read the certificate or key'],
    [['sandbox', 'bamboo'], 2, "unknown sandbox 'bamboo' (did you mean 'sandbox bamboohr'?)"],
  ] as const)('%j: one line, exit %i', async (args, code, message) => {
    writeFileSync(join(dir, 'a-file'), 'x');
    writeFileSync(join(dir, 'damaged.json'), '{"version": 1, "compan');
    mkdirSync(join(dir, 'damaged-agent'), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'damaged-agent', 'api-keys.json'), '{"keys": [', { mode: 0o600 });
    const run = await runCli([...args], { cwd: dir, env });
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  it.each([['sandbox', 'bamboohr'], ['agent', '--host', '127.0.0.1', '--data', 'agent-busy']])('%s on a port in use: one line, exit 1', async (...args) => {
    const run = await runCli([...args, '--port', String(busyPort)], { cwd: dir, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot listen on 127.0.0.1:${busyPort}: the port is already in use`);
  });

  it('sandbox alone lists its systems', async () => {
    const run = await runCli(['sandbox'], { cwd: dir, env });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^\s+bamboohr\s+Run a local BambooHR stand-in/m);
  });
});

describe('a server that cannot save its state', () => {
  it('still stops on SIGTERM, without a stack', async () => {
    const stateDir = join(dir, 'vanishing');
    mkdirSync(stateDir);
    const child = spawn(process.execPath, [join(repoRoot, 'bin/ml-connector.mjs'), 'sandbox', 'bamboohr', '--port', '0', '--data', join(stateDir, 'state.json')], { cwd: dir, env: { PATH: process.env.PATH, LOG_LEVEL: 'silent' } });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), stdout.includes('\n') && resolve())));
    rmSync(stateDir, { recursive: true });
    child.kill('SIGTERM');
    // Whether the last save's failure is an error (exit 1) or a logged warning (exit 0) is the
    // sandbox's call; what matters is that the process ends, and without a stack.
    expect([0, 1]).toContain(await exited);
    expect(stderr).not.toMatch(STACK_LINE);
  });
});
