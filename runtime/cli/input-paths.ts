// The paths a command is given, as users write them: `-` for standard input and quoted globs, beside
// plain files and directories. Standard input is saved to a short-lived file in the working
// directory, so the relative references of a piped pipeline resolve as they would for a file there.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { expandGlob, isGlob } from '../lib/glob.ts';
import { UsageError, type CliIo } from './command.ts';

export const STDIN_NAME = '<stdin>';

export interface InputPaths {
  /** Directories and files to check; files in `named` were named by the user. */
  paths: string[];
  named: Set<string>;
  /** Files a glob matched: checked like files found by walking (foreign YAML is skipped). */
  globbed: Set<string>;
  /** The file standard input was saved to, shown as STDIN_NAME; remove it with `cleanup`. */
  stdinFile?: string;
  cleanup: () => Promise<void>;
}

async function saveStdin(io: CliIo): Promise<{ file: string; dir?: string }> {
  if (!io.readStdin) throw new UsageError("'-' reads standard input, and there is none here");
  const text = await io.readStdin();
  const name = `.ml-connector-stdin-${process.pid}.yaml`;
  try {
    const file = join(io.cwd, name);
    await writeFile(file, text, { flag: 'wx' });
    return { file };
  } catch {
    // A read-only checkout: references then resolve from a temporary directory instead.
    const dir = await mkdtemp(join(tmpdir(), 'mlc-stdin-'));
    const file = join(dir, name);
    await writeFile(file, text);
    return { file, dir };
  }
}

export async function resolveInputPaths(args: readonly string[], io: CliIo): Promise<InputPaths> {
  const paths: string[] = [];
  const named = new Set<string>();
  const globbed = new Set<string>();
  let stdin: { file: string; dir?: string } | undefined;
  for (const arg of args) {
    if (arg === '-') {
      if (stdin) throw new UsageError("'-' (standard input) can be given once");
      stdin = await saveStdin(io);
      paths.push(stdin.file);
      named.add(stdin.file);
    } else if (isGlob(arg) && !existsSync(resolve(io.cwd, arg))) {
      const matches = await expandGlob(arg, io.cwd);
      if (matches.length === 0) throw new UsageError(`no files match '${arg}'`);
      for (const match of matches.sort()) {
        paths.push(match);
        globbed.add(match);
      }
    } else {
      paths.push(resolve(io.cwd, arg));
    }
  }
  const saved = stdin;
  return {
    paths,
    named,
    globbed,
    ...(saved ? { stdinFile: saved.file } : {}),
    cleanup: async () => {
      if (saved) await rm(saved.dir ?? saved.file, { recursive: true, force: true });
    },
  };
}

/** The name a report uses for a file: STDIN_NAME for the saved standard input. */
export function displayName(file: string, inputs: InputPaths, cwd: string): string {
  return inputs.stdinFile && (file === inputs.stdinFile || file === (relative(cwd, inputs.stdinFile) || inputs.stdinFile)) ? STDIN_NAME : file;
}
