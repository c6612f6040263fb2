// The CLI commands as a user runs them: `agent keys add|list|revoke`, and `agent` printing its URL
// and fingerprint on start and stopping cleanly on the stop signal.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../runtime/cli/command.ts';
import { createDispatcher, httpRequest } from '../runtime/lib/http-client.ts';
import { agentCommand, agentKeysCommand, dataDir } from './command.ts';
import { tempDir } from './test-support.ts';

function io(cwd: string, controller = new AbortController()): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { LOG_LEVEL: 'silent' }, cwd, stopSignal: controller.signal };
}

describe('ml-connector agent keys', () => {
  it('adds (printing the key once), lists without secrets, and revokes', async () => {
    const dir = tempDir();
    const a = io(dir.path);
    expect(await agentKeysCommand.run(['add', '--name', 'runtime', '--data', dir.path], a)).toBe(0);
    const added = JSON.parse(a.out[0] ?? '') as { id: string; key: string; role: string };
    expect(added.key).toMatch(/^mlc_[0-9a-f]{12}_/);
    // The secret part may itself contain '_' (base64url), so strip the prefix rather than split.
    const secret = added.key.replace(/^mlc_[0-9a-f]{12}_/, '');
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(readFileSync(join(dir.path, 'api-keys.json'), 'utf8')).not.toContain(secret);
    const l = io(dir.path);
    await agentKeysCommand.run(['list', '--data', dir.path], l);
    expect(l.out[0]).toContain(added.id);
    expect(l.out[0]).not.toContain('sha256');
    expect(await agentKeysCommand.run(['revoke', added.id, '--data', dir.path], io(dir.path))).toBe(0);
    expect(await agentKeysCommand.run(['revoke', added.id, '--data', dir.path], io(dir.path))).toBe(1);
    await expect(agentKeysCommand.run(['add', '--data', dir.path], io(dir.path))).rejects.toThrow(/--name/);
    dir.remove();
  });
});

