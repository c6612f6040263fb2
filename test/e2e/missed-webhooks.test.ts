// Missed webhooks are repaired by the scheduled poll (reliability checklist DL-9): `serve` runs the
// example against the BambooHR sandbox and the Sage 100 agent; the sandbox drops every webhook for a
// while (an outage) and then one in four at random (seeded); the changed-since poll — here every 2 s,
// the pipeline's own cron trigger with a seconds field — brings Sage 100 to what BambooHR says anyway.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../cli/checks.ts';
import { startServe } from '../../cli/demo-command.ts';
import { currentRoster } from '../../cli/demo/roster-model.ts';
import { createWebhook, WEBHOOK_PATH } from '../../cli/demo/story.ts';
import { freePort } from '../../runtime/util/free-port.ts';
import { startE2e, type E2e } from './harness.ts';
import { headcountModel } from './model.ts';

describe('missed webhooks are repaired by the changed-since poll', () => {
  let e2e: E2e;
  const stop = new AbortController();
  let serving: { url: string; stop(): Promise<number> } | undefined;

  beforeAll(async () => {
    e2e = await startE2e();
    // Exit 1: the example's roster has values with no mapping row on purpose (quarantined), the rest is written.
    expect((await e2e.runOnce('full')).out).toMatch(/written\s+subAccount/);
    const file = join(e2e.workspace.work, e2e.pipelineFile);
    const yaml = readFileSync(file, 'utf8');
    expect(yaml).toContain('schedule: "*/15 * * * *"');
    writeFileSync(file, yaml.replace(`schedule: "*/15 * * * *"`, `schedule: "*/2 * * * * *"`));
    const port = await freePort();
    await e2e.workspace.storeSecret('bamboohr-webhook-key', await createWebhook(e2e.standIns, `http://127.0.0.1:${port}${WEBHOOK_PATH}`));
    serving = await startServe(registry, e2e.workspace, port, stop.signal);
  }, 120_000);
  afterAll(async () => {
    await serving?.stop();
    stop.abort();
    await e2e?.close();
  });

  const model = (): Map<string, number> => headcountModel(e2e.standIns, e2e.workspace);
  const ledger = async (): Promise<Map<string, number>> => new Map((await e2e.view()).headcount.filter((h) => h.headcount > 0).map((h) => [h.costCenter, h.headcount]));

  it('every change reaches Sage 100 although a third of the webhooks never arrived', async () => {
    const admin = e2e.standIns.sandbox.admin;
    const movers = currentRoster(e2e.standIns, e2e.workspace).filter((e) => e.center && ['Warehouse', 'Yard'].includes(e.department)).slice(0, 12);
    expect(movers.length).toBe(12);
    const seen = admin.deliveries().length;
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    admin.setFaults({ webhookDropRate: 1 });
    for (const e of movers.slice(0, 4)) admin.move('keystone', e.id, { department: e.department === 'Warehouse' ? 'Yard' : 'Warehouse', date: yesterday });
    await admin.waitForWebhooks();
    admin.setFaults({ webhookDropRate: 0.25 });
    for (const e of movers.slice(4)) admin.move('keystone', e.id, { department: e.department === 'Warehouse' ? 'Yard' : 'Warehouse', date: yesterday });
    await admin.waitForWebhooks();
    admin.setFaults({ webhookDropRate: 0 });
    const outcomes = admin.deliveries(seen).map((d) => d.outcome);
    expect(outcomes.filter((o) => o === 'dropped').length).toBeGreaterThanOrEqual(4);

    const expected = model();
    let matched = false;
    // Bounded: the poll runs every 2 s; give it up to 60 s on a loaded machine.
    for (let i = 0; i < 120 && !matched; i += 1) {
      const actual = await ledger();
      matched = [...expected].every(([center, n]) => actual.get(center) === n) && [...actual.keys()].every((c) => expected.has(c));
      if (!matched) await new Promise((r) => setTimeout(r, 500));
    }
    expect(Object.fromEntries(await ledger())).toEqual(Object.fromEntries(expected));
  }, 120_000);
});
