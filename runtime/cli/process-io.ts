import type { CliIo } from './command.ts';
import { describeFailure } from './failure.ts';

/** How long a stopping command may take to close before the process ends anyway. */
const STOP_GRACE_MS = 10_000;

/**
 * The real process's streams and signals, for the bin shim. Tests build their own CliIo.
 * The first SIGINT/SIGTERM asks the command to stop; a second one, or a command that has not
 * finished closing after STOP_GRACE_MS (say, it cannot save its state), ends the process.
 */
export function processIo(): CliIo {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals): void => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (controller.signal.aborted) {
      process.stderr.write(`${signal} again: stopping without finishing the shutdown\n`);
      process.exit(code);
    }
    controller.abort();
    setTimeout(() => {
      process.stderr.write(`still not stopped ${STOP_GRACE_MS / 1000} s after ${signal}: exiting\n`);
      process.exit(code);
    }, STOP_GRACE_MS).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    stopSignal: controller.signal,
    color: process.env.FORCE_COLOR ? process.env.FORCE_COLOR !== '0' : color,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/**
 * An error thrown where no command awaits it (a timer, an event handler) is reported like one a
 * command threw, then the process ends: never Node's default stack dump for a user's mistake.
 */
export function reportStrayErrors(prefix: string, options: { debug: boolean; version: string }): void {
  const report = (error: unknown): void => {
    const failure = describeFailure(prefix, error, options);
    process.stderr.write(failure.text);
    process.exit(failure.exitCode);
  };
  process.on('uncaughtException', report);
  process.on('unhandledRejection', report);
}

/** Resolves when the signal aborts: the body of every long-running command's wait. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
