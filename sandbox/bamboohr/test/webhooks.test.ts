// Webhook management and delivery: signatures recomputed independently, both payload styles and
// encodings, BambooHR's retry policy on a compressed clock, and the delivery faults.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signWebhook } from '../index.ts';
import { startClient, startReceiver, type Client, type Receiver } from './helpers.ts';

let c: Client;
let rx: Receiver;
beforeAll(async () => {
  c = await startClient({ employees: 40, settings: { webhookTimeScale: 0.00001 } });
  rx = await startReceiver();
});
afterAll(async () => {
  await c.sandbox.close();
  await rx.close();
});
beforeEach(async () => {
  for (const w of (await c.call('/api/v1/webhooks')).json<{ webhooks: { id: string }[] }>().webhooks) await c.call(`/api/v1/webhooks/${w.id}`, { method: 'DELETE' });
  c.sandbox.admin.resetFaults();
  c.sandbox.admin.setFaults({ webhookTimeScale: 0.00001 });
  rx.received.length = 0;
  rx.respondWith = [];
});

async function create(body: Record<string, unknown>): Promise<{ id: string; privateKey: string }> {
  const res = await c.call('/api/v1/webhooks', { body: { name: 'test', url: rx.url, format: 'json', ...body } });
  expect(res.status).toBe(201);
  return res.json();
}

function verify(key: string, r: { headers: Record<string, unknown>; raw: Buffer }): boolean {
  const ts = String(r.headers['x-bamboohr-timestamp']);
  const expected = createHmac('sha256', key).update(Buffer.concat([r.raw, Buffer.from(ts)])).digest('hex');
  return expected === r.headers['x-bamboohr-signature'];
}

const bodies = () => rx.received.map((r) => JSON.parse(r.raw.toString('utf8')) as Record<string, unknown>);

describe('signature', () => {
  it('matches the known test vector (HMAC over body then timestamp)', () => {
    const body = '{"employees":[{"changedFields":["First name"],"fields":{"Employee #":{"value":"300"},"First name":{"value":"Tefi"},"Last name":{"value":"Adams"}},"id":"5"}]}';
    expect(signWebhook('123b929362d51613054f71e5e5d4bf2c', body, '1658248023')).toBe('56491dd9c2b352bc5f4fc627159aae20ddff9c8cb19f239a6de6771dc5310bac');
  });
});

describe('management', () => {
  it('returns privateKey only on create; lists, gets and deletes', async () => {
    const created = await create({ events: ['employee.created'], monitorFields: ['department'] });
    expect(created.privateKey).toMatch(/^[0-9a-f]{32}$/);
    const got = (await c.call(`/api/v1/webhooks/${created.id}`)).json<Record<string, unknown>>();
    expect(got.privateKey).toBeUndefined();
    expect(got.events).toEqual(['employee.created']);
    const list = (await c.call('/api/v1/webhooks')).json<{ webhooks: Record<string, unknown>[] }>();
    expect(list.webhooks).toEqual([{ id: created.id, name: 'test', created: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/), lastSent: null, url: rx.url }]);
    const del = await c.call(`/api/v1/webhooks/${created.id}`, { method: 'DELETE' });
    expect(del.text()).toBe('Web hook has been deleted.');
    expect((await c.call(`/api/v1/webhooks/${created.id}`)).json()).toEqual({ errors: [{ error: `No webhook was found with ID: ${created.id}.` }] });
  });

  it('rejects bad definitions with the documented error bodies', async () => {
    const noMonitor = await c.call('/api/v1/webhooks', { body: { name: 'x', url: rx.url, format: 'json' } });
    expect(noMonitor.status).toBe(400);
    expect(noMonitor.json<{ errors: { issues: string[] }[] }>().errors[0]!.issues).toContain('monitorFields is required for update events');
    const http = await c.call('/api/v1/webhooks', { body: { name: 'x', url: 'http://example.com/h', format: 'json', events: ['employee.created'] } });
    expect(http.json<{ errors: { issues: string[] }[] }>().errors[0]!.issues).toContain('url must start with https://');
    const mixed = await c.call('/api/v1/webhooks', { body: { name: 'x', url: rx.url, format: 'json', events: ['employee.created', 'employee_with_fields.created'] } });
    expect(mixed.status).toBe(400);
    const unknown = await c.call('/api/v1/webhooks', { body: { name: 'x', url: rx.url, format: 'json', monitorFields: ['nope'] } });
    expect(unknown.status).toBe(403);
  });
});

