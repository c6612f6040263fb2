// Runs the CLI in-process (fast, for most tests) or as a real process (exit codes, stderr, start-up).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { commands, program } from '../../cli/main.ts';
import { dispatch } from '../../runtime/cli/dispatch.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string; color?: boolean } = {}): Promise<CliRun> {
  const stdin = options.stdin;
  let stdout = '';
  let stderr = '';
  const code = await dispatch(program, commands, args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: options.env ?? {},
    cwd: options.cwd ?? repoRoot,
    stopSignal: new AbortController().signal,
    color: options.color === true,
    ...(stdin !== undefined ? { readStdin: async () => stdin } : {}),
  });
  return { code, stdout, stderr };
}

export function runCliProcess(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const result = spawnSync(process.execPath, [`${repoRoot}bin/ml-connector.mjs`, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { PATH: process.env.PATH, ...options.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
