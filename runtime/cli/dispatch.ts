import { closestMatch } from '../util/did-you-mean.ts';
import { EXIT, type CliIo, type Command } from './command.ts';
import { describeFailure, USAGE_CODE } from './failure.ts';
import { groupHelpText, groupMembers, helpText } from './help.ts';

export interface ProgramInfo {
  name: string;
  version: string;
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

async function usageOf(command: Command): Promise<string> {
  const usage = typeof command.usage === 'string' ? command.usage : await command.usage();
  return usage.endsWith('\n') ? usage : `${usage}\n`;
}

/** `help`, `help <command…>`: the command's usage, a group's list, or the whole list. */
async function help(program: ProgramInfo, commands: readonly Command[], words: string[], io: CliIo): Promise<number> {
  if (words.length === 0) {
    io.stdout(helpText(program.name, commands));
    return EXIT.ok;
  }
  const found = findCommand(commands, words);
  if (found && found.rest.length === 0) {
    io.stdout(await usageOf(found.command));
    return EXIT.ok;
  }
  return unknownCommand(program.name, commands, words, io, 'help');
}

function unknownCommand(program: string, commands: readonly Command[], args: readonly string[], io: CliIo, asked?: 'help'): number {
  const first = args[0] ?? '';
  const members = groupMembers(commands, first);
  const word = args[1];
  if (members.length > 0 && word === undefined) {
    // `sandbox` alone: the list of what it can start, not "unknown command".
    io.stdout(groupHelpText(program, first, members));
    return asked === 'help' ? EXIT.ok : EXIT.usage;
  }
  if (members.length > 0) {
    const names = members.map((c) => c.name.slice(first.length + 1));
    const suggestion = word?.startsWith('-') ? undefined : closestMatch(word ?? '', names);
    const problem = word?.startsWith('-') ? `'${first}' needs a name before its options` : `unknown ${first} '${word}'`;
    io.stderr(`${program}: error ${USAGE_CODE}: ${problem}${suggestion ? ` (did you mean '${first} ${suggestion}'?)` : ''}\n`);
    io.stderr(groupHelpText(program, first, members));
    return EXIT.usage;
  }
  const names = [...new Set(commands.map((c) => c.name.split(' ')[0] ?? c.name))];
  const suggestion = closestMatch(first, names);
  io.stderr(`${program}: error ${USAGE_CODE}: unknown command '${first}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}\n`);
  io.stderr(helpText(program, commands));
  return EXIT.usage;
}

/**
 * Runs one command line. Every error a command throws ends here and is shown by describeFailure:
 * one line for a user mistake, a report-this message for a defect (its stack only with --debug).
 */
export async function dispatch(info: ProgramInfo, commands: readonly Command[], argv: string[], io: CliIo): Promise<number> {
  // --debug is accepted anywhere so it can be added to the end of a command that just failed.
  const debug = argv.includes('--debug') || io.env.ML_CONNECTOR_DEBUG === '1';
  const args = argv.filter((a) => a !== '--debug');
  const first = args[0];
  if (first === '--version' || first === '-V') {
    io.stdout(`${info.version}\n`);
    return EXIT.ok;
  }
  if (first === 'help' || first === '--help' || first === '-h') return help(info, commands, first === 'help' ? args.slice(1) : [], io);
  if (first === undefined) {
    io.stdout(helpText(info.name, commands));
    return EXIT.usage;
  }
  const found = findCommand(commands, args);
  if (!found) return unknownCommand(info.name, commands, args, io);
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    io.stdout(await usageOf(found.command));
    return EXIT.ok;
  }
  try {
    return await found.command.run(found.rest, io);
  } catch (error) {
    const failure = describeFailure(`${info.name} ${found.command.name}`, error, { debug, version: info.version });
    io.stderr(failure.text);
    return failure.exitCode;
  }
}
