// Review findings: inputs that used to crash a handler (500) or slip through where BambooHR answers
// 4xx, and state that grew without bound. Each case is answered the documented way.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../../../runtime/lib/http-client.ts';
import { startClient, type Client } from './helpers.ts';

let c: Client;
beforeAll(async () => {
  c = await startClient({ employees: 30 });
});
afterAll(async () => {
  await c.sandbox.close();
});

describe('inputs that must not reach a 500', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('employee id %j on tables → 404', async (id) => {
    const res = await c.call(`/api/v1/employees/${id}/tables/jobInfo`);
    expect(res.status).toBe(404);
    expect(res.headers['x-bamboohr-error-message']).toContain('Employee not found');
  });

  it('admin changes to an employee id like "constructor" → 404', async () => {
    const res = await c.admin('/companies/keystone/employees/constructor/terminate', 'POST', {});
    expect(res.status).toBe(404);
  });

  it('token endpoint: Basic client credentials with broken percent-encoding → 401 invalid_client', async () => {
    const res = await httpRequest(`${c.sandbox.companyUrl()}/token.php`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('a%zz:b').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=x',
    });
    expect(res.status).toBe(401);
    expect(res.json<{ error: string }>().error).toBe('invalid_client');
  });

  it('datasets: a deeply nested filter → 422, not a stack overflow', async () => {
    const res = await c.call('/api/v2/datasets/employee/data', { body: { fields: ['firstName'], filter: `${'('.repeat(50_000)}status eq 'Active'${')'.repeat(50_000)}` } });
    expect(res.status).toBe(422);
    expect((await c.call('/api/v2/datasets/employee/data', { body: { fields: ['firstName'], filter: "((status eq 'Active'))" } })).status).toBe(200);
  });

  it('an unparsable request target → 400', async () => {
    const line = await new Promise<string>((resolve) => {
      const socket = connect(c.sandbox.port, '127.0.0.1', () => socket.write('GET http://[bad/api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let out = '';
      socket.on('data', (d: Buffer) => (out += d.toString()));
      socket.on('close', () => resolve(out.split('\r\n')[0] ?? ''));
    });
    expect(line).toBe('HTTP/1.1 400 Bad Request');
    expect((await c.call('/api/v1/employees/1')).status).toBe(200);
  });
});

describe('employees/changed argument checks', () => {
  it.each(['2024-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T23:60:00Z', '2024-00-10T00:00:00Z', '2024-01-01T00:00:00%2B24:00', '2024-01-01T00:00:00-0575'])(
    'impossible since %s → 400',
    async (since) => {
      const res = await c.call(`/api/v1/employees/changed?since=${since}`);
      expect(res.status).toBe(400);
      expect(res.headers['x-bamboohr-error-message']).toMatch(/since/);
    },
  );

  it('still accepts a leap day and a +hhmm offset', async () => {
    expect((await c.call('/api/v1/employees/changed?since=2024-02-29T23:59:59Z')).status).toBe(200);
    expect((await c.call('/api/v1/employees/changed?since=2024-02-29T23:59:59%2B1400')).status).toBe(200);
  });

  it.each(['constructor', '__proto__', 'valueOf'])('type=%s → 400', async (type) => {
    const res = await c.call(`/api/v1/employees/changed?since=2024-01-01T00:00:00Z&type=${type}`);
    expect(res.status).toBe(400);
  });
});

describe('token endpoint errors (RFC 6749 §5.2)', () => {
  it('a missing grant_type is invalid_request, an unknown one unsupported_grant_type', async () => {
    const { clientId, clientSecret } = c.sandbox.credentials().oauth;
    const post = (body: string) => httpRequest(`${c.sandbox.companyUrl()}/token.php`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const missing = await post(`client_id=${clientId}&client_secret=${clientSecret}`);
    expect(missing.status).toBe(400);
    expect(missing.json<{ error: string }>().error).toBe('invalid_request');
    const unknown = await post(`client_id=${clientId}&client_secret=${clientSecret}&grant_type=password`);
    expect(unknown.json<{ error: string }>().error).toBe('unsupported_grant_type');
  });
});

describe('webhook definitions', () => {
  it('postFields values must be strings (external names) → 400 otherwise', async () => {
    const res = await c.call('/api/v1/webhooks', { body: { name: 'x', url: 'https://example.test/h', format: 'json', monitorFields: ['firstName'], postFields: { firstName: { a: 1 } } } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json())).toContain('postFields');
  });
});

describe('request log', () => {
  it('keeps at most a short prefix of each path, so 50,000 records stay small', async () => {
    await c.admin('/requests', 'DELETE');
    expect((await c.call(`/api/v1/${'x'.repeat(12_000)}`)).status).toBe(404);
    const { requests } = (await c.admin('/requests')).json<{ requests: { path: string }[] }>();
    const long = requests.find((r) => r.path.startsWith('/co/keystone/api/v1/xxx'));
    expect(long?.path.length).toBeLessThanOrEqual(1_100);
  });
});
