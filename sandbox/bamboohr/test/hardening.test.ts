// Issue 16, finding 6 and the sandbox's part of finding 7: the sandbox survives its own faults (a
// data file that cannot be written, a flood of idle connections), keeps its secrets file private,
// and its admin API cannot be driven by a web page or reached from the network without a token.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { httpRequest } from '../../../runtime/lib/http-client.ts';
import { tempDir } from '../../../agent/test-support.ts';
import { bamboohrSandboxCommand } from '../command.ts';
import { saveSnapshot } from '../persistence.ts';
import { startBambooSandbox } from '../server.ts';
import { SandboxStartError } from '../start-error.ts';
import { startClient } from './helpers.ts';

async function until(predicate: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe('sandbox persistence under faults', () => {
  it('a save that fails (disk full) is logged and retried; the sandbox keeps serving', async () => {
    const dir = tempDir('sandbox-');
    const file = join(dir.path, 'state.json');
    let attempts = 0;
    const c = await startClient({
      dataFile: file,
      employees: 5,
      saveSnapshot: (target, companies) => {
        attempts++;
        if (attempts <= 2) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        saveSnapshot(target, companies);
      },
    });
    expect((await c.admin('/companies/keystone/employees', 'POST', { firstName: 'Ada', lastName: 'Byron' })).status).toBe(201);
    await until(() => existsSync(file));
    expect(attempts).toBe(3);
    expect((await c.admin('/faults')).status).toBe(200);
    await c.sandbox.close();
    dir.remove();
  });

  it('survives its data folder disappearing, saves again when it is back, and writes the file 0600 under umask 000', async () => {
    const dir = tempDir('sandbox-');
    const folder = join(dir.path, 'data');
    mkdirSync(folder);
    const file = join(folder, 'state.json');
    const previous = process.umask(0);
    try {
      const c = await startClient({ dataFile: file, employees: 5 });
      rmSync(folder, { recursive: true });
      expect((await c.admin('/companies/keystone/employees', 'POST', { firstName: 'Grace', lastName: 'Hopper' })).status).toBe(201);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await c.admin('/faults')).status).toBe(200);
      mkdirSync(folder);
      await until(() => existsSync(file));
      expect(statSync(file).mode & 0o777).toBe(0o600);
      await c.sandbox.close();
    } finally {
      process.umask(previous);
    }
    dir.remove();
  });

  it('refuses a --data file whose folder does not exist, at start', async () => {
    await expect(startBambooSandbox({ dataFile: '/nonexistent-folder/state.json' })).rejects.toBeInstanceOf(SandboxStartError);
    const stop = new AbortController();
    await expect(bamboohrSandboxCommand.run(['--data', '/nonexistent-folder/state.json'], { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: '/tmp', stopSignal: stop.signal })).rejects.toThrow(/folder of the data file does not exist/);
  });
});

describe('the sandbox admin API', () => {
  it('needs a token to be served off loopback (refused before listening)', async () => {
    await expect(startBambooSandbox({ host: '0.0.0.0' })).rejects.toThrow(/admin token/);
  });

  it('refuses cross-site requests: text/plain or form bodies, Origin, Sec-Fetch-Site', async () => {
    const c = await startClient({ employees: 5 });
    const reset = (headers: Record<string, string>, body?: string) => httpRequest(`${c.sandbox.url}/_sandbox/reset`, { method: 'POST', headers, ...(body !== undefined ? { body } : {}) });
    expect((await reset({ 'content-type': 'text/plain' }, '{}')).status).toBe(415);
    expect((await reset({ 'content-type': 'application/x-www-form-urlencoded' }, 'a=b')).status).toBe(415);
    expect((await reset({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await reset({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await reset({})).status).toBe(200);
    await c.sandbox.close();
  });

  it('answers 400, not 500, to __proto__ in a faults patch and to nested custom-report fields', async () => {
    const c = await startClient({ employees: 5 });
    for (const body of ['{"__proto__":{"latencyMs":5}}', '{"constructor":{}}']) {
      const r = await httpRequest(`${c.sandbox.url}/_sandbox/faults`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body });
      expect(r.status, body).toBe(400);
    }
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const report = await c.call('/api/v1/reports/custom?format=json', { body: `{"fields":${deep}}` });
    expect(report.status).toBe(400);
    await c.sandbox.close();
  });
});

describe('the sandbox under 1,100 idle connections from one address with a 1,024 file limit', () => {
  it.runIf(process.platform === 'linux')('keeps serving other clients while one address holds them', async () => {
    const bin = fileURLToPath(new URL('../../../bin/ml-connector.mjs', import.meta.url));
    const child = spawn('sh', ['-c', `ulimit -n 1024 && exec "${process.execPath}" "${bin}" sandbox bamboohr --port 0 --employees 5`], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, LOG_LEVEL: 'silent' } });
    let exited = false;
    child.once('exit', () => (exited = true));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0] ?? '{}') as { url: string }).url);
      });
      child.once('exit', () => reject(new Error('the sandbox exited before listening')));
    });
    const port = Number(new URL(url).port);
    const sockets: Socket[] = [];
    for (let i = 0; i < 1100; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, () =>
          new Promise<void>((resolve) => {
            const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' }, () => resolve());
            socket.on('error', () => resolve());
            socket.on('close', () => resolve());
            sockets.push(socket);
          }),
        ),
      );
    }
    let served = 0;
    for (let i = 0; i < 20; i++) if ((await httpRequest(`${url}/_sandbox/faults`).then((r) => r.status, () => 0)) === 200) served++;
    sockets.forEach((s) => s.destroy());
    expect({ exited, served }).toEqual({ exited: false, served: 20 });
    child.kill('SIGTERM');
  }, 60_000);
});
