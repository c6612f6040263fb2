// End to end over real HTTPS against the agent with the sim backend: the contract harness, a desired
// state applied twice (zero writes the second time, by the agent's own request log), bulk reads,
// hand edits (412 → drift report / repair) and drift reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredItem } from '../../runtime/index.ts';
import { describeConnectorContract } from '../../test/support/connector-harness.ts';
import { plan, startSinkAgent, type SinkAgent } from '../../test/support/sage100-agent.ts';
import { sinkEntities } from './entities.ts';
import { sage100AgentSink } from './index.ts';

const signal = new AbortController().signal;

describeConnectorContract(sage100AgentSink, {
  readableEntity: 'subAccount',
  live: async () => {
    const agent = await startSinkAgent();
    return { config: agent.config() as unknown as Record<string, unknown>, context: { secrets: agent.secrets() }, teardown: () => agent.stop() };
  },
});

function desiredState(): Record<string, DesiredItem[]> {
  const departments = [
    ['WHS', 'Warehouse'],
    ['FIN', 'Finance'],
    ['HR1', 'People'],
  ];
  const subAccount = departments.map(([code, description]) => ({ entity: 'subAccount', key: `department:${code}`, values: { segment: 'department', code: code as string, description: description as string, active: true } }));
  // Which accounts exist per cost center is the pipeline's choice: here the three labor mains.
  const account = departments.flatMap(([code, description]) =>
    ['6000', '6100', '6200'].map((main) => ({
      entity: 'account',
      key: `${main}-10-${code}-01`,
      values: { mainAccount: main, segments: { division: '10', department: code as string, location: '01' }, description: `Labor ${main} ${description}`, active: true },
    })),
  );
  const headcount = departments.map(([code], i) => ({
    entity: 'headcount',
    key: `10-${code}-01@2026-11`,
    values: { costCenter: { division: '10', department: code as string, location: '01' }, period: '2026-11', headcount: 3 + i },
  }));
  return { subAccount, account, headcount };
}

