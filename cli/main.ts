// The product's command list. runtime/ owns the generic commands; system-specific ones (the
// sandbox, the agent) are composed in here so that runtime/ never names a system.
import { readFileSync } from 'node:fs';
import type { Command } from '../runtime/cli/command.ts';
import { dispatch, type ProgramInfo } from '../runtime/cli/dispatch.ts';
import { processIo, reportStrayErrors } from '../runtime/cli/process-io.ts';
import { testCommand } from '../runtime/cli/test-command.ts';
import { validateCommand } from '../runtime/cli/validate-command.ts';
import { initCommand } from '../runtime/cli/init-command.ts';
import { createRegistry } from '../runtime/connectors/registry.ts';
import { connectorDefinitions } from '../connectors/index.ts';
import { demoCommand } from './demo-command.ts';
import { lazyCommand } from '../runtime/cli/lazy-command.ts';

export const registry = createRegistry(connectorDefinitions);

const validate = validateCommand(registry);
const test = testCommand();

export const program: ProgramInfo = {
  name: 'ml-connector',
  version: (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version,
};

export const commands: readonly Command[] = [
  validate,
  test,
  initCommand(program, new URL('../templates/init/', import.meta.url)),
  demoCommand(validate, test),
  // The servers load only when asked for (a test checks that these summaries match theirs).
  lazyCommand('sandbox bamboohr', 'Run a local BambooHR stand-in (OAuth, employees, reports, webhooks, faults)', async () => (await import('../sandbox/bamboohr/command.ts')).bamboohrSandboxCommand),
  lazyCommand('agent', 'Run the Sage 100 agent (HTTPS in front of Sage 100, or its simulator)', async () => (await import('../agent/command.ts')).agentCommand),
  lazyCommand('agent keys', "Add, list or revoke the Sage 100 agent's API keys", async () => (await import('../agent/command.ts')).agentKeysCommand),
];

export async function main(args: string[]): Promise<number> {
  reportStrayErrors(program.name, { debug: args.includes('--debug'), version: program.version });
  return dispatch(program, commands, args, processIo());
}