describe('event-based delivery', () => {
  it('fires created then updated on hire, updated on a monitored move, deleted on delete — all signed', async () => {
    const hook = await create({ events: ['employee.created', 'employee.updated', 'employee.deleted'], monitorFields: ['department', 'firstName'], includeCompanyDomain: true });
    const hired = c.sandbox.admin.hire('keystone', { firstName: 'Ana', lastName: 'Lima', department: 'Yard', jobTitle: 'Yard Associate' });
    c.sandbox.admin.move('keystone', hired.id, { department: 'Drivers' });
    c.sandbox.admin.move('keystone', hired.id, { location: 'York, PA' }); // not monitored: no event
    c.sandbox.admin.remove('keystone', hired.id);
    await c.sandbox.admin.waitForWebhooks();
    // Deliveries run concurrently, so arrival order is not promised (nor is it by BambooHR).
    const got = bodies();
    expect(got.map((b) => b.type).sort()).toEqual(['employee.created', 'employee.deleted', 'employee.updated', 'employee.updated']);
    const changed = got.filter((b) => b.type === 'employee.updated').map((b) => (b.data as { changedFields: string[] }).changedFields);
    expect(changed).toEqual(expect.arrayContaining([['firstName', 'department'], ['department']]));
    expect(got.every((b) => (b.data as { employeeId: string }).employeeId === String(hired.id))).toBe(true);
    expect(String(got[0]!.timestamp)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/);
    for (const r of rx.received) {
      expect(verify(hook.privateKey, r)).toBe(true);
      expect(r.headers['x-bamboohr-timestamp']).toMatch(/^\d{10}$/);
      expect(r.headers['user-agent']).toMatch(/^BambooHR-WebHooks/);
      expect(r.headers['company-domain']).toBe('keystone');
    }
  });

  it('form-encodes event payloads', async () => {
    await create({ format: 'form-encoded', events: ['employee.updated'], monitorFields: ['department'] });
    c.sandbox.admin.move('keystone', 8, { department: 'Drivers' });
    await c.sandbox.admin.waitForWebhooks();
    const form = new URLSearchParams(rx.received[0]!.raw.toString('utf8'));
    expect(rx.received[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(form.get('type')).toBe('employee.updated');
    expect(form.get('data[employeeId]')).toBe('8');
    expect(form.get('data[changedFields][0]')).toBe('department');
  });
});

describe('legacy field-based delivery', () => {
  it('posts external field names, flat or {value}-wrapped', async () => {
    const hook = await create({ monitorFields: ['department'], postFields: { firstName: 'First Name', department: 'Dept', employeeNumber: 'Employee #' } });
    c.sandbox.admin.move('keystone', 9, { department: 'Office' });
    c.sandbox.admin.setFaults({ webhookValueStyle: 'value' });
    c.sandbox.admin.move('keystone', 9, { department: 'Sales' });
    await c.sandbox.admin.waitForWebhooks();
    const all = bodies() as { employees: { fields: Record<string, unknown> }[] }[];
    const flat = all.find((b) => typeof b.employees[0]!.fields.Dept === 'string');
    const wrapped = all.find((b) => typeof b.employees[0]!.fields.Dept === 'object');
    expect(flat!.employees[0]).toMatchObject({ action: 'Updated', changedFields: ['Dept'], id: '9', fields: { 'First Name': 'Zoë', Dept: 'Office', 'Employee #': '1009' } });
    expect(wrapped!.employees[0]).toMatchObject({ fields: { Dept: { value: 'Sales' } } });
    expect(rx.received.every((r) => verify(hook.privateKey, r))).toBe(true);
  });

  it('form-encodes legacy payloads under employees[id]', async () => {
    await create({ format: 'form-encoded', monitorFields: ['firstName'] });
    c.sandbox.admin.update('keystone', 8, { firstName: 'John' });
    await c.sandbox.admin.waitForWebhooks();
    const form = new URLSearchParams(rx.received[0]!.raw.toString('utf8'));
    expect(form.get('employees[8][changedFields][0]')).toBe('First Name');
    expect(form.get('employees[8][First Name]')).toBe('John');
  });
});

describe('retries and faults', () => {
  const deliveriesFor = (id: string) => c.sandbox.admin.deliveries().filter((d) => String(d.webhookId) === id);

  it('retries 5xx on the compressed schedule until delivered, and never retries 4xx', async () => {
    const hook = await create({ events: ['employee.updated'], monitorFields: ['department'] });
    rx.respondWith = [503, 500, 200];
    c.sandbox.admin.move('keystone', 10, { department: 'Sales' });
    await c.sandbox.admin.waitForWebhooks();
    expect(deliveriesFor(hook.id).map((d) => [d.attempt, d.outcome])).toEqual([[0, 'retrying'], [1, 'retrying'], [2, 'delivered']]);
    expect(rx.received).toHaveLength(3);
    rx.respondWith = [410];
    c.sandbox.admin.move('keystone', 10, { department: 'Office' });
    await c.sandbox.admin.waitForWebhooks();
    expect(deliveriesFor(hook.id).at(-1)).toMatchObject({ attempt: 0, outcome: 'rejected', status: 410 });
    expect(rx.received).toHaveLength(4);
    const log = (await c.call(`/api/v1/webhooks/${hook.id}/log`)).json<{ statusCode: string }[]>();
    expect(log.map((l) => l.statusCode)).toEqual(['503', '500', '200', '410']);
  });

  it('gives up after five retries', async () => {
    const hook = await create({ events: ['employee.updated'], monitorFields: ['department'] });
    rx.respondWith = [500, 500, 500, 500, 500, 500, 500];
    c.sandbox.admin.move('keystone', 10, { department: 'Yard' });
    await c.sandbox.admin.waitForWebhooks();
    expect(deliveriesFor(hook.id)).toHaveLength(6);
    expect(deliveriesFor(hook.id).at(-1)?.outcome).toBe('failed');
  });

  it('drops, duplicates and delays deliveries when told to', async () => {
    const hook = await create({ events: ['employee.updated'], monitorFields: ['department'] });
    c.sandbox.admin.setFaults({ webhookDropRate: 1 });
    c.sandbox.admin.move('keystone', 8, { department: 'Yard' });
    await c.sandbox.admin.waitForWebhooks();
    expect(rx.received).toHaveLength(0);
    expect(deliveriesFor(hook.id).at(-1)?.outcome).toBe('dropped');
    c.sandbox.admin.setFaults({ webhookDropRate: 0, webhookDuplicateRate: 1, webhookDelayMs: 50 });
    const started = Date.now();
    c.sandbox.admin.move('keystone', 8, { department: 'Sales' });
    await c.sandbox.admin.waitForWebhooks();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(rx.received).toHaveLength(2);
    expect(rx.received[0]!.raw.toString()).toBe(rx.received[1]!.raw.toString());
  });
});

describe('monitor fields', () => {
  it('lists monitorable fields with string ids and nullable aliases', async () => {
    const body = (await c.call('/api/v1/webhooks/monitor_fields')).json<{ fields: { id: string; alias: string | null }[] }>();
    expect(body.fields.find((f) => f.alias === 'department')?.id).toBe('1355');
    expect(body.fields.some((f) => f.alias === null)).toBe(true);
  });
});
