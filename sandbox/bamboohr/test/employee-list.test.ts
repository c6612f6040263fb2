// GET /api/v1/employees: OAuth only, filters, sort, fields, restricted fields, links, and each 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, type HttpResponse } from '../../../runtime/lib/http-client.ts';
import { startClient, oauthToken, type Client, type EmployeeListBody } from './helpers.ts';

type Rec = Record<string, string | null | string[]> & { employeeId: string; _restrictedFields: string[] };
type ListBody = EmployeeListBody<Rec>;

let c: Client;
let token = '';
beforeAll(async () => {
  c = await startClient({ employees: 120 });
  token = await oauthToken(c.sandbox);
});
afterAll(async () => {
  await c?.sandbox.close();
});

const call = (query: string, headers: Record<string, string> = {}): Promise<HttpResponse> =>
  httpRequest(`${c.sandbox.companyUrl()}/api/v1/employees${query}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...headers } });

async function list(query: string): Promise<ListBody> {
  const res = await call(query);
  expect(res.status, res.text().slice(0, 300)).toBe(200);
  return res.json<ListBody>();
}

async function expect400(query: string, code: 'BadRequest' | 'BadPage'): Promise<string> {
  const res = await call(query);
  expect(res.status, query).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json<{ error: { code: string; message: string } }>();
  expect(body.error.code, `${query}: ${body.error.message}`).toBe(code);
  expect(body.error.message).toBeTruthy();
  return body.error.message;
}

const living = () => Object.values(c.sandbox.admin.company('keystone').employees).filter((e) => !e.deleted);
const ids = (b: ListBody) => b.data.map((d) => d.employeeId);

describe('OAuth only', () => {
  it('answers an API key (Basic) with 401 and a Bearer challenge, a missing credential with 401, a token with 200', async () => {
    const basic = await call('', { authorization: c.basic });
    expect(basic.status).toBe(401);
    expect(basic.headers['www-authenticate']).toBe('Bearer realm="BambooHR"');
    expect(basic.headers['x-bamboohr-error-message']).toMatch(/OAuth/);
    expect(basic.body.length).toBe(0);
    expect((await call('', { authorization: '' })).status).toBe(401);
    expect((await call('', { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await call('')).status).toBe(200);
  });

  it('is served on the legacy gateway path too, JSON even without Accept', async () => {
    const res = await httpRequest(`${c.sandbox.gatewayUrl()}/employees?page[limit]=2`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.json<ListBody>().data).toHaveLength(2);
  });
});

describe('records and pages', () => {
  it('carries the fixed set, default limit 50, meta.total and _links', async () => {
    const body = await list('');
    expect(body.meta.page).toMatchObject({ limit: 50, prevCursor: null });
    expect(body.meta.total).toBe(living().length);
    expect(body.data).toHaveLength(50);
    expect(Object.keys(body.data[0]!).sort()).toEqual(['_restrictedFields', 'employeeId', 'firstName', 'jobTitleName', 'lastName', 'photoUrl', 'preferredName', 'status']);
    expect(body.data.find((d) => d.employeeId === '8')).toMatchObject({ firstName: 'José', lastName: 'Núñez', status: 'Active', _restrictedFields: [] });
    expect(ids(body).includes('16')).toBe(false); // deleted
    expect(body._links.self.href).toBe(`${c.sandbox.companyUrl()}/api/v1/employees`);
    expect(body._links.next!.href).toContain('page%5Blimit%5D=50&page%5Bafter%5D=');
    expect(body._links.prev).toBeUndefined();
    // The cursor is opaque base64url, not an id.
    expect(body.meta.page.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('keeps filters, sort and fields in the next link, and the next page follows on', async () => {
    const first = await list('?filter[status]=active&sort=-lastName&fields=hireDate&page[limit]=5');
    const next = new URL(first._links.next!.href);
    expect(next.searchParams.get('filter[status]')).toBe('active');
    expect(next.searchParams.get('sort')).toBe('-lastName');
    expect(next.searchParams.get('fields')).toBe('hireDate');
    const second = await list(`${next.search}`);
    expect(ids(second).some((id) => ids(first).includes(id))).toBe(false);
    expect(second.meta.page.prevCursor).toBeTruthy();
    const back = await list(`?filter[status]=active&sort=-lastName&page[limit]=5&page[before]=${second.meta.page.prevCursor}`);
    expect(ids(back)).toEqual(ids(first));
  });
});

describe('filters', () => {
  it('filter[status] splits the company into active and inactive', async () => {
    const active = await list('?filter[status]=active&page[limit]=100');
    const inactive = await list('?filter[status]=inactive&page[limit]=100');
    expect(active.meta.total + inactive.meta.total).toBe(living().length);
    expect(active.data.every((d) => d.status === 'Active')).toBe(true);
    expect(inactive.data.every((d) => d.status === 'Inactive')).toBe(true);
    expect(ids(inactive)).toContain('12');
  });

  it('filter[ids] as a comma list and as repeated filter[ids][] keys; deleted ids are simply absent', async () => {
    expect(ids(await list('?filter[ids]=9,8,16'))).toEqual(['8', '9']);
    expect(ids(await list('?filter[ids][]=10&filter[ids][]=12'))).toEqual(['10', '12']);
  });

  it('firstName / lastName / jobTitleName are case-insensitive substrings, combined with AND', async () => {
    expect(ids(await list('?filter[firstName]=JOS'))).toContain('8');
    expect(ids(await list('?filter[lastName]=%C3%A5ngstr%C3%B6m'))).toEqual(['9']);
    const title = (await list('?filter[jobTitleName]=driver&page[limit]=100')).data;
    expect(title.length).toBeGreaterThan(0);
    expect(title.every((d) => String(d.jobTitleName).toLowerCase().includes('driver'))).toBe(true);
    expect((await list('?filter[firstName]=jos&filter[lastName]=zzz')).meta.total).toBe(0);
  });
});

describe('sort', () => {
  it('sort=-lastName,firstName orders by last name descending, then first name', async () => {
    const data = (await list('?sort=-lastName,firstName&page[limit]=100')).data;
    const collator = new Intl.Collator('en');
    for (let i = 1; i < data.length; i++) {
      const [a, b] = [data[i - 1]!, data[i]!];
      const byLast = collator.compare(String(a.lastName), String(b.lastName));
      expect(byLast > 0 || (byLast === 0 && collator.compare(String(a.firstName), String(b.firstName)) <= 0), `${a.lastName} ${a.firstName} before ${b.lastName} ${b.firstName}`).toBe(true);
    }
  });

  it('puts nulls first ascending and last descending', async () => {
    const asc = (await list('?sort=preferredName&page[limit]=100')).data;
    expect(asc[0]!.preferredName).toBeNull();
    const desc = (await list(`?sort=-preferredName&page[limit]=100`)).data;
    expect(desc[0]!.preferredName).not.toBeNull();
    expect(desc.at(-1)!.preferredName).toBeNull();
    expect(ids(await list('?sort=-employeeId&page[limit]=3'))).toEqual(living().map((e) => String(e.id)).sort((a, b) => Number(b) - Number(a)).slice(0, 3));
  });
});

describe('fields', () => {
  it('adds requested optional fields with Get Employee’s values, ignores unknown names, restricts birthDate', async () => {
    const [rec] = (await list('?filter[ids]=8&fields=departmentName,departmentId,divisionName,locationName,locationId,workEmail,hireDate,employmentStatusName,reportsToId,reportsToName,birthDate,salary,mobilePhone')).data;
    const basic = await c.call('/api/v1/employees/8?fields=department,departmentId,division,location,locationId,workEmail,hireDate,employmentHistoryStatus,supervisorEId');
    const e = basic.json<Record<string, string | null>>();
    expect(rec).toMatchObject({
      departmentName: e.department, departmentId: e.departmentId, divisionName: e.division, locationName: e.location, locationId: e.locationId,
      workEmail: e.workEmail, hireDate: e.hireDate, employmentStatusName: e.employmentHistoryStatus, reportsToId: e.supervisorEId, mobilePhone: null, birthDate: null,
    });
    expect(rec!.reportsToName).toMatch(/\S+ \S+/);
    expect('salary' in rec!).toBe(false);
    expect(rec!._restrictedFields).toEqual(['birthDate']);
  });

  it('accepts repeated fields= keys', async () => {
    const [rec] = (await list('?filter[ids]=8&fields=hireDate&fields=jobTitleId')).data;
    expect(rec!.hireDate).toBeTruthy();
    expect(rec!.jobTitleId).toMatch(/^\d+$/);
  });
});

describe('400', () => {
  it('BadRequest for bad filters, sort and limit', async () => {
    for (const q of ['?filter[status]=terminated', '?filter[ids]=abc', '?filter[ids]=', '?filter[ids][]=0', '?filter[department]=Sales', '?filter=x', '?sort=salary', '?sort=lastName,', '?sort=lastName,-lastName', '?page[limit]=0', '?page[limit]=101', '?page[limit]=ten', '?page[size]=5', '?page=2']) {
      await expect400(q, 'BadRequest');
    }
  });

  it('BadPage for a malformed cursor, the wrong direction, or both directions', async () => {
    const page = await list('?page[limit]=3');
    const second = await list(`?page[limit]=3&page[after]=${page.meta.page.nextCursor}`);
    for (const q of ['?page[after]=garbage!', '?page[after]=eyJjdXJzb3IiOiAiYWZ0ZXItMTI0In0=', '?page[before]=123', `?page[before]=${page.meta.page.nextCursor}`, `?page[after]=${second.meta.page.prevCursor}`, `?page[after]=${page.meta.page.nextCursor}&page[before]=${second.meta.page.prevCursor}`]) {
      await expect400(q, 'BadPage');
    }
  });

  it('BadPage when the boundary employee was deleted, no longer matches the filter, or moved in the order; other changes are fine', async () => {
    const hire = (n: number) => c.sandbox.admin.hire('keystone', { firstName: `Cursor${n}`, lastName: 'Boundary' });
    const people = [hire(1), hire(2), hire(3), hire(4)];
    const q = '?filter[lastName]=boundary&filter[status]=active&sort=firstName&page[limit]=1';
    /** nextCursor of the first page, whose one employee must be `expected`. */
    const cursorAfter = async (expected: string) => {
      const body = await list(q);
      expect(body.data[0]!.firstName).toBe(expected);
      return body.meta.page.nextCursor!;
    };
    const c1 = await cursorAfter('Cursor1');
    c.sandbox.admin.remove('keystone', people[0]!.id);
    expect(await expect400(`${q}&page[after]=${c1}`, 'BadPage')).toMatch(/boundary/);
    const c2 = await cursorAfter('Cursor2');
    c.sandbox.admin.terminate('keystone', people[1]!.id);
    await expect400(`${q}&page[after]=${c2}`, 'BadPage');
    const c3 = await cursorAfter('Cursor3');
    c.sandbox.admin.update('keystone', people[2]!.id, { firstName: 'Cursor9' });
    await expect400(`${q}&page[after]=${c3}`, 'BadPage');
    // A change to someone else, or to a field outside the sort, keeps the cursor valid.
    const c4 = await cursorAfter('Cursor4');
    c.sandbox.admin.update('keystone', people[3]!.id, { workEmail: 'x@example.com' });
    c.sandbox.admin.remove('keystone', people[2]!.id);
    expect((await list(`${q}&page[after]=${c4}`)).data).toEqual([]);
  });
});
