import type { Command } from './command.ts';

/**
 * A command listed by name and summary whose implementation is imported on first use, so that
 * `validate` in CI does not pay for loading servers it never starts.
 */
export function lazyCommand(name: string, summary: string, load: () => Promise<Command>): Command {
  let loading: Promise<Command> | undefined;
  const real = (): Promise<Command> => (loading ??= load());
  return {
    name,
    summary,
    usage: async () => {
      const usage = (await real()).usage;
      return typeof usage === 'string' ? usage : usage();
    },
    run: async (args, io) => (await real()).run(args, io),
  };
}
