// The BambooHR endpoints over HTTP, against the seeded company `keystone`, in all three address forms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../../../runtime/lib/http-client.ts';
import { oauthToken, startClient, type Client } from './helpers.ts';

// Seeded edge-case employees (ids are deterministic; the first test proves them).
const E = { gm: 1, jose: 8, zoe: 9, nguyen: 10, noDept: 11, terminated: 12, lingering: 13, leaving: 14, future: 15, deleted: 16, showroom: 17, contractor: 18, rehired: 19 };
const FIELDS = 'firstName,lastName,status,employmentHistoryStatus,department,division,location,jobTitle,hireDate,originalHireDate,terminationDate,supervisorEId,supervisorId,supervisor';

let c: Client;
beforeAll(async () => {
  c = await startClient();
});
afterAll(async () => {
  await c.sandbox.close();
});

async function employee(id: number | string, fields = FIELDS, extra = ''): Promise<Record<string, string | null>> {
  const res = await c.call(`/api/v1/employees/${id}?fields=${fields}${extra}`);
  expect(res.status).toBe(200);
  return res.json();
}

describe('Get Employee', () => {
  it('serves the seeded edge cases the fact sheet lists', async () => {
    expect(await employee(E.jose, 'firstName,lastName')).toEqual({ id: '8', firstName: 'José', lastName: 'Núñez' });
    expect((await employee(E.zoe)).lastName).toBe('Ångström-Łukasiewicz');
    const active = await employee(E.gm);
    expect(active).toMatchObject({ status: 'Active', terminationDate: '0000-00-00', department: 'Management' });
    expect((await employee(E.noDept)).department).toBeNull();
    expect(await employee(E.terminated)).toMatchObject({ status: 'Inactive', employmentHistoryStatus: 'Terminated', terminationDate: '2024-08-30' });
    expect(await employee(E.lingering)).toMatchObject({ status: 'Active', employmentHistoryStatus: 'Terminated' });
    const leaving = await employee(E.leaving);
    expect(leaving.status).toBe('Inactive');
    expect(leaving.terminationDate! > new Date().toISOString().slice(0, 10)).toBe(true);
    expect(leaving.employmentHistoryStatus).toBe('Full-Time');
    expect((await employee(E.contractor)).employmentHistoryStatus).toBe('Contractor');
    expect(await employee(E.rehired)).toMatchObject({ hireDate: '2023-03-01', originalHireDate: '2012-05-14' });
  });

  it('hides a future hire’s job info unless onlyCurrent=false', async () => {
    const now = await employee(E.future);
    expect(now.status).toBe('Inactive');
    expect(now.department).toBeNull();
    expect((await employee(E.future, FIELDS, '&onlyCurrent=false')).department).toBe('Warehouse');
  });

  it('accepts numeric field ids, echoes them as keys, omits restricted fields, and answers id 0 as the API user', async () => {
    const body = await employee(0, 'firstName,1355,ssn,employeeNumber');
    expect(body.id).toBe('1');
    expect(body['1355']).toBe('Management');
    expect('ssn' in body).toBe(false);
    expect(body.employeeNumber).toBe('1001');
  });

  it('distinguishes supervisorEId (employee id) from supervisorId (employee number)', async () => {
    const body = await employee(E.jose);
    expect(body.supervisorId).toBe(String(1000 + Number(body.supervisorEId)));
    expect(body.supervisor).toMatch(/, /);
  });

  it('is 404 for unknown and deleted employees', async () => {
    expect((await c.call('/api/v1/employees/99999')).status).toBe(404);
    expect((await c.call(`/api/v1/employees/${E.deleted}`)).status).toBe(404);
  });

  it('is 400 above 400 fields', async () => {
    const res = await c.call(`/api/v1/employees/1?fields=${Array.from({ length: 401 }, () => 'firstName').join(',')}`);
    expect(res.status).toBe(400);
    expect(res.headers['x-bamboohr-error-message']).toMatch(/400/);
  });

  it('answers XML without Accept: application/json', async () => {
    const res = await c.call(`/api/v1/employees/${E.nguyen}?fields=firstName,lastName`, { headers: { accept: '' } });
    expect(res.headers['content-type']).toMatch(/text\/xml/);
    expect(res.text()).toContain(`<employee id="10"><field id="firstName">Nguyễn</field><field id="lastName">Thị Hương O&apos;Brien</field></employee>`);
  });
});

describe('address forms', () => {
  it('serves the same employee through the prefix, the gateway and the company host', async () => {
    const s = c.sandbox;
    const headers = { authorization: c.basic, accept: 'application/json' };
    const viaPrefix = await httpRequest(`${s.companyUrl()}/api/v1/employees/8/`, { headers });
    const viaGateway = await httpRequest(`${s.gatewayUrl()}/employees/8`, { headers });
    const viaHost = await httpRequest(`${s.url}/api/v1/employees/8`, { headers: { ...headers, host: `keystone.bamboohr.localhost:${s.port}` } });
    for (const r of [viaPrefix, viaGateway, viaHost]) expect(r.json()).toEqual({ id: '8', firstName: 'José', lastName: 'Núñez' });
  });
});

