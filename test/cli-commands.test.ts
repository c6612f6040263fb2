// The command list: lazily loaded commands describe themselves as their implementations do.
import { describe, expect, it } from 'vitest';
import { commands } from '../cli/main.ts';
import { agentCommand, agentKeysCommand } from '../agent/command.ts';
import { agentSelftestCommand } from '../agent/selftest/command.ts';
import { bamboohrSandboxCommand } from '../sandbox/bamboohr/command.ts';
import { demo, test, validate } from '../cli/checks.ts';
import { runCli } from './support/cli.ts';

describe('command list', () => {
  it.each([validate, test, demo, bamboohrSandboxCommand, agentCommand, agentKeysCommand, agentSelftestCommand])('$name is listed with its own name and summary', (real) => {
    const listed = commands.find((c) => c.name === real.name);
    expect(listed?.summary).toBe(real.summary);
  });

  it.each([bamboohrSandboxCommand, agentCommand, agentKeysCommand, agentSelftestCommand])('$name --help prints its usage after loading it', async (real) => {
    const run = await runCli([...real.name.split(' '), '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(String(real.usage).trim());
  });
});
