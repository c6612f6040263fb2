// Runs `secrets` and `validate` in-process with a chosen stdin, for the secret store's CLI tests.
import { registry } from '../../cli/checks.ts';
import { program } from '../../cli/main.ts';
import { dispatch } from '../../runtime/cli/dispatch.ts';
import { secretsCommand, type StdinSource } from '../../runtime/cli/secrets-command.ts';
import { validateCommand } from '../../runtime/cli/validate-command.ts';
import type { CliRun } from './cli.ts';

/** `secrets` and `validate` in-process, with what stdin holds (or a terminal there). */
export async function runSecretsCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; stdin?: string | Buffer; tty?: boolean }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const stdin = (): StdinSource => ({ isTTY: options.tty === true, read: async () => Buffer.from(options.stdin ?? '') });
  const code = await dispatch(program, [secretsCommand(stdin), validateCommand(registry)], args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: options.env,
    cwd: options.cwd,
    stopSignal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}
