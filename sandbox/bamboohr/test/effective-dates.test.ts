// Effective-dated job rows, every variant a client meets (reference §3.5: the current value is the row
// with the latest effective date on or before today; rows come unsorted). Two rows on one date are not
// documented: the sandbox takes the row entered last (the higher row id) as current, in every read —
// Get Employee, the custom report, the directory — so a client that takes BambooHR's computed current
// values (as the source does) never has to pick a row itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClient, type Client } from './helpers.ts';

let c: Client;
/** Active employees with a department and a location today (some seeded ones have neither). */
let ids: string[] = [];
beforeAll(async () => {
  c = await startClient({ employees: 40 });
  const company = c.sandbox.admin.company('keystone');
  ids = Object.values(company.employees)
    .filter((e) => !e.deleted && e.status === 'Active' && e.jobInfo.at(-1)?.departmentId && e.jobInfo.at(-1)?.locationId)
    .map((e) => String(e.id))
    .slice(0, 3);
});
afterAll(async () => {
  await c.sandbox.close();
});

const today = (): string => new Date().toISOString().slice(0, 10);
type Row = { id: string; date: string; department: string; location: string };

async function current(id: string, onlyCurrent = true): Promise<{ department: string; location: string }> {
  const one = (await c.call(`/api/v1/employees/${id}?fields=department,location&onlyCurrent=${onlyCurrent}`)).json<{ department: string; location: string }>();
  const report = (await c.call(`/api/v1/reports/custom?format=JSON&onlyCurrent=${onlyCurrent}`, { method: 'POST', body: JSON.stringify({ title: 't', fields: ['id', 'department', 'location'], filters: { employeeIds: [Number(id)] } }) })).json<{ employees: { id: string; department: string; location: string }[] }>();
  // The two reads agree on every variant.
  expect({ department: report.employees[0]?.department, location: report.employees[0]?.location }).toEqual({ department: one.department, location: one.location });
  return { department: one.department, location: one.location };
}

describe('effective-dated jobInfo rows', () => {
  it('two job changes on one day: the one entered last is current, both rows are in the history', async () => {
    c.sandbox.admin.move('keystone', ids[0] as string, { department: 'Yard', date: today() });
    c.sandbox.admin.move('keystone', ids[0] as string, { department: 'Drivers', date: today() });
    expect((await current(ids[0] as string)).department).toBe('Drivers');
    const rows = (await c.call(`/api/v1/employees/${ids[0]}/tables/jobInfo`)).json<Row[]>().filter((r) => r.date === today());
    expect(rows.map((r) => r.department).sort()).toEqual(['Drivers', 'Yard']);
    // A same-day correction back to where they were: current again, with a row of its own.
    c.sandbox.admin.move('keystone', ids[0] as string, { department: 'Yard', date: today() });
    expect((await current(ids[0] as string)).department).toBe('Yard');
  });

  it('a future-dated row is not current (unless onlyCurrent=false), and a move today does not pick up its values', async () => {
    const before = await current(ids[1] as string);
    c.sandbox.admin.move('keystone', ids[1] as string, { location: 'Reading, PA', date: '2099-01-04' });
    expect(await current(ids[1] as string)).toEqual(before);
    expect((await current(ids[1] as string, false)).location).toBe('Reading, PA');
    c.sandbox.admin.move('keystone', ids[1] as string, { department: 'Sales', date: today() });
    expect(await current(ids[1] as string)).toEqual({ department: 'Sales', location: before.location });
    // Once its date comes, the future row is current as entered (its own department, not today's move).
    expect((await current(ids[1] as string, false)).location).toBe('Reading, PA');
  });

  it('a back-dated row older than the current one changes nothing today; it starts from what was true on its date', async () => {
    const now = await current(ids[2] as string);
    c.sandbox.admin.move('keystone', ids[2] as string, { department: 'Office', date: '2001-01-01' });
    expect(await current(ids[2] as string)).toEqual(now);
    const rows = (await c.call(`/api/v1/employees/${ids[2]}/tables/jobInfo`)).json<Row[]>();
    expect(rows.find((r) => r.date === '2001-01-01')?.department).toBe('Office');
  });
});
