// GET /api/v1/employees over a 10,000-employee company: a full walk forwards then backwards returns
// every employee exactly once, in both cursor variants, following nextCursor / prevCursor and _links.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../../../runtime/lib/http-client.ts';
import { startClient, oauthToken, type Client, type EmployeeListBody } from './helpers.ts';

type ListBody = EmployeeListBody;

let c: Client;
let token = '';
beforeAll(async () => {
  c = await startClient({ employees: 10_000 });
  token = await oauthToken(c.sandbox);
}, 120_000);
afterAll(async () => {
  await c?.sandbox.close();
});

async function get(url: string): Promise<ListBody> {
  const res = await httpRequest(url.startsWith('http') ? url : `${c.sandbox.companyUrl()}${url}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  expect(res.status, res.text().slice(0, 300)).toBe(200);
  return res.json<ListBody>();
}

/** Forwards along _links.next, then backwards along prevCursor from the last page. */
async function walk(limit: number): Promise<{ forward: string[]; backward: string[]; total: number; pages: number }> {
  const forward: string[] = [];
  let body = await get(`/api/v1/employees?page[limit]=${limit}`);
  let pages = 1;
  forward.push(...body.data.map((d) => d.employeeId));
  while (body._links.next) {
    expect(body.meta.page.nextCursor).toBeTruthy();
    body = await get(body._links.next.href);
    pages++;
    forward.push(...body.data.map((d) => d.employeeId));
  }
  expect(body.meta.page.nextCursor).toBeNull();
  const backward = body.data.map((d) => d.employeeId).reverse();
  while (body.meta.page.prevCursor) {
    body = await get(`/api/v1/employees?page[limit]=${limit}&page[before]=${encodeURIComponent(body.meta.page.prevCursor)}`);
    backward.push(...body.data.map((d) => d.employeeId).reverse());
  }
  expect(body._links.prev).toBeUndefined();
  return { forward, backward: backward.reverse(), total: body.meta.total, pages };
}

function expectEveryoneOnce(ids: string[]): void {
  const expected = Object.values(c.sandbox.admin.company('keystone').employees).filter((e) => !e.deleted).map((e) => String(e.id));
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual([...expected].sort());
}

describe('full walk over 10,000 employees', () => {
  it('string cursors (default): limit 100, every employee once forwards and backwards', async () => {
    const { forward, backward, total, pages } = await walk(100);
    expect(forward.length).toBeGreaterThan(9_000);
    expect(total).toBe(forward.length);
    expect(pages).toBe(Math.ceil(total / 100));
    expectEveryoneOnce(forward);
    expect(backward).toEqual(forward);
  }, 120_000);

  it('integer cursors: limit 2500, every employee once forwards and backwards; default limit 250', async () => {
    const stringCursor = (await get('/api/v1/employees?page[limit]=100')).meta.page.nextCursor!;
    c.sandbox.admin.setFaults({ employeeListCursor: 'integer' });
    try {
      const wrongStyle = await httpRequest(`${c.sandbox.companyUrl()}/api/v1/employees?page[after]=${stringCursor}`, { headers: { authorization: `Bearer ${token}` } });
      expect(wrongStyle.status).toBe(400);
      expect(wrongStyle.json<{ error: { code: string } }>().error.code).toBe('BadPage');
      const tooBig = await httpRequest(`${c.sandbox.companyUrl()}/api/v1/employees?page[limit]=2501`, { headers: { authorization: `Bearer ${token}` } });
      expect(tooBig.json<{ error: { code: string } }>().error.code).toBe('BadRequest');
      const first = await get('/api/v1/employees');
      expect(first.meta.page.limit).toBe(250);
      expect(first.meta.page.nextCursor).toMatch(/^\d+$/);
      const { forward, backward, pages } = await walk(2500);
      expect(pages).toBe(Math.ceil(forward.length / 2500));
      expectEveryoneOnce(forward);
      expect(backward).toEqual(forward);
    } finally {
      c.sandbox.admin.resetFaults();
    }
  }, 120_000);
});
