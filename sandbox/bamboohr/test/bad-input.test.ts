// Bad input answered the way BambooHR documents it (status, headers, body), never a crash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../../../runtime/lib/http-client.ts';
import { startClient, type Client } from './helpers.ts';

let c: Client;
beforeAll(async () => {
  c = await startClient({ employees: 40, maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await c.sandbox.close();
});

describe('bad input', () => {
  it('wrong API key → 401 with WWW-Authenticate and an error header', async () => {
    const res = await c.call('/api/v1/employees/1', { headers: { authorization: `Basic ${Buffer.from('nope:x').toString('base64')}` } });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="BambooHR"');
    expect(res.headers['x-bamboohr-error-message']).toBe('Invalid API key');
  });

  it('missing credentials → 401', async () => {
    const res = await c.call('/api/v1/employees/1', { headers: { authorization: '' } });
    expect(res.status).toBe(401);
    expect(res.headers['x-bamboohr-error-message']).toBe('Your API key is missing');
  });

  it('the API key of one company does not open another', async () => {
    await c.sandbox.admin.addCompany({ domain: 'acme', employees: 5 });
    const res = await c.call(`${c.sandbox.companyUrl('acme')}/api/v1/employees/1`);
    expect(res.status).toBe(401);
  });

  it('unknown company → 404, in every address form', async () => {
    const s = c.sandbox;
    expect((await c.call(`${s.companyUrl('nosuch')}/api/v1/employees/1`)).status).toBe(404);
    expect((await c.call(`${s.url}/api/gateway.php/nosuch/v1/employees/1`)).status).toBe(404);
    const byHost = await httpRequest(`${s.url}/api/v1/employees/1`, { headers: { host: 'nosuch.bamboohr.localhost', authorization: c.basic } });
    expect(byHost.status).toBe(404);
    expect(byHost.headers['x-bamboohr-error-message']).toBe('Company not found: nosuch');
    expect((await httpRequest(`${s.url}/api/v1/employees/1`)).status).toBe(404);
  });

  it('unknown field name → 400 naming it (or omitted when the variant says so)', async () => {
    const res = await c.call('/api/v1/employees/1?fields=firstName,notAField');
    expect(res.status).toBe(400);
    expect(res.headers['x-bamboohr-error-message']).toContain('notAField');
    c.sandbox.admin.setFaults({ unknownFields: 'ignore' });
    try {
      expect((await c.call('/api/v1/employees/1?fields=firstName,notAField')).json()).toEqual({ id: '1', firstName: expect.any(String) });
    } finally {
      c.sandbox.admin.resetFaults();
    }
  });

  it('malformed or missing since → 400, including an unencoded + offset', async () => {
    for (const since of ['yesterday', '2024-13-01', '2024-01-01T00:00:00+00:00', '']) {
      const res = await c.call(`/api/v1/employees/changed?since=${since}`);
      expect(res.status, since).toBe(400);
      expect(res.headers['x-bamboohr-error-message']).toMatch(/since/);
    }
    expect((await c.call('/api/v1/employees/changed/tables/jobInfo?since=nope')).status).toBe(400);
    expect((await c.call('/api/v1/employees/changed?since=2024-01-01T00:00:00Z&type=moved')).status).toBe(400);
  });

  it('oversized body → 413, and the sandbox keeps serving', async () => {
    const res = await c.call('/api/v1/reports/custom?format=json', { body: JSON.stringify({ fields: ['firstName'], pad: 'x'.repeat(200 * 1024) }) });
    expect(res.status).toBe(413);
    expect((await c.call('/api/v1/employees/1')).status).toBe(200);
  });

  it('malformed JSON bodies and percent-encoding → 400/404, never a crash', async () => {
    expect((await c.call('/api/v1/reports/custom?format=json', { body: '{"fields": [' })).status).toBe(400);
    expect((await c.call('/api/v1/webhooks', { body: 'not json' })).status).toBe(400);
    expect((await c.call('/api/v1/employees/%E0%A4%A')).status).toBe(400);
    expect((await c.call('/api/v1/employees/1')).status).toBe(200);
  });

  it('unknown path or method → 404', async () => {
    expect((await c.call('/api/v1/nothing-here')).status).toBe(404);
    expect((await c.call('/api/v1/employees/directory', { method: 'DELETE' })).status).toBe(404);
  });
});
