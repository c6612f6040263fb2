// Out-of-order and duplicate deliveries against `serve` over 127.0.0.1 (test connectors, embedded
// store): a delivery is a hint to re-read the record, so whatever order deliveries and their repeats
// arrive in, each is taken once (a repeat is a 200 and makes no job), the record is processed in the
// order of the source's data (the audit never shows an older value after a newer one), and the sink
// ends where the source is, with no effect twice.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../runtime/cli/command.ts';
import { serveCommand } from '../../runtime/cli/serve-command.ts';
import { createRegistry } from '../../runtime/connectors/registry.ts';
import { openLowdbStore } from '../../runtime/store/lowdb-store.ts';
import { copyFixture } from '../support/engine-harness.ts';
import { drained } from '../support/serve-child.ts';
import { editRecord, sourceData, testSinkDefinition, testSourceDefinition, type SinkProbe, type SourceData } from '../support/test-connectors.ts';
import { signTest } from '../support/test-webhook.ts';
import { until } from '../support/until.ts';

const PIPELINE = 'test-headcount';
const CODES: Record<string, string> = { Warehouse: 'WHS', Yard: 'YRD', Drivers: 'DRV', Sales: 'SLS', Office: 'ADM' };

interface Delivery {
  body: string;
  timestamp: string;
}

/** Headcount per cost center the source's current data gives (active employees, as the fixture's steps count). */
function modelHeadcount(data: SourceData): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of data.records.values()) {
    const d = record.data as { status: string; department: string; location: string };
    if (record.deleted || d.status !== 'Active') continue;
    const center = `${CODES[d.department]}-${d.location}`;
    counts.set(center, (counts.get(center) ?? 0) + 1);
  }
  return counts;
}

describe('out-of-order and duplicate webhook deliveries', () => {
  let stop: (() => Promise<number>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('are each taken once and processed in the order of the source data, whatever order they arrive in', async () => {
    const dir = copyFixture();
    const file = join(dir, 'pipeline.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('triggers:\n', 'triggers:\n  - { type: webhook, path: /hooks/test, signingKey: "${secret:hook-key}" }\n'));
    const data = sourceData(30);
    const probe: SinkProbe = { effects: [], keysSeen: [] };
    const controller = new AbortController();
    let out = '';
    const io: CliIo = { stdout: (t) => void (out += t), stderr: () => {}, env: { ML_CONNECTOR_SECRET_HOOK_KEY: 'hook-secret', LOG_LEVEL: 'silent' }, cwd: dir, stopSignal: controller.signal };
    const state = join(dir, 'state');
    const exit = serveCommand(createRegistry([testSourceDefinition(data), testSinkDefinition(probe)])).run([dir, '--port', '0', '--data', state, '--no-console'], io);
    stop = async () => (controller.abort(), exit);
    await until(() => out.includes('"url"'), 'serve to start');
    const { url } = JSON.parse(out.split('\n')[0] as string) as { url: string };
    const send = async (d: Delivery): Promise<number> =>
      (await fetch(`${url}/hooks/test`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-timestamp': d.timestamp, 'x-test-signature': signTest(d.body, 'hook-secret', d.timestamp) }, body: d.body })).status;
    const now = Math.floor(Date.now() / 1000);
    const at = (offset: number, ids: number[], n: number): Delivery => ({ body: JSON.stringify({ ids, n }), timestamp: String(now + offset) });

    // Everyone once, so the roster (and so headcount) is the source's.
    expect(await send(at(0, Array.from({ length: 30 }, (_, i) => i + 1), 0))).toBe(202);
    expect(await drained(url, PIPELINE)).toBe(0);

    // Employee 3 moves twice; BambooHR's deliveries come late, twice, and out of order.
    editRecord(data, '3', { department: 'Yard' });
    const moved = at(-20, [3], 1);
    editRecord(data, '3', { department: 'Office' });
    const movedAgain = at(-10, [3], 2);
    const older = at(-60, [3, 7], 3); // a retry of an earlier event, arriving last
    const statuses = await Promise.all([send(movedAgain), send(moved), send(movedAgain), send(moved)]);
    statuses.push(await send(older), await send(moved), await send(older));
    // Each distinct delivery taken once (202), every repeat acknowledged as such (200).
    expect([...statuses].sort()).toEqual([200, 200, 200, 200, 202, 202, 202]);
    expect(await drained(url, PIPELINE)).toBe(0);
    expect(await stop()).toBe(0);
    stop = undefined;

    // The sink: no effect twice, and the last headcount of every cost center is the source's.
    const keys = probe.effects.map((e) => e.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    const last = new Map<string, number>();
    for (const e of probe.effects) if (e.entity === 'headcount') last.set(e.key, Number(e.values.headcount));
    const model = modelHeadcount(data);
    for (const [center, count] of last) expect({ center, count }).toEqual({ center, count: model.get(center) ?? 0 });
    expect(last.get('ADM-01')).toBe(model.get('ADM-01'));

    // The audit: employee 3 read in the source's order (Sales, then Yard if it was read in time, then
    // Office), each value once, never an older one after a newer one.
    const store = await openLowdbStore(state, { readOnly: true });
    const departments: string[] = [];
    try {
      for await (const event of store.audit.query({ pipeline: PIPELINE, recordKey: '3' })) if (event.stage === 'read') departments.push(String(event.after?.department));
    } finally {
      await store.close();
    }
    expect([['Sales', 'Yard', 'Office'], ['Sales', 'Office']]).toContainEqual(departments);
  }, 60_000);
});