describe('directory', () => {
  it('lists Active employees only, with canUploadPhoto as 0/1', async () => {
    const res = await c.call('/api/v1/employees/directory');
    const body = res.json<{ fields: { id: string }[]; employees: Record<string, unknown>[] }>();
    const ids = body.employees.map((e) => Number(e.id));
    expect(ids).toContain(E.gm);
    expect(ids).toContain(E.lingering);
    for (const gone of [E.terminated, E.leaving, E.future, E.deleted]) expect(ids).not.toContain(gone);
    expect(body.employees[0]!.canUploadPhoto).toBe(1);
    expect(body.fields.map((f) => f.id)).toContain('department');
  });
});

describe('changed', () => {
  it('returns a map keyed by id with latest, honours type, and reports deletions', async () => {
    const res = await c.call('/api/v1/employees/changed?since=2025-01-01T00:00:00Z');
    const body = res.json<{ latest: string; employees: Record<string, { id: string; action: string; lastChanged: string }> }>();
    expect(body.employees[String(E.deleted)]).toMatchObject({ id: String(E.deleted), action: 'Deleted' });
    const max = Object.values(body.employees).map((e) => e.lastChanged).sort().at(-1);
    expect(body.latest).toBe(max);
    const deletedOnly = (await c.call('/api/v1/employees/changed?since=2025-01-01T00:00:00Z&type=deleted')).json<{ employees: Record<string, unknown> }>();
    expect(Object.keys(deletedOnly.employees)).toEqual([String(E.deleted)]);
    const later = (await c.call(`/api/v1/employees/changed?since=${encodeURIComponent(body.latest)}`)).json<{ employees: Record<string, unknown> }>();
    expect(later.employees).toEqual({});
  });

  it('accepts ±hhmm offsets when the + is encoded', async () => {
    const res = await c.call('/api/v1/employees/changed?since=2025-06-01T02:00:00%2B0200');
    expect(res.status).toBe(200);
  });

  it('returns all jobInfo rows of changed employees from changed/tables/jobInfo', async () => {
    const body = (await c.call('/api/v1/employees/changed/tables/jobInfo?since=2025-01-01T00:00:00Z')).json<{ table: string; employees: Record<string, { rows: unknown[] }> }>();
    expect(body.table).toBe('jobInfo');
    expect(body.employees[String(E.showroom)]?.rows).toHaveLength(2);
    expect(body.employees[String(E.deleted)]).toBeUndefined();
  });
});

describe('tables', () => {
  it('keeps history rows, including an archived department, and serves id=all', async () => {
    const rows = (await c.call(`/api/v1/employees/${E.showroom}/tables/jobInfo`)).json<Record<string, string>[]>();
    expect(rows.map((r) => r.department).sort()).toEqual(['Sales', 'Showroom']);
    const status = (await c.call(`/api/v1/employees/${E.terminated}/tables/employmentStatus`)).json<Record<string, string>[]>();
    expect(status.map((r) => r.employmentStatus)).toEqual(['Full-Time', 'Terminated']);
    const all = (await c.call('/api/v1/employees/all/tables/jobInfo')).json<Record<string, string>[]>();
    expect(new Set(all.map((r) => r.employeeId)).has(String(E.terminated))).toBe(true);
    expect((await c.call('/api/v1/employees/1/tables/nope')).status).toBe(404);
  });
});

describe('custom report', () => {
  it('includes inactive employees, drops unknown fields silently, and answers one request for everyone', async () => {
    const res = await c.call('/api/v1/reports/custom?format=JSON', { body: { title: 'All', fields: ['firstName', 'department', 'status', 'bogusField'] } });
    expect(res.status).toBe(200);
    const body = res.json<{ fields: { id: string }[]; employees: Record<string, string>[] }>();
    expect(body.fields.map((f) => f.id)).toEqual(['firstName', 'department', 'status']);
    expect(body.employees.find((e) => e.id === String(E.terminated))?.status).toBe('Inactive');
    expect(body.employees.find((e) => e.id === String(E.noDept))?.department).toBe('');
    expect(body.employees.some((e) => e.id === String(E.deleted))).toBe(false);
  });

  it('filters on lastChanged and employeeIds', async () => {
    const body = (await c.call('/api/v1/reports/custom?format=json', { body: { fields: ['firstName'], filters: { employeeIds: [8, 9] } } })).json<{ employees: { id: string }[] }>();
    expect(body.employees.map((e) => e.id)).toEqual(['8', '9']);
  });

  it('is 404 for an unsupported format or Accept, and 400 for a charset on the content type', async () => {
    expect((await c.call('/api/v1/reports/custom?format=bogus', { body: { fields: ['firstName'] } })).status).toBe(404);
    expect((await c.call('/api/v1/reports/custom', { body: { fields: ['firstName'] }, headers: { accept: '*/*' } })).status).toBe(404);
    const charset = await c.call('/api/v1/reports/custom?format=json', { body: { fields: ['firstName'] }, headers: { 'content-type': 'application/json; charset=UTF-8' } });
    expect(charset.status).toBe(400);
    expect(charset.headers['x-bamboohr-error-message']).toBe('Malformed XML');
  });

  it('renders CSV and XML', async () => {
    const csv = await c.call('/api/v1/reports/custom?format=csv', { body: { fields: ['firstName'], filters: { employeeIds: [8] } } });
    expect(csv.text()).toBe('id,First Name\n8,José\n');
    const xml = await c.call('/api/v1/reports/custom', { body: { fields: ['firstName'], filters: { employeeIds: [8] } }, headers: { accept: 'text/xml' } });
    expect(xml.text()).toContain('<employee id="8"><field id="firstName">José</field></employee>');
  });
});