describe('ml-connector agent', () => {
  it('prints one JSON line with URL and fingerprint, serves, and stops on the stop signal', async () => {
    const dir = tempDir();
    const controller = new AbortController();
    const cli = io(dir.path, controller);
    const running = agentCommand.run(['--backend', 'sim', '--port', '0', '--host', '127.0.0.1', '--data', 'data'], cli);
    for (let i = 0; i < 200 && cli.out.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    const line = JSON.parse(cli.out[0] ?? '{}') as { event: string; url: string; fingerprint256: string; apiKeys: number };
    expect(line).toMatchObject({ event: 'listening', apiKeys: 0 });
    expect(line.fingerprint256).toMatch(/^[0-9A-F]{64}$/);
    expect(cli.err.join('')).toMatch(/agent keys add/);
    const cert = readFileSync(join(dir.path, 'data', 'agent-cert.pem'), 'utf8');
    const dispatcher = createDispatcher({ ca: cert, fingerprint256: line.fingerprint256 });
    expect((await httpRequest(`${line.url}/v1/health`, { dispatcher })).status).toBe(200);
    controller.abort();
    expect(await running).toBe(0);
    await expect(httpRequest(`${line.url}/v1/health`, { dispatcher: createDispatcher({ ca: cert }) })).rejects.toThrow();
    await dispatcher.close();
    dir.remove();
  });

  it('refuses bad options with a usage error', async () => {
    await expect(agentCommand.run(['--backend', 'odbc'], io('/tmp'))).rejects.toThrow(/sim or boi/);
    await expect(agentCommand.run(['--backend', 'boi', '--port', '0'], io('/tmp'))).rejects.toThrow(/--home/);
  });

  it('validates numeric options instead of switching a limit off (issue 16, finding 7)', async () => {
    for (const [option, value] of [['--max-body-bytes', 'abc'], ['--max-body-bytes', '1e9'], ['--sim-licences', '2.5'], ['--port', '80x'], ['--sessions', '0']] as const) {
      await expect(agentCommand.run([option, value, '--data', '/nonexistent/agent'], io('/tmp')), `${option} ${value}`).rejects.toThrow(new RegExp(`${option} must be a whole number`));
    }
  });

  it('keeps its data outside the working directory by default, and refuses an unsafe one without a stack trace', async () => {
    const env = (extra: Record<string, string>): CliIo => ({ ...io('/work/checkout'), env: extra });
    expect(dataDir(undefined, env({ HOME: '/home/ops' }), 'linux')).toBe('/home/ops/.local/state/ml-connector/agent');
    expect(dataDir(undefined, env({ HOME: '/home/ops', XDG_STATE_HOME: '/state' }), 'linux')).toBe('/state/ml-connector/agent');
    expect(dataDir(undefined, env({ LOCALAPPDATA: 'C:\\Users\\svc\\AppData\\Local' }), 'win32')).toMatch(/^C:\\Users\\svc\\AppData\\Local.ml-connector.agent$/);
    expect(dataDir('data', env({}), 'linux')).toBe('/work/checkout/data');
    if (process.platform === 'win32') return;
    const dir = tempDir();
    chmodSync(dir.path, 0o777);
    const cli = io(dir.path);
    expect(await agentCommand.run(['--port', '0', '--data', dir.path], cli)).toBe(1);
    expect(cli.err.join('')).toMatch(/refusing to start: .*can be written by other users[\s\S]*fix: chmod 700/);
    expect(cli.err.join('')).not.toMatch(/\n\s+at /);
    dir.remove();
  });
});

describe('ml-connector agent --profile', () => {
  async function started(cli: ReturnType<typeof io>): Promise<{ url: string; fingerprint256: string }> {
    for (let i = 0; i < 200 && cli.out.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    return JSON.parse(cli.out[0] ?? '{}') as { url: string; fingerprint256: string };
  }

  it("classifies Sage's texts by the profile's patterns (the install-time override the README promises)", async () => {
    const dir = tempDir();
    const keys = io(dir.path);
    await agentKeysCommand.run(['add', '--name', 'admin', '--admin', '--data', 'data'], keys);
    const { key } = JSON.parse(keys.out[0] ?? '') as { key: string };
    writeFileSync(join(dir.path, 'sage-profile.json'), JSON.stringify({ profileVersion: 1, messages: { lock: 'gesperrt' } }));
    const controller = new AbortController();
    const cli = io(dir.path, controller);
    const running = agentCommand.run(['--backend', 'sim', '--port', '0', '--host', '127.0.0.1', '--data', 'data', '--sim-lock-message', 'Datensatz gesperrt', '--profile', 'sage-profile.json'], cli);
    const line = await started(cli);
    const dispatcher = createDispatcher({ ca: readFileSync(join(dir.path, 'data', 'agent-cert.pem'), 'utf8'), fingerprint256: line.fingerprint256 });
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    await httpRequest(`${line.url}/v1/_admin/sim/lock`, { method: 'POST', headers, dispatcher, body: JSON.stringify({ company: 'KBS', table: 'GL_SubAccount', key: ['03', 'OPS'] }) });
    const put = await httpRequest(`${line.url}/v1/companies/KBS/segments/03/values/OPS`, { method: 'PUT', headers: { ...headers, 'if-match': '*', 'idempotency-key': 'k1' }, dispatcher, body: JSON.stringify({ description: 'x' }) });
    expect(put.status).toBe(423);
    expect((put.json() as { error: { sageMessage: string } }).error.sageMessage).toBe('Datensatz gesperrt');
    const status = await httpRequest(`${line.url}/v1/_admin/status`, { headers, dispatcher });
    expect((status.json() as { profile: unknown }).profile).toMatchObject({ source: 'file', verified: false, headcount: false });
    const headcount = await httpRequest(`${line.url}/v1/companies/KBS/headcount?period=2026-11`, { headers, dispatcher });
    expect(headcount.status).toBe(501);
    controller.abort();
    expect(await running).toBe(0);
    await dispatcher.close();
    dir.remove();
  });

  it('a profile with an unknown key, a wrong type or a pattern that does not compile: a clear error, exit 1, nothing listens', async () => {
    const dir = tempDir();
    const cases: Array<[object, RegExp]> = [
      [{ profileVersion: 1, budgt: {} }, /unknown key 'budgt'/],
      [{ profileVersion: 1, byRef: { numeric: 3 } }, /\/byRef\/numeric/],
      [{ profileVersion: 1, messages: { security: '[rights' } }, /messages\.security is not a valid regular expression/],
    ];
    for (const [document, message] of cases) {
      writeFileSync(join(dir.path, 'p.json'), JSON.stringify(document));
      const cli = io(dir.path);
      expect(await agentCommand.run(['--backend', 'sim', '--port', '0', '--data', 'data', '--profile', 'p.json'], cli)).toBe(1);
      expect(cli.err.join('')).toMatch(message);
      expect(cli.err.join('')).toMatch(/did not start/);
      expect(cli.out).toEqual([]);
    }
    dir.remove();
  });
});
