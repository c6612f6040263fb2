import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeConnectorContract } from '../../test/support/connector-harness.ts';
import type { RunningSandbox } from '../../sandbox/bamboohr/index.ts';
import { bambooHrSource } from './index.ts';
import { apiKeyConfig, authorizeInSandbox, collect, createRig, oauthConfig, sandboxSecrets, startSandbox, type Rig } from './test-support.ts';

describeConnectorContract(bambooHrSource, {
  live: async () => {
    const sandbox = await startSandbox();
    return { config: { ...apiKeyConfig(sandbox) }, context: { secrets: sandboxSecrets(sandbox) }, teardown: () => sandbox.close() };
  },
});

describe('bamboohr-source against the sandbox over HTTP', () => {
  let sandbox: RunningSandbox;
  let rig: Rig;
  beforeAll(async () => {
    sandbox = await startSandbox();
    rig = await createRig(sandbox, apiKeyConfig(sandbox));
  });
  afterAll(async () => {
    await rig.close();
    await sandbox.close();
  });

  it('readAll returns all 199 seeded employees in two requests, keyed by id with lastChanged as version', async () => {
    const before = sandbox.admin.requests().length;
    const { records, pages } = await collect(rig.source.readAll({ signal: AbortSignal.timeout(20_000) }));
    const sent = sandbox.admin.requests().slice(before);
    expect(records).toHaveLength(199);
    expect(sent.map((r) => `${r.method} ${r.path.replace(/\?.*/, '')}`)).toEqual(['GET /co/keystone/api/v1/employees/changed', 'POST /co/keystone/api/v1/reports/custom']);
    expect(new Set(records.map((r) => r.key)).size).toBe(199);
    for (const record of records) {
      expect(record.key).toMatch(/^\d+$/);
      expect(record.version).toBe(record.data.lastChanged);
    }
    expect(pages.at(-1)?.checkpoint).toBeDefined();
  });

  it('normalises 0000-00-00 and empty values to null, keeps terminated employees as records with their status', async () => {
    const { records } = await collect(rig.source.readKeys(['12', '13', '8'], { signal: AbortSignal.timeout(10_000) }));
    const byKey = new Map(records.map((r) => [r.key, r]));
    expect(byKey.get('8')?.data.terminationDate).toBeNull();
    expect(byKey.get('8')?.data.firstName).toBe('José');
    expect(byKey.get('12')?.data.status).toBe('Inactive');
    expect(byKey.get('12')?.data.employmentHistoryStatus).toBe('Terminated');
    expect(byKey.get('12')?.deleted).toBeUndefined();
    expect(byKey.get('13')?.data.status).toBe('Active');
  });

  it('readKeys reads a few ids one by one and many ids in one report; unknown and deleted ids are missing', async () => {
    let mark = sandbox.admin.requests().at(-1)?.seq ?? 0;
    const few = await collect(rig.source.readKeys(['4', '5', '16', '99999'], { signal: AbortSignal.timeout(10_000) }));
    expect(few.records.map((r) => r.key).sort()).toEqual(['4', '5']);
    expect(few.pages.at(-1)?.missingKeys?.sort()).toEqual(['16', '99999']);
    expect(sandbox.admin.requests(mark).every((r) => r.method === 'GET' && /\/employees\/\d+$/.test(r.path.replace(/\?.*/, '')))).toBe(true);
    mark = sandbox.admin.requests().at(-1)?.seq ?? 0;
    const many = await collect(rig.source.readKeys(['2', '3', '4', '5', '6', '7', '16'], { signal: AbortSignal.timeout(10_000) }));
    expect(many.records).toHaveLength(6);
    expect(many.pages.at(-1)?.missingKeys).toEqual(['16']);
    expect(sandbox.admin.requests(mark).map((r) => r.method)).toEqual(['POST']);
  });

  it('readChanged from nothing yields everyone plus the deleted employee as a deletion; then only what changed, once', async () => {
    const first = await collect(rig.source.readChanged(undefined, { signal: AbortSignal.timeout(20_000) }));
    expect(first.records.filter((r) => !r.deleted)).toHaveLength(199);
    expect(first.records.filter((r) => r.deleted).map((r) => r.key)).toEqual(['16']);
    const checkpoint = first.pages.at(-1)?.checkpoint;
    const quiet = await collect(rig.source.readChanged(checkpoint, { signal: AbortSignal.timeout(10_000) }));
    expect(quiet.records).toEqual([]);
    sandbox.admin.move('keystone', 8, { department: 'Drivers' });
    sandbox.admin.terminate('keystone', 9);
    const next = await collect(rig.source.readChanged(quiet.pages.at(-1)?.checkpoint, { signal: AbortSignal.timeout(10_000) }));
    expect(next.records.map((r) => r.key).sort()).toEqual(['8', '9']);
    expect(next.records.find((r) => r.key === '8')?.data.department).toBe('Drivers');
    expect(next.records.find((r) => r.key === '9')?.data.employmentHistoryStatus).toBe('Terminated');
    const again = await collect(rig.source.readChanged(next.pages.at(-1)?.checkpoint, { signal: AbortSignal.timeout(10_000) }));
    expect(again.records).toEqual([]);
  });

  it('optionValues lists the live, non-archived options of a list field', async () => {
    const departments = await rig.source.optionValues?.('department', { signal: AbortSignal.timeout(10_000) });
    expect(departments).toContain('Warehouse');
    expect(departments).not.toContain('Showroom');
    expect(await rig.source.optionValues?.('firstName', { signal: AbortSignal.timeout(10_000) })).toBeUndefined();
  });

  it('check reports company, employee count and auth kind', async () => {
    const result = await rig.source.check?.({ signal: AbortSignal.timeout(10_000) });
    expect(result?.ok).toBe(true);
    expect(result?.facts).toMatchObject({ company: 'Keystone Building Supply', employees: 199, auth: 'apiKey', subdomain: 'keystone' });
  });

  it('check names the company for OAuth only with company:info granted, else falls back to the subdomain', async () => {
    const companyFor = async (scope: string) => {
      const refreshToken = await authorizeInSandbox(sandbox, scope);
      const oauth = await createRig(sandbox, oauthConfig(sandbox), { secrets: sandboxSecrets(sandbox, { 'bamboohr-refresh-token': refreshToken }) });
      try {
        const result = await oauth.source.check?.({ signal: AbortSignal.timeout(10_000) });
        expect(result?.ok, result?.detail).toBe(true);
        return result?.facts?.company;
      } finally {
        await oauth.close();
      }
    };
    expect(await companyFor('openid offline_access employee report company:info')).toBe('Keystone Building Supply');
    expect(await companyFor('openid offline_access employee report')).toBe('keystone');
  });
});
