// The product's command list. runtime/ owns the generic commands; system-specific ones (the
// sandbox, the agent) are composed in here so that runtime/ never names a system.
import type { Command } from '../runtime/cli/command.ts';
import { dispatch } from '../runtime/cli/dispatch.ts';
import { processIo } from '../runtime/cli/process-io.ts';

export const commands: readonly Command[] = [];

export async function main(args: string[]): Promise<number> {
  return dispatch('ml-connector', commands, args, processIo());
}
