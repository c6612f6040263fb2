import { describe, expect, it } from 'vitest';
import { EXIT, UsageError, type CliIo, type Command } from './command.ts';
import { dispatch, findCommand } from './dispatch.ts';

function io(): CliIo & { out: string; err: string } {
  const state = { out: '', err: '' };
  return Object.assign(state, {
    stdout: (t: string) => {
      state.out += t;
    },
    stderr: (t: string) => {
      state.err += t;
    },
    env: {},
    cwd: '/',
    stopSignal: new AbortController().signal,
  });
}

const seen: string[][] = [];
const commands: Command[] = [
  { name: 'agent', summary: 'run', usage: 'agent usage', run: async (args) => (seen.push(['agent', ...args]), 0) },
  { name: 'agent keys', summary: 'keys', usage: 'keys usage', run: async (args) => (seen.push(['keys', ...args]), 0) },
  { name: 'validate', summary: 'check', usage: 'validate usage', run: async () => { throw new UsageError('--format must be text'); } },
  { name: 'boom', summary: 'bug', usage: '', run: async () => { throw new Error('defect'); } },
];

describe('dispatch', () => {
  it('prefers the longest multi-word command name', () => {
    expect(findCommand(commands, ['agent', 'keys', 'add'])?.command.name).toBe('agent keys');
    expect(findCommand(commands, ['agent', '--port', '1'])?.command.name).toBe('agent');
  });

  it('passes the remaining arguments', async () => {
    await dispatch('mlc', commands, ['agent', 'keys', 'add', 'ci'], io());
    expect(seen.at(-1)).toEqual(['keys', 'add', 'ci']);
  });

  it('suggests the closest command for a typo and exits 2', async () => {
    const out = io();
    expect(await dispatch('mlc', commands, ['valdate'], out)).toBe(EXIT.usage);
    expect(out.err).toContain("unknown command 'valdate' (did you mean 'validate'?)");
  });

  it('turns a usage error into a one-line message and exit 2, without a stack', async () => {
    const out = io();
    expect(await dispatch('mlc', commands, ['validate'], out)).toBe(EXIT.usage);
    expect(out.err).toBe('mlc validate: --format must be text\n');
  });

  it('reports a defect as an internal error with its stack, exit 2', async () => {
    const out = io();
    expect(await dispatch('mlc', commands, ['boom'], out)).toBe(EXIT.usage);
    expect(out.err).toMatch(/internal error: Error: defect\n\s+at /);
  });

  it('prints help for --help and for no command', async () => {
    const out = io();
    expect(await dispatch('mlc', commands, ['validate', '--help'], out)).toBe(EXIT.ok);
    expect(out.out).toBe('validate usage\n');
    const none = io();
    expect(await dispatch('mlc', commands, [], none)).toBe(EXIT.usage);
    expect(none.out).toContain('Commands:');
  });
});
