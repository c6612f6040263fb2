// Admin API changes (hire, terminate, rehire, move, options) show up where a client looks for them:
// lastChanged, jobInfo history, the change feed. Plus reset, persistence, many companies, determinism.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClient, type Client } from './helpers.ts';
import { startBambooSandbox } from '../index.ts';

let c: Client;
const tmp = mkdtempSync(join(tmpdir(), 'bamboo-sandbox-'));
beforeAll(async () => {
  c = await startClient({ employees: 40 });
});
afterAll(async () => {
  await c.sandbox.close();
  rmSync(tmp, { recursive: true, force: true });
});

type Changed = { latest: string; employees: Record<string, { action: string; lastChanged: string }> };

describe('changes through the admin HTTP API', () => {
  it('hire → Inserted in the feed, visible in reads, with a jobInfo row', async () => {
    const since = (await c.call('/api/v1/employees/changed?since=2000-01-01T00:00:00Z')).json<Changed>().latest;
    const hired = await c.admin('/companies/keystone/employees', 'POST', { firstName: 'Ola', lastName: 'Nordmann', department: 'Yard', division: 'Distribution', location: 'York, PA', jobTitle: 'Yard Associate', hireDate: '2020-01-06' });
    expect(hired.status).toBe(201);
    const { id } = hired.json<{ id: string }>();
    const feed = (await c.call(`/api/v1/employees/changed?since=${encodeURIComponent(since)}`)).json<Changed>();
    // Seeded lastChanged values are in 2025, so a change made now sorts after all of them.
    expect(feed.employees[id]).toMatchObject({ action: 'Inserted' });
    expect((await c.call(`/api/v1/employees/${id}?fields=department,status`)).json()).toEqual({ id, department: 'Yard', status: 'Active' });
  });

  it('terminate, rehire and move update status, dates, history and lastChanged', async () => {
    const before = (await c.call('/api/v1/employees/20?fields=lastChanged,hireDate')).json<{ lastChanged: string; hireDate: string }>();
    const term = await c.admin('/companies/keystone/employees/20/terminate', 'POST', { date: '2025-12-01' });
    expect(term.json<{ changedFields: string[] }>().changedFields).toEqual(expect.arrayContaining(['status', 'employmentHistoryStatus', 'terminationDate']));
    expect((await c.call('/api/v1/employees/20?fields=status,terminationDate')).json()).toMatchObject({ status: 'Inactive', terminationDate: '2025-12-01' });
    await c.admin('/companies/keystone/employees/20/rehire', 'POST', { date: '2026-01-05' });
    expect((await c.call('/api/v1/employees/20?fields=status,terminationDate,hireDate,originalHireDate')).json()).toMatchObject({ status: 'Active', terminationDate: '0000-00-00', hireDate: '2026-01-05', originalHireDate: before.hireDate });
    await c.admin('/companies/keystone/employees/20/move', 'POST', { department: 'Office', location: 'Reading, PA', date: '2026-01-06' });
    const rows = (await c.call('/api/v1/employees/20/tables/jobInfo')).json<{ date: string; department: string }[]>();
    expect(rows.find((r) => r.date === '2026-01-06')?.department).toBe('Office');
    const status = (await c.call('/api/v1/employees/20/tables/employmentStatus')).json<{ employmentStatus: string }[]>();
    expect(status.map((r) => r.employmentStatus).slice(-2)).toEqual(['Terminated', 'Full-Time']);
    const after = (await c.call('/api/v1/employees/20?fields=lastChanged')).json<{ lastChanged: string }>();
    expect(after.lastChanged > before.lastChanged).toBe(true);
  });

  it('adds and renames department options; a rename shows on everyone who has it', async () => {
    const added = await c.admin('/companies/keystone/lists/department/options', 'POST', { name: 'Millwork' });
    expect(added.status).toBe(201);
    await c.admin('/companies/keystone/employees/21/move', 'POST', { department: 'Millwork' });
    const { id } = added.json<{ id: number }>();
    await c.admin(`/companies/keystone/lists/department/options/${id}`, 'PATCH', { name: 'Millwork & Doors' });
    expect((await c.call('/api/v1/employees/21?fields=department')).json()).toEqual({ id: '21', department: 'Millwork & Doors' });
    const lists = (await c.call('/api/v1/meta/lists')).json<{ alias: string; options: { id: number; name: string }[] }[]>();
    expect(lists.find((l) => l.alias === 'department')!.options.find((o) => o.id === id)?.name).toBe('Millwork & Doors');
  });

  it('reports bad admin input as JSON errors', async () => {
    expect((await c.admin('/companies/keystone/employees/20/move', 'POST', { department: 'Nowhere' })).json()).toEqual({ error: expect.stringContaining('unknown department option') });
    expect((await c.admin('/companies/keystone/employees/9999/terminate', 'POST', {})).status).toBe(404);
    expect((await c.admin('/companies/keystone/employees', 'POST', { firstName: 'NoLast' })).status).toBe(400);
    expect((await c.admin('/companies/keystone/employees/20/terminate', 'POST', { date: '01/02/2025' })).status).toBe(400);
    expect((await c.admin('/nothing')).status).toBe(404);
    expect((await c.admin('/companies/keystone/employees/20', 'PATCH', { firstName: null, preferredName: 'X' })).status).toBe(400);
    expect((await c.call('/api/v1/employees/20?fields=preferredName')).json<{ preferredName: string | null }>().preferredName).not.toBe('X');
    expect((await c.admin('/companies/keystone/employees/20', 'PATCH', { ssn: '1' })).status).toBe(400);
  });

  it('reset returns to the seed', async () => {
    await c.admin('/reset', 'POST');
    expect((await c.call('/api/v1/employees/20?fields=status,terminationDate')).json()).toMatchObject({ terminationDate: '0000-00-00' });
    // The log was cleared by the reset; only the reset itself and the read after it remain.
    expect((await c.admin('/requests')).json<{ requests: { path: string }[] }>().requests.map((r) => r.path)).toEqual(['/_sandbox/reset', '/co/keystone/api/v1/employees/20']);
  });
});

