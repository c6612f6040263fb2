// `serve` in-process over 127.0.0.1 with the test connectors: signed deliveries become one coalesced
// batch, duplicates are answered once, the worker writes the change, and SIGTERM-style stop drains.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../runtime/cli/command.ts';
import { serveCommand } from '../../runtime/cli/serve-command.ts';
import { createRegistry } from '../../runtime/connectors/registry.ts';
import { copyFixture } from '../support/engine-harness.ts';
import { editRecord, sourceData, testSinkDefinition, testSourceDefinition, type SinkProbe } from '../support/test-connectors.ts';
import { signTest } from '../support/test-webhook.ts';

interface Running {
  url: string;
  stop(): Promise<number>;
  stderr(): string;
}

const waitFor = async (condition: () => boolean | Promise<boolean>, what: string): Promise<void> => {
  for (let i = 0; i < 400; i += 1) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
};

async function startServe(dir: string, probe: SinkProbe, data = sourceData(20)): Promise<Running> {
  const registry = createRegistry([testSourceDefinition(data), testSinkDefinition(probe)]);
  const stop = new AbortController();
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    env: { ML_CONNECTOR_SECRET_HOOK_KEY: 'hook-secret', LOG_LEVEL: 'silent' },
    cwd: dir,
    stopSignal: stop.signal,
  };
  const exit = serveCommand(registry).run([dir, '--port', '0', '--data', join(dir, 'state'), '--store', 'memory:'], io);
  await waitFor(() => out.includes('"url"') || err.length > 0, 'serve to start');
  if (!out.includes('"url"')) throw new Error(`serve did not start: ${err}`);
  const { url } = JSON.parse(out.split('\n')[0] as string) as { url: string };
  return { url, stderr: () => err, stop: async () => (stop.abort(), exit) };
}

function withWebhook(dir: string): void {
  const file = join(dir, 'pipeline.yaml');
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace('triggers:\n', 'triggers:\n  - { type: webhook, path: /hooks/test, signingKey: "${secret:hook-key}" }\n'));
}

async function deliver(url: string, ids: number[], key = 'hook-secret', timestamp = String(Math.floor(Date.now() / 1000))): Promise<number> {
  const body = JSON.stringify({ ids });
  const response = await fetch(`${url}/hooks/test`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-timestamp': timestamp, 'x-test-signature': signTest(body, key, timestamp) }, body });
  return response.status;
}

describe('serve', () => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('takes signed deliveries, refuses forged ones, and writes the change the record causes', async () => {
    const dir = copyFixture();
    withWebhook(dir);
    const probe: SinkProbe = { effects: [], keysSeen: [] };
    const data = sourceData(20);
    running = await startServe(dir, probe, data);
    expect(await deliver(running.url, [1], 'wrong-key')).toBe(401);
    editRecord(data, '3', { department: 'Yard' });
    const signedAt = String(Math.floor(Date.now() / 1000));
    expect(await deliver(running.url, [3], 'hook-secret', signedAt)).toBe(202);
    // The same bytes with the same signed time: the same delivery again, answered once.
    expect(await deliver(running.url, [3], 'hook-secret', signedAt)).toBe(200);
    await waitFor(() => probe.effects.some((e) => e.entity === 'headcount'), 'the headcount write');
    const metricsText = (): Promise<string> => fetch(`${running?.url}/metrics`).then((r) => r.text());
    // The batch's phases are observed once it has committed.
    await waitFor(async () => /mlc_batch_phase_seconds_count\{pipeline="test-headcount",phase="commit"\} [1-9]/.test(await metricsText()), 'the batch phases in /metrics');
    const metrics = await metricsText();
    expect(metrics).toMatch(/mlc_webhook_deliveries_total\{pipeline="test-headcount",outcome="forged"\} 1/);
    for (const phase of ['read', 'steps', 'actual', 'apply']) expect(metrics).toMatch(new RegExp(`mlc_batch_phase_seconds_count\\{pipeline="test-headcount",phase="${phase}"\\} [1-9]`));
    const ready = await fetch(`${running.url}/readyz`).then((r) => r.json() as Promise<{ ready: boolean; pipelines: Record<string, { state: string }> }>);
    expect(ready.ready).toBe(true);
    expect(Object.keys(ready.pipelines)).toEqual(['test-headcount']);
  });

  it('reads a delivery\'s record once, started as the delivery is verified, and a later delivery reads again', async () => {
    const dir = copyFixture();
    withWebhook(dir);
    const probe: SinkProbe = { effects: [], keysSeen: [] };
    const data = sourceData(20);
    running = await startServe(dir, probe, data);
    const headcounts = (): string[] => probe.effects.filter((e) => e.entity === 'headcount').map((e) => JSON.stringify(e));
    editRecord(data, '4', { department: 'Yard' });
    expect(await deliver(running.url, [4])).toBe(202);
    await waitFor(() => headcounts().length >= 1, 'the first move\'s headcount write');
    // One read of the source for the delivery: the job took the read the delivery started.
    expect(data.keyReads).toEqual([['4']]);
    // The record changes again; the next delivery (a second later: its own signed time) reads afresh.
    editRecord(data, '4', { department: 'Drivers' });
    const written = headcounts().length;
    expect(await deliver(running.url, [4], 'hook-secret', String(Math.floor(Date.now() / 1000) + 1))).toBe(202);
    // What the second read found: the employee now counts in a Drivers cost center.
    await waitFor(() => probe.effects.filter((e) => e.entity === 'headcount').slice(written).some((e) => e.key.includes('DRV')), 'the Drivers headcount write');
    expect(data.keyReads).toEqual([['4'], ['4']]);
    // Each was the read its delivery started, taken by its job.
    const metrics = await fetch(`${running.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/mlc_webhook_read_ahead_total\{pipeline="test-headcount",outcome="started"\} 2/);
    expect(metrics).toMatch(/mlc_webhook_read_ahead_total\{pipeline="test-headcount",outcome="taken"\} 2/);
  });

  it('stops on the stop signal: webhooks refused first, exit 0', async () => {
    const dir = copyFixture();
    withWebhook(dir);
    const started = await startServe(dir, { effects: [], keysSeen: [] });
    expect(await started.stop()).toBe(0);
    await expect(fetch(`${started.url}/healthz`)).rejects.toThrow();
  });

  it('shows a pipeline that does not load on /readyz and keeps serving the others', async () => {
    const dir = copyFixture();
    withWebhook(dir);
    writeFileSync(join(dir, 'broken.yaml'), 'version: 1\nname: broken\nsource: { type: test-source, config: { count: 1 } }\ntriggers: []\nsteps: []\nsink: { type: nope-sink, config: {} }\n');
    running = await startServe(dir, { effects: [], keysSeen: [] });
    const ready = await fetch(`${running.url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { pipelines: Record<string, { state: string; error?: string }> };
    expect(body.pipelines['broken.yaml']?.state).toBe('not loaded');
    expect(body.pipelines['test-headcount']?.state).toBeDefined();
  });
});
