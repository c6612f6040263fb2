import { closestMatch } from '../util/did-you-mean.ts';
import { EXIT, UsageError, type CliIo, type Command } from './command.ts';

export function helpText(program: string, commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: ${program} <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun '${program} <command> --help' for a command's options.\n`;
}

/** Finds the command whose name is the longest prefix of the arguments. */
export function findCommand(commands: readonly Command[], args: readonly string[]): { command: Command; rest: string[] } | undefined {
  let best: { command: Command; rest: string[] } | undefined;
  for (const command of commands) {
    const words = command.name.split(' ');
    const matches = words.every((word, i) => args[i] === word);
    if (matches && (!best || words.length > best.command.name.split(' ').length)) {
      best = { command, rest: args.slice(words.length) };
    }
  }
  return best;
}

export async function dispatch(program: string, commands: readonly Command[], args: string[], io: CliIo): Promise<number> {
  const first = args[0];
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(helpText(program, commands));
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  const found = findCommand(commands, args);
  if (!found) {
    const names = [...new Set(commands.map((c) => c.name.split(' ')[0] ?? c.name))];
    const suggestion = closestMatch(first, names);
    io.stderr(`${program}: unknown command '${first}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}\n`);
    io.stderr(helpText(program, commands));
    return EXIT.usage;
  }
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    const usage = typeof found.command.usage === 'string' ? found.command.usage : await found.command.usage();
    io.stdout(usage.endsWith('\n') ? usage : `${usage}\n`);
    return EXIT.ok;
  }
  try {
    return await found.command.run(found.rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${program} ${found.command.name}: ${error.message}\n`);
      return EXIT.usage;
    }
    // Anything else is a defect of ours, not a user mistake: say so plainly, with the stack.
    io.stderr(`${program} ${found.command.name}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.usage;
  }
}