describe('companies, determinism and persistence', () => {
  it('serves several companies with their own credentials', async () => {
    const created = (await c.admin('/companies', 'POST', { domain: 'granite', employees: 12 })).json<{ apiKey: string }>();
    const res = await c.call(`${c.sandbox.companyUrl('granite')}/api/v1/employees/directory`, { headers: { authorization: `Basic ${Buffer.from(`${created.apiKey}:x`).toString('base64')}` } });
    expect(res.status).toBe(200);
    expect((await c.admin('/companies', 'POST', { domain: 'granite' })).status).toBe(409);
  });

  it('seeds the same data and credentials every time', async () => {
    const other = await startBambooSandbox({ employees: 40 });
    try {
      expect(other.credentials()).toEqual(c.sandbox.credentials());
      expect(JSON.stringify(other.admin.company('keystone').employees)).toBe(JSON.stringify(c.sandbox.admin.company('keystone').employees));
    } finally {
      await other.close();
    }
  });

  it('persists changes to the data file and loads them on the next start', async () => {
    const file = join(tmp, 'state.json');
    const first = await startBambooSandbox({ employees: 30, dataFile: file });
    const hired = first.admin.hire('keystone', { firstName: 'Persisted', lastName: 'Person' });
    await first.close();
    const second = await startBambooSandbox({ employees: 30, dataFile: file });
    try {
      expect(second.admin.company('keystone').employees[String(hired.id)]?.firstName).toBe('Persisted');
    } finally {
      await second.close();
    }
  });

  it('scales a company to 10,000 employees and reads them all in one custom report', async () => {
    const big = await startClient({ employees: 10_000 });
    try {
      const res = await big.call('/api/v1/reports/custom?format=json', { body: { fields: ['firstName', 'lastName', 'department', 'division', 'location', 'status', 'hireDate', 'terminationDate'] } });
      expect(res.json<{ employees: unknown[] }>().employees).toHaveLength(9_999);
    } finally {
      await big.sandbox.close();
    }
  });
});
