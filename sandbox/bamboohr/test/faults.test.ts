// Run-time faults: throttle windows with every Retry-After form, the early-retry flag in the request
// log, seeded random 5xx, latency and slow bodies — switched through the admin HTTP API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startClient, type Client } from './helpers.ts';
import type { RequestRecord } from '../index.ts';

let c: Client;
beforeAll(async () => {
  c = await startClient({ employees: 30 });
});
afterAll(async () => {
  await c.sandbox.close();
});
beforeEach(async () => {
  await c.admin('/faults', 'DELETE');
  await c.admin('/requests', 'DELETE');
});

const IMF = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850 = /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

describe('throttling', () => {
  it.each([
    [429, 'seconds', /^[1-5]$/],
    [429, 'imf-fixdate', IMF],
    [503, 'rfc850', RFC850],
    [503, 'asctime', ASCTIME],
  ] as const)('answers %i with Retry-After as %s for the window, then recovers', async (status, format, shape) => {
    expect((await c.admin('/faults/throttle', 'POST', { status, seconds: 1, retryAfterFormat: format })).status).toBe(200);
    const res = await c.call('/api/v1/employees/1');
    expect(res.status).toBe(status);
    expect(res.headers['retry-after']).toMatch(shape);
    expect(res.headers['x-bamboohr-error-message']).toBeTruthy();
    if (format !== 'seconds') {
      const until = Date.parse(format === 'asctime' ? `${res.headers['retry-after']} GMT` : res.headers['retry-after']!.replace(/-(\w{3})-(\d{2}) /, ' $1 20$2 '));
      expect(until).toBeGreaterThan(Date.now());
    }
    await c.admin('/faults', 'PATCH', { throttle: null });
    expect((await c.call('/api/v1/employees/1')).status).toBe(200);
  });

  it('flags a client that comes back inside the window it was told to wait out', async () => {
    await c.admin('/faults/throttle', 'POST', { status: 429, seconds: 30 });
    await c.call('/api/v1/employees/1');
    await c.call('/api/v1/employees/2');
    const log = (await c.admin('/requests')).json<{ requests: RequestRecord[] }>().requests.filter((r) => r.company === 'keystone');
    expect(log.map((r) => [r.status, r.throttled, r.earlyRetry])).toEqual([
      [429, true, false],
      [429, true, true],
    ]);
    expect(log[0]).toMatchObject({ method: 'GET', path: '/co/keystone/api/v1/employees/1', authKind: 'basic', fault: 'throttle-429' });
    expect(typeof log[0]!.durationMs).toBe('number');
  });
});

describe('random 5xx', () => {
  it('fails about the configured share of requests, with the configured statuses', async () => {
    await c.admin('/faults', 'PATCH', { errorRate: 0.5, errorStatuses: [502] });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await c.call('/api/v1/employees/1')).status);
    const failed = statuses.filter((s) => s === 502).length;
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
    expect(statuses.every((s) => s === 200 || s === 502)).toBe(true);
  });
});

describe('dropped connections', () => {
  it('closes the connection without an answer, logs it, and keeps serving', async () => {
    await c.admin('/faults', 'PATCH', { dropConnectionRate: 1 });
    await expect(c.call('/api/v1/employees/1')).rejects.toThrow();
    await c.admin('/faults', 'PATCH', { dropConnectionRate: 0 });
    expect((await c.call('/api/v1/employees/1')).status).toBe(200);
    const log = (await c.admin('/requests')).json<{ requests: RequestRecord[] }>().requests;
    expect(log.some((r) => r.fault === 'dropped-connection' && r.status === 0)).toBe(true);
  });
});

describe('error header variants', () => {
  it('sends the error detail under the configured header names', async () => {
    await c.admin('/faults', 'PATCH', { errorHeaders: ['X-BambooHR-Message', 'X-BambooHR-Error-Messsage'] });
    const res = await c.call('/api/v1/employees/424242');
    expect(res.status).toBe(404);
    expect(res.headers['x-bamboohr-message']).toBe('Employee not found: 424242');
    expect(res.headers['x-bamboohr-error-messsage']).toBe('Employee not found: 424242');
    expect(res.headers['x-bamboohr-error-message']).toBeUndefined();
  });
});

describe('latency and slow bodies', () => {
  it('adds latency and spreads the body over time', async () => {
    await c.admin('/faults', 'PATCH', { latencyMs: 60 });
    let started = performance.now();
    expect((await c.call('/api/v1/employees/1')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    await c.admin('/faults', 'PATCH', { latencyMs: 0, slowBodyMs: 100 });
    started = performance.now();
    const res = await c.call('/api/v1/employees/directory');
    expect(res.json<{ employees: unknown[] }>().employees.length).toBeGreaterThan(10);
    expect(performance.now() - started).toBeGreaterThanOrEqual(80);
  });

  it('rejects unknown or mistyped settings', async () => {
    expect((await c.admin('/faults', 'PATCH', { latencyMS: 5 })).status).toBe(400);
    expect((await c.admin('/faults', 'PATCH', { errorRate: 'lots' })).status).toBe(400);
    expect((await c.admin('/faults/throttle', 'POST', { status: 418 })).status).toBe(400);
    expect((await c.admin('/faults', 'PATCH', { errorHeaders: ['bad header'] })).status).toBe(400);
    expect((await c.admin('/faults', 'PATCH', { errorStatuses: [200] })).status).toBe(400);
  });
});
