// `serve` keeps its folder current: a mapping row added to fix a quarantined record is reloaded and the
// record is replayed by itself (audited with the new version); a broken edit leaves the running version
// in place and shows the refusal on /readyz.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../runtime/cli/command.ts';
import { serveCommand } from '../../runtime/cli/serve-command.ts';
import { createRegistry } from '../../runtime/connectors/registry.ts';
import { openLowdbStore } from '../../runtime/store/lowdb-store.ts';
import { copyFixture } from '../support/engine-harness.ts';
import { editRecord, sourceData, testSinkDefinition, testSourceDefinition, type SinkProbe } from '../support/test-connectors.ts';
import { signTest } from '../support/test-webhook.ts';

interface PipelineReady {
  version: string;
  reloadError?: string;
  lastSummary?: { quarantined: number };
}

const waitFor = async (condition: () => boolean | Promise<boolean>, what: string): Promise<void> => {
  for (let i = 0; i < 800; i += 1) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
};

describe('serve reload', () => {
  let stop: (() => Promise<number>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('reloads a fixed mapping, replays the record it quarantined, and keeps the old version when a new one is broken', async () => {
    const dir = copyFixture();
    const pipelineFile = join(dir, 'pipeline.yaml');
    const original = readFileSync(pipelineFile, 'utf8');
    writeFileSync(pipelineFile, original.replace('triggers:\n', 'triggers:\n  - { type: webhook, path: /hooks/test, signingKey: "${secret:hook-key}" }\n'));
    const data = sourceData(20);
    const probe: SinkProbe = { effects: [], keysSeen: [] };
    const registry = createRegistry([testSourceDefinition(data), testSinkDefinition(probe)]);
    const controller = new AbortController();
    let out = '';
    const io: CliIo = { stdout: (t) => void (out += t), stderr: () => {}, env: { ML_CONNECTOR_SECRET_HOOK_KEY: 'hook-secret', LOG_LEVEL: 'silent' }, cwd: dir, stopSignal: controller.signal };
    const storeDir = join(dir, 'state');
    const exit = serveCommand(registry).run([dir, '--port', '0', '--data', storeDir, '--reload-poll-ms', '100'], io);
    stop = async () => (controller.abort(), exit);
    await waitFor(() => out.includes('"url"'), 'serve to start');
    const { url } = JSON.parse(out.split('\n')[0] as string) as { url: string };
    const ready = async (): Promise<PipelineReady> => ((await (await fetch(`${url}/readyz`)).json()) as { pipelines: Record<string, PipelineReady> }).pipelines['test-headcount'] as PipelineReady;

    editRecord(data, '3', { department: 'Garage' });
    editRecord(data, '4', { department: 'Hangar' });
    const body = JSON.stringify({ ids: [3, 4] });
    const ts = String(Math.floor(Date.now() / 1000));
    const answer = await fetch(`${url}/hooks/test`, { method: 'POST', headers: { 'x-test-timestamp': ts, 'x-test-signature': signTest(body, 'hook-secret', ts) }, body });
    expect(answer.status).toBe(202);
    await waitFor(async () => (await ready()).lastSummary?.quarantined === 2, 'records 3 and 4 quarantined as unmapped');
    const before = (await ready()).version;

    appendFileSync(join(dir, 'departments.yaml'), '  - { from: Garage, to: GAR, description: Garage }\n');
    await waitFor(() => probe.effects.some((e) => e.entity === 'department' && e.key === 'GAR'), 'the replayed record written');
    // The sink has the write before the batch commits (store writes do not block the event loop): wait for its summary.
    await waitFor(async () => (await ready()).lastSummary?.quarantined === 0, 'the replay batch done');
    const after = await ready();
    expect(after.version).not.toBe(before);
    expect(after.lastSummary?.quarantined).toBe(0);

    // A broken edit: the running version stays, the refusal (file, line, field) is on /readyz.
    writeFileSync(pipelineFile, readFileSync(pipelineFile, 'utf8').replace('onMissing: quarantine', 'onMissing: shrug'));
    await waitFor(async () => (await ready()).reloadError !== undefined, 'the refusal on /readyz');
    const refused = await ready();
    expect(refused.version).toBe(after.version);
    expect(refused.reloadError).toMatch(/pipeline\.yaml:\d+:\d+ \/steps\/1\/onMissing/);
    expect(await stop()).toBe(0);
    stop = undefined;

    // The audit says which version released the record, in a replay run.
    const store = await openLowdbStore(storeDir, { readOnly: true });
    const events = [];
    for await (const e of store.audit.query({ pipeline: 'test-headcount', recordKey: '3' })) events.push(e);
    const quarantine = await store.quarantine.list({ pipeline: 'test-headcount' });
    await store.close();
    // Only the record the new version handles was replayed; the other stays quarantined with its cause.
    expect(quarantine.map((q) => [q.recordKey, q.code])).toEqual([['4', 'MLC_MAPPING_UNMAPPED']]);
    const released = events.find((e) => e.stage === 'released');
    expect(released?.pipelineVersion).toBe(after.version);
    expect(released?.runId).toMatch(/^replay-/);
  });
});
