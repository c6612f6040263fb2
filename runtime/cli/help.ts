// The help texts the dispatcher prints: the command list, and the list under a group word such as
// `sandbox` (whose commands are `sandbox <system>`).
import type { Command } from './command.ts';

export function helpText(program: string, commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return (
    `Usage: ${program} <command> [options]\n\nCommands:\n${lines.join('\n')}\n\n` +
    `Options for every command:\n  --help, -h   the command's options\n  --debug      show the stack trace of an internal error\n  --version    print the version\n\n` +
    `Run '${program} help <command>' or '${program} <command> --help' for a command's options.\n`
  );
}

/** Commands named `<group> <word>…`; empty when `group` is not the first word of a longer name. */
export function groupMembers(commands: readonly Command[], group: string): Command[] {
  return commands.filter((c) => c.name.startsWith(`${group} `));
}

export function groupHelpText(program: string, group: string, members: readonly Command[]): string {
  const words = members.map((c) => c.name.slice(group.length + 1));
  const width = Math.max(...words.map((w) => w.length));
  const lines = members.map((c, i) => `  ${(words[i] ?? '').padEnd(width)}  ${c.summary}`);
  return `Usage: ${program} ${group} <name> [options]\n\n${lines.join('\n')}\n\nRun '${program} ${group} <name> --help' for its options.\n`;
}
