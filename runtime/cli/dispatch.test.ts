import { describe, expect, it } from 'vitest';
import { ConnectorRuntimeError } from '../errors.ts';
import { EXIT, UsageError, type CliIo, type Command } from './command.ts';
import { dispatch, findCommand } from './dispatch.ts';

function io(env: NodeJS.ProcessEnv = {}): CliIo & { out: string; err: string } {
  const state = { out: '', err: '' };
  return Object.assign(state, {
    stdout: (t: string) => {
      state.out += t;
    },
    stderr: (t: string) => {
      state.err += t;
    },
    env,
    cwd: '/',
    stopSignal: new AbortController().signal,
  });
}

const program = { name: 'mlc', version: '9.8.7' };
const seen: string[][] = [];
const errno = (code: string, message: string): NodeJS.ErrnoException => Object.assign(new Error(message), { code });
const commands: Command[] = [
  { name: 'agent', summary: 'run', usage: 'agent usage', run: async (args) => (seen.push(['agent', ...args]), 0) },
  { name: 'agent keys', summary: 'keys', usage: 'keys usage', run: async (args) => (seen.push(['keys', ...args]), 0) },
  { name: 'validate', summary: 'check', usage: 'validate usage', run: async () => { throw new UsageError('--format must be text'); } },
  { name: 'boom', summary: 'bug', usage: '', run: async () => { throw new Error('defect'); } },
  { name: 'listen', summary: 'port', usage: '', run: async () => { throw errno('EADDRINUSE', 'listen EADDRINUSE: address already in use 127.0.0.1:8443'); } },
  { name: 'open', summary: 'file', usage: '', run: async () => { throw Object.assign(errno('ENOENT', "ENOENT: no such file, open '/x.pem'"), { path: '/x.pem' }); } },
  { name: 'broken', summary: 'state', usage: '', run: async () => { throw new ConnectorRuntimeError('MLC_STATE_CORRUPT', 'state.json is damaged'); } },
  { name: 'later', summary: 'config problem', usage: '', run: async () => { throw new ConnectorRuntimeError('MLC_REAUTHORIZE_REQUIRED', 'x needs authorizing again'); } },
  { name: 'sandbox alpha', summary: 'first system', usage: 'alpha usage', run: async () => 0 },
  { name: 'sandbox beta', summary: 'second system', usage: 'beta usage', run: async () => 0 },
];

describe('dispatch', () => {
  it('prefers the longest multi-word command name', () => {
    expect(findCommand(commands, ['agent', 'keys', 'add'])?.command.name).toBe('agent keys');
    expect(findCommand(commands, ['agent', '--port', '1'])?.command.name).toBe('agent');
  });

  it('passes the remaining arguments, without --debug', async () => {
    await dispatch(program, commands, ['agent', 'keys', 'add', '--debug', 'ci'], io());
    expect(seen.at(-1)).toEqual(['keys', 'add', 'ci']);
  });

  it('suggests the closest command for a typo and exits 2', async () => {
    const out = io();
    expect(await dispatch(program, commands, ['valdate'], out)).toBe(EXIT.usage);
    expect(out.err).toContain("error MLC_USAGE: unknown command 'valdate' (did you mean 'validate'?)");
  });

  it('turns a usage error into one line with MLC_USAGE and exit 2, without a stack', async () => {
    const out = io();
    expect(await dispatch(program, commands, ['validate'], out)).toBe(EXIT.usage);
    expect(out.err).toBe('mlc validate: error MLC_USAGE: --format must be text\n');
  });

  it('reports a defect as MLC_INTERNAL, exit 3, with a report-this line and no stack', async () => {
    const out = io();
    expect(await dispatch(program, commands, ['boom'], out)).toBe(EXIT.internal);
    expect(out.err).toContain('mlc boom: internal error MLC_INTERNAL: defect\n');
    expect(out.err).toContain('this is a bug in ml-connector 9.8.7');
    expect(out.err).toContain('--debug');
    expect(out.err).not.toMatch(/^\s+at /m);
  });

  it('shows the stack of a defect with --debug or ML_CONNECTOR_DEBUG=1', async () => {
    for (const [args, env] of [[['boom', '--debug'], {}], [['boom'], { ML_CONNECTOR_DEBUG: '1' }]] as const) {
      const out = io(env);
      expect(await dispatch(program, commands, [...args], out)).toBe(EXIT.internal);
      expect(out.err).toMatch(/Error: defect\n\s+at /);
    }
  });

  it('a port in use, a missing file and a damaged state file are one line and exit 1', async () => {
    for (const [name, expected] of [
      ['listen', 'mlc listen: error: cannot listen on 127.0.0.1:8443: the port is already in use (choose another with --port)\n'],
      ['open', 'mlc open: error: /x.pem does not exist (ENOENT)\n'],
      ['broken', 'mlc broken: error MLC_STATE_CORRUPT: state.json is damaged\n'],
    ] as const) {
      const out = io();
      expect(await dispatch(program, commands, [name], out)).toBe(EXIT.invalid);
      expect(out.err).toBe(expected);
    }
  });

  it('a config error is not a bug: exit 1, no report-this line', async () => {
    const out = io();
    expect(await dispatch(program, commands, ['later'], out)).toBe(EXIT.invalid);
    expect(out.err).toBe('mlc later: error MLC_REAUTHORIZE_REQUIRED: x needs authorizing again\n');
  });

  it('prints help for --help, help <command> and no command', async () => {
    const out = io();
    expect(await dispatch(program, commands, ['validate', '--help'], out)).toBe(EXIT.ok);
    expect(out.out).toBe('validate usage\n');
    const asked = io();
    expect(await dispatch(program, commands, ['help', 'agent', 'keys'], asked)).toBe(EXIT.ok);
    expect(asked.out).toBe('keys usage\n');
    const none = io();
    expect(await dispatch(program, commands, [], none)).toBe(EXIT.usage);
    expect(none.out).toContain('Commands:');
    const unknown = io();
    expect(await dispatch(program, commands, ['help', 'nope'], unknown)).toBe(EXIT.usage);
  });

  it('--version prints the version', async () => {
    const out = io();
    expect(await dispatch(program, commands, ['--version'], out)).toBe(EXIT.ok);
    expect(out.out).toBe('9.8.7\n');
  });

  it('a group word alone lists its members; a wrong member is suggested', async () => {
    const alone = io();
    expect(await dispatch(program, commands, ['sandbox'], alone)).toBe(EXIT.usage);
    expect(alone.out).toMatch(/alpha\s+first system\n\s+beta\s+second system/);
    const asked = io();
    expect(await dispatch(program, commands, ['help', 'sandbox'], asked)).toBe(EXIT.ok);
    expect(asked.out).toBe(alone.out);
    const typo = io();
    expect(await dispatch(program, commands, ['sandbox', 'alpah'], typo)).toBe(EXIT.usage);
    expect(typo.err).toContain("unknown sandbox 'alpah' (did you mean 'sandbox alpha'?)");
    const option = io();
    expect(await dispatch(program, commands, ['sandbox', '--port', '1'], option)).toBe(EXIT.usage);
    expect(option.err).toContain("'sandbox' needs a name before its options");
  });
});
