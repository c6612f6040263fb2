// The command list: lazily loaded commands describe themselves as their implementations do.
import { describe, expect, it } from 'vitest';
import { commands } from '../cli/main.ts';
import { agentCommand, agentKeysCommand } from '../agent/command.ts';
import { agentSelftestCommand } from '../agent/selftest/command.ts';
import { bamboohrSandboxCommand } from '../sandbox/bamboohr/command.ts';
import { demo, test, validate } from '../cli/checks.ts';
import { runCli } from './support/cli.ts';
import { planCommand } from '../runtime/cli/plan-command.ts';
import { replayCommand, runCommand } from '../runtime/cli/run-command.ts';
import { auditCommand, quarantineListCommand, snapshotExportCommand } from '../runtime/cli/state-commands.ts';
import { createRegistry } from '../runtime/connectors/registry.ts';
import { serveCommand } from '../runtime/cli/serve-command.ts';

const none = createRegistry([]);
const engineCommands = [runCommand(none), planCommand(none), replayCommand(none), auditCommand(), quarantineListCommand(), snapshotExportCommand(), serveCommand(none)];

describe('command list', () => {
  it.each([validate, test, demo, bamboohrSandboxCommand, agentCommand, agentKeysCommand, agentSelftestCommand, ...engineCommands])('$name is listed with its own name and summary', (real) => {
    const listed = commands.find((c) => c.name === real.name);
    expect(listed?.summary).toBe(real.summary);
  });

  it.each([bamboohrSandboxCommand, agentCommand, agentKeysCommand, agentSelftestCommand])('$name --help prints its usage after loading it', async (real) => {
    const run = await runCli([...real.name.split(' '), '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(String(real.usage).trim());
  });
});
