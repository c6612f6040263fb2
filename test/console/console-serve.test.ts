// The console as `serve` mounts it: on loopback an operator session without login, the served
// pipelines listed with their version, a held record replayed through the worker, and --no-console.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../runtime/cli/command.ts';
import { serveCommand } from '../../runtime/cli/serve-command.ts';
import { createRegistry } from '../../runtime/connectors/registry.ts';
import { copyFixture } from '../support/engine-harness.ts';
import { sourceData, testSinkDefinition, testSourceDefinition, type SinkProbe } from '../support/test-connectors.ts';

async function serve(extra: string[]): Promise<{ url: string; stop(): Promise<number> }> {
  const dir = copyFixture();
  const probe: SinkProbe = { effects: [], keysSeen: [] };
  const registry = createRegistry([testSourceDefinition(sourceData(5)), testSinkDefinition(probe)]);
  const stop = new AbortController();
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), env: { LOG_LEVEL: 'silent' }, cwd: dir, stopSignal: stop.signal };
  const exit = serveCommand(registry).run([dir, '--port', '0', '--data', join(dir, 'state'), '--store', 'memory:', ...extra], io);
  for (let i = 0; i < 400 && !out.includes('"url"') && err.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  if (!out.includes('"url"')) throw new Error(`serve did not start: ${err}`);
  const { url } = JSON.parse(out.split('\n')[0] as string) as { url: string };
  return { url, stop: async () => (stop.abort(), exit) };
}

describe('console under serve', () => {
  let running: { stop(): Promise<number> } | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('serves the page and the API on the same port, open on loopback', async () => {
    const s = await serve([]);
    running = s;
    expect((await fetch(`${s.url}/`)).status).toBe(200);
    const session = await fetch(`${s.url}/api/session`);
    const info = (await session.json()) as { authenticated: boolean; role: string };
    expect(info).toMatchObject({ authenticated: true, role: 'operator' });
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const list = (await (await fetch(`${s.url}/api/pipelines`, { headers: { cookie } })).json()) as { pipelines: { name: string; version: string; state: string }[] };
    expect(list.pipelines).toHaveLength(1);
    expect(list.pipelines[0]?.version).toMatch(/\S/);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it('is off with --no-console', async () => {
    const s = await serve(['--no-console']);
    running = s;
    expect((await fetch(`${s.url}/`)).status).toBe(404);
    expect((await fetch(`${s.url}/api/session`)).status).toBe(404);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });
});
