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
import { lazyCommand } from '../runtime/cli/lazy-command.ts';
import { secretsCommand } from '../runtime/cli/secrets-command.ts';

export const registry = createRegistry(connectorDefinitions);

const validate = validateCommand(registry);
const test = testCommand(registry);

export const commands: readonly Command[] = [
  validate,
  test,
  demoCommand(validate, test),
  secretsCommand(),
  // The servers load only when asked for (a test checks that these summaries match theirs).
  // The engine's commands load on first use too (validate in CI does not pay for them).
  lazyCommand('run', 'run a pipeline once: read, map, compare with the sink, apply, commit', async () => (await import('../runtime/cli/run-command.ts')).runCommand(registry)),
  lazyCommand('plan', 'show what a run would change in the sink, writing nothing', async () => (await import('../runtime/cli/plan-command.ts')).planCommand(registry)),
  lazyCommand('serve', 'Run every pipeline of a folder: webhooks, cron, retries, health and metrics', async () => (await import('../runtime/cli/serve-command.ts')).serveCommand(registry)),
  lazyCommand('replay', 'run quarantined records again through the current pipeline', async () => (await import('../runtime/cli/run-command.ts')).replayCommand(registry)),
  lazyCommand('audit', "show a record's trail: read, mapped, written, quarantined", async () => (await import('../runtime/cli/state-commands.ts')).auditCommand()),
  lazyCommand('quarantine list', 'list quarantined records and their causes', async () => (await import('../runtime/cli/state-commands.ts')).quarantineListCommand()),
  lazyCommand('snapshot export', 'write the mirror and the last actual state, for plan --from-snapshot', async () => (await import('../runtime/cli/state-commands.ts')).snapshotExportCommand()),
  lazyCommand('sandbox bamboohr', 'Run a local BambooHR stand-in (OAuth, employees, reports, webhooks, faults)', async () => (await import('../sandbox/bamboohr/command.ts')).bamboohrSandboxCommand),
  lazyCommand('agent', 'Run the Sage 100 agent (HTTPS in front of Sage 100, or its simulator)', async () => (await import('../agent/command.ts')).agentCommand),
  lazyCommand('agent keys', "Add, list or revoke the Sage 100 agent's API keys", async () => (await import('../agent/command.ts')).agentKeysCommand),
  lazyCommand('agent selftest', 'Probe Sage 100 (read-only) and write a site profile for the agent', async () => (await import('../agent/selftest/command.ts')).agentSelftestCommand),
];

export async function main(args: string[]): Promise<number> {
  return dispatch('ml-connector', commands, args, processIo());
}
