// Network faults between the runtime and both systems (reliability checklist DL-8): a fault proxy
// with Toxiproxy's toxics sits on the BambooHR path and on the Sage 100 agent's path (below TLS, so
// the pinned certificates still have to match). Per toxic, one employee moves from Warehouse to Yard
// and `run --once` runs through the fault; then the fault is removed and runs continue (at most
// three) until Sage 100 equals the roster model. Reported per case: the first run's exit code and the
// runs needed. Nothing may be lost, and no write may take effect twice: every write the agent's
// idempotency journal answered 2xx has a body no other 2xx write of the test had (every move goes
// one way, so no headcount value comes back).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentRoster, type RosterEntry } from '../../cli/demo/roster-model.ts';
import { IDEMPOTENCY_FILE } from '../../agent/idempotency/store.ts';
import { startFaultProxy, type FaultProxy, type Toxic } from '../support/fault-proxy.ts';
import { startE2e, type E2e } from './harness.ts';
import { headcountModel } from './model.ts';

interface Case {
  path: 'bamboohr' | 'sage';
  toxic: Toxic;
  /** Lifted after this long (a black hole or an outage that ends), else after the first run. */
  forMs?: number;
}

const CASES: Case[] = [
  { path: 'bamboohr', toxic: { kind: 'latency', ms: 300, jitterMs: 200 } },
  { path: 'bamboohr', toxic: { kind: 'timeout' }, forMs: 2_500 },
  { path: 'bamboohr', toxic: { kind: 'reset_peer' } },
  { path: 'bamboohr', toxic: { kind: 'slicer', bytes: 64, delayMs: 1 } },
  { path: 'bamboohr', toxic: { kind: 'limit_data', bytes: 100 } },
  { path: 'bamboohr', toxic: { kind: 'down' }, forMs: 1_500 },
  { path: 'sage', toxic: { kind: 'latency', ms: 300, jitterMs: 200 } },
  { path: 'sage', toxic: { kind: 'timeout' }, forMs: 2_500 },
  // Lifted while the run is on: a move's writes go out without a read first (the runtime remembers the
  // ETags it wrote), so a fault that lasted the whole run would be waited out by the write retries
  // (over a minute of backoff) rather than failing a read.
  { path: 'sage', toxic: { kind: 'reset_peer' }, forMs: 2_500 },
  { path: 'sage', toxic: { kind: 'limit_data', bytes: 100 }, forMs: 2_500 },
  { path: 'sage', toxic: { kind: 'down' }, forMs: 1_500 },
  { path: 'sage', toxic: { kind: 'bandwidth', bytesPerSecond: 8_192 } },
  { path: 'sage', toxic: { kind: 'slow_close', delayMs: 500 } },
];

describe('network faults on both paths (fault proxy)', () => {
  let e2e: E2e;
  let proxies: Record<Case['path'], FaultProxy>;
  let movers: RosterEntry[];

  beforeAll(async () => {
    e2e = await startE2e();
    const sandboxUrl = new URL(e2e.standIns.sandbox.companyUrl());
    const agentUrl = new URL(e2e.standIns.agent.url);
    proxies = {
      bamboohr: await startFaultProxy({ host: sandboxUrl.hostname, port: Number(sandboxUrl.port) }),
      sage: await startFaultProxy({ host: agentUrl.hostname, port: Number(agentUrl.port) }),
    };
    // Through the proxies, with 2 s client timeouts so a black hole costs seconds, not minutes.
    const file = join(e2e.workspace.work, e2e.pipelineFile);
    const text = readFileSync(file, 'utf8');
    const companyUrl = e2e.standIns.sandbox.companyUrl();
    expect(text).toContain(`baseUrl: ${companyUrl}\n`);
    expect(text).toContain(`url: ${e2e.standIns.agent.url}\n`);
    writeFileSync(
      file,
      text
        .replace(`baseUrl: ${companyUrl}\n`, `baseUrl: ${proxies.bamboohr.retarget(companyUrl)}\n    timeoutMs: 2000\n`)
        .replace(`url: ${e2e.standIns.agent.url}\n`, `url: ${proxies.sage.retarget(e2e.standIns.agent.url)}\n    timeoutMs: 2000\n`),
    );
    expect((await e2e.runOnce('full')).out).toMatch(/written\s+subAccount/);
    movers = currentRoster(e2e.standIns, e2e.workspace).filter((e) => e.center && e.department === 'Warehouse');
  }, 120_000);
  afterAll(async () => {
    await Promise.all(Object.values(proxies ?? {}).map((p) => p.close()));
    await e2e?.close();
  });

  const matchesModel = async (): Promise<boolean> => {
    const expected = headcountModel(e2e.standIns, e2e.workspace);
    const actual = new Map((await e2e.view()).headcount.filter((h) => h.headcount > 0).map((h) => [h.costCenter, h.headcount]));
    return actual.size === expected.size && [...expected].every(([center, n]) => actual.get(center) === n);
  };

  for (const [index, c] of CASES.entries()) {
    it(`${c.toxic.kind} on the ${c.path} path: nothing lost once it clears`, async () => {
      const mover = movers[index];
      if (!mover) throw new Error(`the sandbox has too few Warehouse employees for case ${index}`);
      e2e.standIns.sandbox.admin.move('keystone', mover.id, { department: 'Yard', date: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10) });
      const proxy = proxies[c.path];
      const before = proxy.accepted();
      proxy.set(c.toxic);
      const lift = c.forMs === undefined ? undefined : setTimeout(() => proxy.set(undefined), c.forMs);
      const first = await e2e.runOnce();
      clearTimeout(lift);
      proxy.set(undefined);
      expect(proxy.accepted()).toBeGreaterThan(before); // the run did go through the fault
      let runs = 1;
      while (!(await matchesModel()) && runs < 4) {
        await e2e.runOnce();
        runs += 1;
      }
      expect(await matchesModel(), `first run exited ${first.code}; ${runs} run(s)`).toBe(true);
    }, 90_000);
  }

  it('no write took effect twice', () => {
    const lines = readFileSync(join(e2e.workspace.root, 'agent', IDEMPOTENCY_FILE), 'utf8').split('\n').filter(Boolean);
    const entries = lines.map((l) => JSON.parse(l) as { t?: string; key: string; fingerprint: string; response?: { status: number } });
    const applied = new Map<string, string>();
    const duplicates: string[] = [];
    for (const e of entries) {
      if (e.t === 'intent' || !e.response || e.response.status >= 300) continue;
      const other = applied.get(e.fingerprint);
      if (other !== undefined && other !== e.key) duplicates.push(e.key);
      applied.set(e.fingerprint, e.key);
    }
    expect(applied.size).toBeGreaterThan(0);
    expect(duplicates).toEqual([]);
  });
});