describe('sage100-agent-sink against the agent (sim, HTTPS)', () => {
  let agent: SinkAgent;
  beforeAll(async () => {
    agent = await startSinkAgent();
  });
  afterAll(async () => {
    await agent.stop();
  });

  it('applies a desired state in entity order, and applying it again writes nothing', async () => {
    const { sink } = await agent.sink();
    const entities = sinkEntities(agent.config());
    const desired = desiredState();
    const runOnce = async (): Promise<number> => {
      let changes = 0;
      for (const entity of entities) {
        const items = desired[entity.name] ?? [];
        const actual = await sink.readActual(entity.name, items.map((i) => i.key), { signal });
        const planned = plan(entity, items, actual);
        changes += planned.length;
        const results = await sink.apply(planned, { signal, drift: 'report' });
        expect(results.map((r) => r.status)).toEqual(planned.map(() => 'applied'));
      }
      return changes;
    };
    const before = agent.effects().length;
    expect(await runOnce()).toBe(3 + 9 + 3);
    expect(agent.effects().length - before).toBe(15);
    // The WHS department existed inactive: the update made it active with the pipeline's description.
    const whs = (await sink.readActual('subAccount', ['department:WHS'], { signal }))[0];
    expect(whs).toMatchObject({ active: true, values: { description: 'Warehouse' } });
    const second = agent.effects().length;
    expect(await runOnce()).toBe(0);
    expect(agent.effects().length).toBe(second);
    const headcount = await sink.readActual('headcount', ['10-FIN-01@2026-11'], { signal });
    expect(headcount[0]?.values.headcount).toBe(4);
    await sink.close?.();
  });

  it('reads actual state in bulk: one paged list per segment, per main account and per period', async () => {
    const { sink } = await agent.sink(agent.config({ pageSize: 2 }));
    const start = agent.requests.length;
    const all = await sink.readActual('subAccount', 'all', { signal });
    const lists = agent.requests.slice(start);
    expect(all.length).toBeGreaterThan(8);
    // Three segments, pages of two: every request is a list, none is a one-record GET.
    expect(lists.every((r) => /\/segments\/\d\d\/values$/.test(r.path))).toBe(true);
    const perSegment = ['division', 'department', 'location'].map((name) => all.filter((i) => i.values.segment === name).length);
    expect(lists.length).toBeGreaterThanOrEqual(perSegment.reduce((sum, n) => sum + Math.max(1, Math.ceil(n / 2)), 0));
    expect(lists.length).toBeLessThanOrEqual(perSegment.reduce((sum, n) => sum + Math.floor(n / 2) + 1, 0));
    const keyed = agent.requests.length;
    const accounts = await sink.readActual('account', ['6000-10-OPS-01', '6000-20-SLS-02', '9999-10-OPS-01'], { signal });
    expect(accounts.map((a) => a.key).sort()).toEqual(['6000-10-OPS-01', '6000-20-SLS-02']);
    expect(agent.requests.slice(keyed).every((r) => r.path.endsWith('/accounts'))).toBe(true);
    expect(accounts[0]?.version).toMatch(/^"/);
    await sink.close?.();
  });

  it('a hand edit since the read is reported as drift, not overwritten; `repair` writes over it once', async () => {
    const { sink } = await agent.sink();
    const entity = sinkEntities(agent.config())[0]!;
    const item = { entity: 'subAccount', key: 'department:SLS', values: { segment: 'department', code: 'SLS', description: 'Sales team', active: true } };
    const planned = plan(entity, [item], await sink.readActual('subAccount', [item.key], { signal }));
    agent.t.agent.sim!.editSubAccount('KBS', '03', 'SLS', { description: 'Sales (edited by hand)' });
    const reported = await sink.apply(planned, { signal, drift: 'report' });
    expect(reported[0]).toMatchObject({ status: 'drift', actual: { values: { description: 'Sales (edited by hand)' } } });
    expect((await sink.readActual('subAccount', [item.key], { signal }))[0]?.values.description).toBe('Sales (edited by hand)');
    const repaired = await sink.apply(planned, { signal, drift: 'repair' });
    expect(repaired[0]).toMatchObject({ status: 'applied', repaired: expect.stringMatching(/edited in Sage 100 .*Sales \(edited by hand\).*written back/) });
    expect((await sink.readActual('subAccount', [item.key], { signal }))[0]?.values.description).toBe('Sales team');
    await sink.close?.();
  });

  it('a write whose version moved but whose compared fields did not (a short description edited) goes ahead over the new version', async () => {
    const { sink } = await agent.sink();
    const entity = sinkEntities(agent.config())[0]!;
    const item = { entity: 'subAccount', key: 'department:OPS', values: { segment: 'department', code: 'OPS', description: 'Operations team', active: true } };
    const planned = plan(entity, [item], await sink.readActual('subAccount', [item.key], { signal }));
    expect(planned).toHaveLength(1);
    agent.t.agent.sim!.editSubAccount('KBS', '03', 'OPS', { shortDescription: 'Operatns' });
    const [result] = await sink.apply(planned, { signal, drift: 'report' });
    const now = (await sink.readActual('subAccount', [item.key], { signal }))[0];
    expect(result).toMatchObject({ status: 'applied', version: now?.version });
    expect(result).not.toHaveProperty('repaired');
    expect(now?.values.description).toBe('Operations team');
    await sink.close?.();
  });

  it('drift(): renamed, deactivated and added segment values after a baseline, and a format that no longer matches', async () => {
    const { sink, fake } = await agent.sink();
    expect(await sink.drift!({ signal })).toEqual([]);
    agent.t.agent.sim!.editSubAccount('KBS', '03', 'ADM', { description: 'Admin & Finance' });
    agent.t.agent.sim!.editSubAccount('KBS', '04', '02', { status: 'I' });
    const findings = await sink.drift!({ signal });
    expect(findings.map((f) => `${f.kind} ${f.key}`).sort()).toEqual(['deactivated location:02', 'renamed department:ADM']);
    expect(await sink.drift!({ signal })).toEqual([]);
    await sink.close?.();
    const wrong = await agent.sink(agent.config({ accountFormat: { separator: '.', segments: [{ name: 'main', length: 4, type: 'numeric' }, { name: 'division', length: 3, type: 'numeric' }] } }), { secrets: Object.fromEntries(fake.secrets) });
    const structure = await wrong.sink.drift!({ signal });
    expect(structure.filter((f) => f.kind === 'structure').map((f) => f.detail).join('\n')).toMatch(/separator is '-'.*\n.*4 segments.*\n.*segment 02/s);
    const check = await wrong.sink.check!({ signal });
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/account format differs/);
    await wrong.sink.close?.();
  });

  it('check() names the agent version, company, account format and the certificate seen', async () => {
    const { sink } = await agent.sink();
    const result = await sink.check!({ signal });
    expect(result.ok).toBe(true);
    expect(result.facts).toMatchObject({ company: 'KBS Keystone Building Supply', accountFormat: '####-##-AAA-##', certificateSha256: agent.t.agent.fingerprint256 });
    expect(String(result.facts?.agentVersion)).toMatch(/^\d+\.\d+/);
    await sink.close?.();
  });
});
