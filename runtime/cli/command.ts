// The shape every CLI command has. Commands are plain values listed in cli/main.ts; the dispatcher
// picks one by its (possibly multi-word) name and hands it the remaining arguments.

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolves when the user asks the process to stop (SIGINT/SIGTERM); long-running commands await it. */
  stopSignal: AbortSignal;
  /** Colour escapes are welcome on stdout (a terminal, and NO_COLOR unset). Absent: no colour. */
  color?: boolean;
  /** Standard input as text, for `-` arguments. Absent: there is no standard input to read. */
  readStdin?: () => Promise<string>;
}

export interface Command {
  /** One or more words, e.g. `validate` or `keys add`. */
  name: string;
  summary: string;
  /** The --help text; a function for commands whose implementation loads on first use. */
  usage: string | (() => Promise<string>);
  run(args: string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by every command (documented in the README). */
export const EXIT = {
  ok: 0,
  /** Invalid input, a failing case, or a problem with the environment (port in use, unreadable file). */
  invalid: 1,
  /** A mistake on the command line. */
  usage: 2,
  /** A defect of ours: CI can tell it from a wrong flag. */
  internal: 3,
} as const;

/** Thrown by argument parsing and commands for a user mistake on the command line: exit 2, no stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
