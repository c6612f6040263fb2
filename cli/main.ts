// The product's command list. runtime/ owns the generic commands; system-specific ones (the
// sandbox, the agent) are composed in here so that runtime/ never names a system.
import type { Command } from '../runtime/cli/command.ts';
import { dispatch } from '../runtime/cli/dispatch.ts';
import { processIo } from '../runtime/cli/process-io.ts';
import { testCommand } from '../runtime/cli/test-command.ts';
import { validateCommand } from '../runtime/cli/validate-command.ts';
import { createRegistry } from '../runtime/connectors/registry.ts';
import { connectorDefinitions } from '../connectors/index.ts';
import { demoCommand } from './demo-command.ts';
import { bamboohrSandboxCommand } from '../sandbox/bamboohr/command.ts';
import { agentCommand, agentKeysCommand } from '../agent/command.ts';

export const registry = createRegistry(connectorDefinitions);

const validate = validateCommand(registry);
const test = testCommand();

export const commands: readonly Command[] = [
  validate,
  test,
  demoCommand(validate, test),
  bamboohrSandboxCommand,
  agentCommand,
  agentKeysCommand,
];

export async function main(args: string[]): Promise<number> {
  return dispatch('ml-connector', commands, args, processIo());
}