describe('datasets', () => {
  it('lists datasets and pages their fields', async () => {
    expect((await c.call('/api/v1_2/datasets')).json()).toEqual({ datasets: [{ name: 'employee', label: 'Employee' }] });
    const page = (await c.call('/api/v1_2/datasets/employee/fields?page=2&page_size=5')).json<{ pagination: { current_page: number; next_page: string | null }; fields: unknown[] }>();
    expect(page.pagination.current_page).toBe(2);
    expect(page.fields).toHaveLength(5);
  });

  it('pages data with filter and orderBy, and echoes X-Request-ID', async () => {
    const read = (page: number) =>
      c.call('/api/v2/datasets/employee/data', { body: { fields: ['eeid', 'lastName', 'department'], filter: "status eq 'Active' and department in ('Yard','Drivers')", orderBy: 'eeid asc', page, pageSize: 10 }, headers: { 'x-request-id': 'req-1' } });
    const first = await read(1);
    expect(first.headers['x-request-id']).toBe('req-1');
    const body = first.json<{ data: { fields: Record<string, string> }[]; meta: { totalPages: number; totalItems: number } }>();
    expect(body.data).toHaveLength(10);
    expect(body.data.every((d) => ['Yard', 'Drivers'].includes(d.fields.department!))).toBe(true);
    let seen = 0;
    for (let p = 1; p <= body.meta.totalPages; p++) seen += (await read(p)).json<{ data: unknown[] }>().data.length;
    expect(seen).toBe(body.meta.totalItems);
  });

  it('answers problem+json for bad filters and unknown fields', async () => {
    const bad = await c.call('/api/v2/datasets/employee/data', { body: { fields: ['eeid'], filter: "status eq 'Active' and (" } });
    expect(bad.status).toBe(422);
    expect(bad.headers['content-type']).toMatch(/^application\/json/);
    expect(bad.json()).toMatchObject({ status: 422, code: 'invalid_filter' });
    expect((await c.call('/api/v2/datasets/employee/data', { body: { fields: ['nope'] } })).status).toBe(400);
    expect((await c.call('/api/v2/datasets/employee/data', { body: { fields: ['eeid'], pageSize: 5000 } })).status).toBe(400);
    const v12 = await c.call('/api/v1_2/datasets/employee/fields?page_size=5000');
    expect(v12.status).toBe(422);
    expect(v12.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('meta', () => {
  it('lists list fields with yes/no strings and archived options', async () => {
    const lists = (await c.call('/api/v1/meta/lists')).json<{ alias: string; manageable: string; options: { name: string; archived: string }[] }[]>();
    const dept = lists.find((l) => l.alias === 'department')!;
    expect(dept.manageable).toBe('yes');
    expect(dept.options.find((o) => o.name === 'Showroom')?.archived).toBe('yes');
    expect(lists.map((l) => l.alias)).toEqual(expect.arrayContaining(['division', 'location', 'jobTitle']));
  });

  it('lists fields with int and dotted ids, aliases only where they exist', async () => {
    const fields = (await c.call('/api/v1/meta/fields')).json<{ id: number | string; alias?: string; deprecated?: boolean }[]>();
    expect(fields.find((f) => f.alias === 'department')?.id).toBe(1355);
    expect(fields.find((f) => f.id === 4501)?.alias).toBeUndefined();
    expect(fields.some((f) => f.id === '4020.1')).toBe(true);
    expect(fields.some((f) => f.deprecated === true)).toBe(true);
  });
});

describe('company information', () => {
  it('names the company for an API key, and for a token only with the company:info scope', async () => {
    const basic = await c.call('/api/v1/company_information');
    expect(basic.status).toBe(200);
    const info = basic.json<{ displayName: string; legalName: string; address: { city: string } }>();
    expect(info.displayName).toBe('Keystone Building Supply');
    expect(info.legalName).toContain(info.displayName);
    expect(info.address.city).not.toBe('');

    const bearer = async (scope: string) => c.call('/api/v1/company_information', { headers: { authorization: `Bearer ${await oauthToken(c.sandbox, scope)}` } });
    expect((await bearer('openid employee company:info')).json<{ displayName: string }>().displayName).toBe(info.displayName);
    const refused = await bearer('openid employee');
    expect(refused.status).toBe(403);
    expect(refused.text()).not.toContain('Keystone');
  });
});
