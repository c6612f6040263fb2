// The agent over real HTTPS on 127.0.0.1 with the sim backend: every endpoint, every error class and
// every bad input of the issue. Each response is checked against openapi.yaml by the test client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimBackend } from './backends/sim/backend.ts';
import { ERRORS } from './errors.ts';
import { loadContract } from './contract.ts';
import { contractProblem, startTestAgent, type TestAgent } from './test-support.ts';

let t: TestAgent;
let seq = 0;
const ikey = (): string => `test-${Date.now()}-${++seq}`;
const KBS = '/v1/companies/KBS';

beforeAll(async () => {
  t = await startTestAgent();
});
afterAll(async () => {
  await t?.stop();
});

describe('reads', () => {
  it('reports health and version without authentication', async () => {
    const r = await t.call('GET', '/v1/health', { key: null });
    expect(r.status).toBe(200);
    expect(r.data).toMatchObject({ status: 'ok', apiVersion: 'v1', backend: 'sim' });
  });

  it('lists companies and the KBS account structure', async () => {
    expect((await t.call('GET', '/v1/companies')).data.items).toEqual([{ code: 'KBS', name: 'Keystone Building Supply' }]);
    const s = await t.call('GET', `${KBS}/account-structure`);
    expect(s.data).toMatchObject({ separator: '-', mask: '####-##-AAA-##' });
    expect(s.data.segments.map((x: { name: string }) => x.name)).toEqual(['Main', 'Division', 'Department', 'Location']);
  });

  it('lists segment values including the inactive one, and pages with a cursor', async () => {
    const all = await t.call('GET', `${KBS}/segments/03/values`);
    expect(all.data.items.map((v: { code: string }) => v.code)).toEqual(expect.arrayContaining(['ADM', 'OPS', 'SLS', 'WHS']));
    expect(all.data.items.find((v: { code: string }) => v.code === 'WHS').status).toBe('inactive');
    const first = await t.call('GET', `${KBS}/segments/03/values?limit=2`);
    expect(first.data.items).toHaveLength(2);
    const second = await t.call('GET', `${KBS}/segments/03/values?limit=2&cursor=${first.data.nextCursor}`);
    expect(second.data.items[0].code > first.data.items[1].code).toBe(true);
  });

  it('lists accounts with Sage-assigned keys, filtered by main account', async () => {
    const r = await t.call('GET', `${KBS}/accounts?mainAccount=6000`);
    expect(r.data.items.length).toBeGreaterThanOrEqual(2);
    expect(r.data.items[0]).toMatchObject({ mainAccount: '6000', accountType: '13' });
    expect(r.data.items[0].accountKey).toMatch(/^\d{9}$/);
    const one = await t.call('GET', `${KBS}/accounts/${encodeURIComponent('6000-10-OPS-01')}`);
    expect(one.headers.etag).toBe(one.data.etag);
  });

  it('reads the main-account filter as Sage stores it, and refuses one that cannot be a main account', async () => {
    const padded = await t.call('GET', `${KBS}/accounts?mainAccount=%206000%20`);
    expect(padded.data.items.length).toBeGreaterThanOrEqual(2);
    const bad = await t.call('GET', `${KBS}/accounts?mainAccount=60X0`);
    expect(bad.status).toBe(422);
    expect(bad.data.error).toMatchObject({ code: 'validation_failed', field: 'mainAccount', rule: 'numeric' });
  });
});

describe('writes', () => {
  it('creates a segment value zero-filled / upper-cased as Sage stores it, then replays the same key', async () => {
    const key = ikey();
    const body = { description: 'Human Resources', shortDescription: 'HR' };
    const first = await t.call('PUT', `${KBS}/segments/03/values/hr`, { body, idempotencyKey: key });
    expect(first.status).toBe(201);
    expect(first.data.record).toMatchObject({ code: 'HR', status: 'active' });
    const again = await t.call('PUT', `${KBS}/segments/03/values/hr`, { body, idempotencyKey: key });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.data).toEqual(first.data);
    const loc = await t.call('PUT', `${KBS}/segments/04/values/3`, { body: { description: 'York' }, idempotencyKey: ikey() });
    expect(loc.data.record.code).toBe('03');
  });

  it('updates only with the current ETag; a hand edit in Sage makes the old ETag stale (412)', async () => {
    const read = await t.call('GET', `${KBS}/segments/03/values/SLS`);
    const noCondition = await t.call('PUT', `${KBS}/segments/03/values/SLS`, { body: { description: 'Sales & Marketing' }, idempotencyKey: ikey() });
    expect(noCondition.status).toBe(428);
    expect(noCondition.data.error.code).toBe('precondition_required');
    await t.call('POST', '/v1/_admin/sim/hand-edit', { key: t.adminKey, body: { company: 'KBS', segment: '03', code: 'SLS', description: 'Sales (edited by hand)' } });
    const stale = await t.call('PUT', `${KBS}/segments/03/values/SLS`, { body: { description: 'Sales & Marketing' }, headers: { 'if-match': read.data.etag }, idempotencyKey: ikey() });
    expect(stale.status).toBe(412);
    expect(stale.data.error.code).toBe('etag_mismatch');
    expect((await t.call('GET', `${KBS}/segments/03/values/SLS`)).data.description).toBe('Sales (edited by hand)');
    const fresh = await t.call('GET', `${KBS}/segments/03/values/SLS`);
    const ok = await t.call('PUT', `${KBS}/segments/03/values/SLS`, { body: { description: 'Sales & Marketing' }, headers: { 'if-match': fresh.headers.etag ?? '' }, idempotencyKey: ikey() });
    expect(ok.status).toBe(200);
    expect(ok.data.outcome).toBe('updated');
    const unchanged = await t.call('PUT', `${KBS}/segments/03/values/SLS`, { body: { description: 'Sales & Marketing' }, idempotencyKey: ikey() });
    expect(unchanged.data.outcome).toBe('unchanged');
  });

  it('a re-sync of an unchanged record with trailing blanks is "unchanged", not a conflict (Sage drops them)', async () => {
    const body = { description: 'Trailing Blanks  ' };
    const created = await t.call('PUT', `${KBS}/segments/03/values/TRB`, { body, idempotencyKey: ikey() });
    expect(created.data.record).toMatchObject({ description: 'Trailing Blanks', shortDescription: 'Trailing B' });
    const again = await t.call('PUT', `${KBS}/segments/03/values/TRB`, { body, idempotencyKey: ikey() });
    expect(again.status).toBe(200);
    expect(again.data.outcome).toBe('unchanged');
    const account = { mainAccount: '6500', segments: { '02': '10', '03': 'ADM', '04': '01' }, description: 'Rent Retail Admin Hbg ' };
    const read = await t.call('GET', `${KBS}/accounts/6500-10-ADM-01`);
    await t.call('POST', `${KBS}/accounts`, { body: account, headers: { 'if-match': read.data.etag }, idempotencyKey: ikey() });
    const accountAgain = await t.call('POST', `${KBS}/accounts`, { body: account, idempotencyKey: ikey() });
    expect(accountAgain.data.outcome).toBe('unchanged');
    const blank = await t.call('PUT', `${KBS}/segments/03/values/BLK`, { body: { description: '   ' }, idempotencyKey: ikey() });
    expect(blank.data.error).toMatchObject({ code: 'validation_failed', field: 'description', rule: 'required' });
  });

  it('control characters in a description are refused (chr(138) is the BOI record separator)', async () => {
    for (const description of ['Ops\u008aX', 'Line\nbreak', 'Nul\u0000']) {
      const r = await t.call('PUT', `${KBS}/segments/03/values/CTL`, { body: { description }, idempotencyKey: ikey() });
      expect(r.data.error, JSON.stringify(description)).toMatchObject({ code: 'validation_failed', field: 'description', rule: 'pattern' });
    }
    const r = await t.call('POST', `${KBS}/accounts`, { body: { mainAccount: '6000', segments: { '02': '10', '03': 'OPS', '04': '01' }, description: 'Tab\there' }, idempotencyKey: ikey() });
    expect(r.data.error).toMatchObject({ field: 'description', rule: 'pattern' });
    const accents = await t.call('PUT', `${KBS}/segments/03/values/CAF`, { body: { description: 'Café – Façade' }, idempotencyKey: ikey() });
    expect(accents.status).toBe(201);
  });

  it('If-Match compares strongly, takes a list, and a malformed condition is a client error, not a conflict', async () => {
    const path = `${KBS}/segments/03/values/ETG`;
    const created = await t.call('PUT', path, { body: { description: 'Etag test' }, idempotencyKey: ikey() });
    const etag: string = created.headers.etag ?? '';
    expect(etag).toMatch(/^"[^"]+"$/);
    const weak = await t.call('PUT', path, { body: { description: 'Weak' }, headers: { 'if-match': `W/${etag}` }, idempotencyKey: ikey() });
    expect(weak.status).toBe(412);
    for (const [header, value] of [['if-match', etag.slice(1, -1)], ['if-match', ''], ['if-none-match', etag]] as const) {
      const r = await t.call('PUT', path, { body: { description: 'Bad condition' }, headers: { [header]: value }, idempotencyKey: ikey() });
      expect(r.status, `${header}: ${value}`).toBe(422);
      expect(r.data.error).toMatchObject({ code: 'validation_failed', field: header === 'if-match' ? 'If-Match' : 'If-None-Match' });
    }
    const list = await t.call('PUT', path, { body: { description: 'Listed' }, headers: { 'if-match': `"stale", ${etag}` }, idempotencyKey: ikey() });
    expect(list.data.outcome).toBe('updated');
    const star = await t.call('PUT', path, { body: { description: 'Star' }, headers: { 'if-match': '*' }, idempotencyKey: ikey() });
    expect(star.data.outcome).toBe('updated');
    const starMissing = await t.call('PUT', `${KBS}/segments/03/values/NOE`, { body: { description: 'Absent' }, headers: { 'if-match': '*' }, idempotencyKey: ikey() });
    expect(starMissing.status).toBe(412);
  });

  it('If-None-Match: * creates only', async () => {
    const r = await t.call('PUT', `${KBS}/segments/03/values/OPS`, { body: { description: 'x' }, headers: { 'if-none-match': '*' }, idempotencyKey: ikey() });
    expect(r.status).toBe(412);
  });

  it('creates a GL account from main account + segment codes; Sage assigns the AccountKey', async () => {
    const r = await t.call('POST', `${KBS}/accounts`, { body: { mainAccount: '6100', segments: { '02': '20', '03': 'sls', '04': '2' }, description: 'Payroll Taxes Contractor Sales Lanc' }, idempotencyKey: ikey() });
    expect(r.status).toBe(201);
    expect(r.data.record).toMatchObject({ account: '6100-20-SLS-02', rawAccount: '610020SLS02', accountType: '13', status: 'active' });
    expect(r.data.record.accountKey).toMatch(/^\d{9}$/);
  });

  it('refuses an account on an inactive cost center with Sage\'s message', async () => {
    const r = await t.call('POST', `${KBS}/accounts`, { body: { mainAccount: '6000', segments: { '02': '10', '03': 'WHS', '04': '01' }, description: 'Wages warehouse' }, idempotencyKey: ikey() });
    expect(r.status).toBe(422);
    expect(r.data.error).toMatchObject({ code: 'sage_rejected', retryable: false, sageMessage: 'Sub account WHS is inactive.' });
  });

  it('keeps headcount per cost center on the non-financial account, per period', async () => {
    const body = { costCenter: { '02': '20', '03': 'SLS', '04': '02' }, period: '2026-11', headcount: 7 };
    const r = await t.call('POST', `${KBS}/headcount`, { body, idempotencyKey: ikey() });
    expect(r.status).toBe(201);
    expect(r.data.record).toMatchObject({ account: '9900-20-SLS-02', headcount: 7 });
    const list = await t.call('GET', `${KBS}/headcount?period=2026-11`);
    expect(list.data.items).toEqual([expect.objectContaining({ account: '9900-20-SLS-02', headcount: 7 })]);
    const update = await t.call('POST', `${KBS}/headcount`, { body: { ...body, headcount: 8 }, headers: { 'if-match': r.data.record.etag }, idempotencyKey: ikey() });
    expect(update.data).toMatchObject({ outcome: 'updated', record: { headcount: 8 } });
    expect((await t.call('GET', `${KBS}/headcount?period=2026-10`)).data.items).toEqual([]);
  });
});

describe('bad input', () => {
  it('a segment code too long or with invalid characters names the field and rule', async () => {
    const long = await t.call('PUT', `${KBS}/segments/03/values/TOOLONG`, { body: { description: 'x' }, idempotencyKey: ikey() });
    expect(long.status).toBe(422);
    expect(long.data.error).toMatchObject({ code: 'validation_failed', field: 'code', rule: 'maxLength', retryable: false });
    const chars = await t.call('PUT', `${KBS}/segments/03/values/${encodeURIComponent('A-B')}`, { body: { description: 'x' }, idempotencyKey: ikey() });
    expect(chars.data.error).toMatchObject({ field: 'code', rule: 'charset' });
    const numeric = await t.call('PUT', `${KBS}/segments/02/values/AB`, { body: { description: 'x' }, idempotencyKey: ikey() });
    expect(numeric.data.error).toMatchObject({ field: 'code', rule: 'numeric' });
    const acct = await t.call('POST', `${KBS}/accounts`, { body: { mainAccount: '6000', segments: { '02': '100', '03': 'OPS', '04': '01' }, description: 'x' }, idempotencyKey: ikey() });
    expect(acct.data.error).toMatchObject({ field: 'segments.02', rule: 'maxLength' });
  });

  it('a description over its field length', async () => {
    const r = await t.call('PUT', `${KBS}/segments/03/values/MKT`, { body: { description: 'x'.repeat(41) }, idempotencyKey: ikey() });
    expect(r.status).toBe(422);
    expect(r.data.error).toMatchObject({ code: 'validation_failed', field: 'description', rule: 'maxLength' });
  });

  it('an unknown company', async () => {
    const r = await t.call('GET', '/v1/companies/XYZ/segments/03/values');
    expect(r.status).toBe(404);
    expect(r.data.error.code).toBe('unknown_company');
  });

  it('a missing or wrong API key', async () => {
    const missing = await t.call('GET', '/v1/companies', { key: null });
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    for (const key of ['wrong', `${t.clientKey}x`, t.clientKey.slice(0, -1), 'mlc_000000000000_short']) {
      const r = await t.call('GET', '/v1/companies', { key });
      expect(r.status, key).toBe(401);
      expect(r.data.error.code).toBe('unauthorized');
    }
    const notAdmin = await t.call('GET', '/v1/_admin/status');
    expect(notAdmin.data.error.code).toBe('admin_required');
  });

  it('a revoked key stops working on the running agent', async () => {
    const { id, key } = t.agent.keys.add('short-lived');
    expect((await t.call('GET', '/v1/companies', { key })).status).toBe(200);
    t.agent.keys.revoke(id);
    expect((await t.call('GET', '/v1/companies', { key })).status).toBe(401);
  });

  it('a 10 MB request is refused with 413 promptly, and the agent keeps serving', async () => {
    const started = Date.now();
    const r = await t.call('PUT', `${KBS}/segments/03/values/BIG`, { rawBody: Buffer.alloc(10 * 1024 * 1024, 0x61), idempotencyKey: ikey() }).catch((e: Error) => e);
    if (r instanceof Error) throw r;
    expect(r.status).toBe(413);
    expect(r.data.error.code).toBe('payload_too_large');
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await t.call('GET', '/v1/health')).status).toBe(200);
  });

  it('malformed JSON, a wrong content type and an unknown field', async () => {
    const bad = await t.call('PUT', `${KBS}/segments/03/values/MKT`, { rawBody: '{"description": ', idempotencyKey: ikey() });
    expect(bad.status).toBe(400);
    expect(bad.data.error.code).toBe('malformed_json');
    const deep = await t.call('PUT', `${KBS}/segments/03/values/MKT`, { rawBody: '['.repeat(100_000), idempotencyKey: ikey() });
    expect(deep.data.error.code).toBe('malformed_json');
    const nested = await t.call('PUT', `${KBS}/segments/03/values/MKT`, { rawBody: `${'['.repeat(200_000)}${']'.repeat(200_000)}`, idempotencyKey: ikey() });
    expect([400, 422]).toContain(nested.status);
    const text = await t.call('PUT', `${KBS}/segments/03/values/MKT`, { rawBody: 'description=x', headers: { 'content-type': 'text/plain' }, idempotencyKey: ikey() });
    expect(text.status).toBe(415);
    const extra = await t.call('PUT', `${KBS}/segments/03/values/MKT`, { body: { description: 'x', colour: 'red' }, idempotencyKey: ikey() });
    expect(extra.data.error).toMatchObject({ code: 'validation_failed', field: 'colour', rule: 'unknownField' });
    const poisoned = await t.call('PUT', `${KBS}/segments/03/values/MKT`, { rawBody: '{"description":"x","__proto__":{"admin":true}}', idempotencyKey: ikey() });
    expect(poisoned.data.error).toMatchObject({ code: 'validation_failed', field: '__proto__', rule: 'unknownField' });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('the same Idempotency-Key with a different body is rejected; a write without a key too', async () => {
    const key = ikey();
    const first = await t.call('PUT', `${KBS}/segments/03/values/FIN`, { body: { description: 'Finance' }, idempotencyKey: key });
    expect(first.status).toBe(201);
    const other = await t.call('PUT', `${KBS}/segments/03/values/FIN`, { body: { description: 'Finance and Accounting' }, idempotencyKey: key });
    expect(other.status).toBe(422);
    expect(other.data.error.code).toBe('idempotency_mismatch');
    const none = await t.call('PUT', `${KBS}/segments/03/values/FIN`, { body: { description: 'Finance' } });
    expect(none.status).toBe(400);
    expect(none.data.error.code).toBe('idempotency_key_required');
  });

  it('a lock that never clears is answered "locked" promptly, retryable with Retry-After', async () => {
    await t.call('POST', '/v1/_admin/sim/lock', { key: t.adminKey, body: { company: 'KBS', table: 'GL_SubAccount', key: ['03', 'ADM'], seconds: null } });
    const key = ikey();
    const started = Date.now();
    const read = await t.call('GET', `${KBS}/segments/03/values/ADM`);
    const r = await t.call('PUT', `${KBS}/segments/03/values/ADM`, { body: { description: 'Admin' }, headers: { 'if-match': read.data.etag }, idempotencyKey: key });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(r.status).toBe(423);
    expect(r.data.error).toMatchObject({ code: 'record_locked', retryable: true });
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    // A retryable failure is not remembered: the same key succeeds once the other user lets go.
    await t.call('POST', '/v1/_admin/sim/unlock', { key: t.adminKey, body: { company: 'KBS', table: 'GL_SubAccount', key: ['03', 'ADM'] } });
    const retry = await t.call('PUT', `${KBS}/segments/03/values/ADM`, { body: { description: 'Admin' }, headers: { 'if-match': read.data.etag }, idempotencyKey: key });
    expect(retry.status).toBe(200);
  });

  it('a second request with a key still running gets idempotency_in_progress', async () => {
    const { backend } = createSimBackend();
    const slowBackend = { ...backend, upsertSubAccount: async (...args: Parameters<typeof backend.upsertSubAccount>) => (await new Promise((r) => setTimeout(r, 300)), backend.upsertSubAccount(...args)) };
    const other = await startTestAgent({ backend: slowBackend });
    const body = { description: 'Legal' };
    const first = other.call('PUT', `${KBS}/segments/03/values/LEG`, { body, idempotencyKey: 'same' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await other.call('PUT', `${KBS}/segments/03/values/LEG`, { body, idempotencyKey: 'same' });
    expect(second.status).toBe(409);
    expect(second.data.error).toMatchObject({ code: 'idempotency_in_progress', retryable: true });
    expect((await first).status).toBe(201);
    expect((await other.call('PUT', `${KBS}/segments/03/values/LEG`, { body, idempotencyKey: 'same' })).headers['idempotent-replayed']).toBe('true');
    expect(other.violations).toEqual([]);
    await other.stop();
  });

  it('a segment number the structure does not have', async () => {
    const r = await t.call('PUT', `${KBS}/segments/05/values/X`, { body: { description: 'x' }, idempotencyKey: ikey() });
    expect(r.data.error).toMatchObject({ code: 'validation_failed', field: 'segment', rule: 'exists' });
    const main = await t.call('GET', `${KBS}/segments/01/values`);
    expect(main.data.error).toMatchObject({ field: 'segment' });
  });

  it('a lock held for a while clears by itself', async () => {
    await t.call('POST', '/v1/_admin/sim/lock', { key: t.adminKey, body: { company: 'KBS', table: 'GL_Account', key: ['6500-10-ADM-01'], seconds: 0.3 } });
    const body = { mainAccount: '6500', segments: { '02': '10', '03': 'ADM', '04': '01' }, description: 'Rent Retail Admin Harrisburg' };
    const read = await t.call('GET', `${KBS}/accounts/6500-10-ADM-01`);
    const locked = await t.call('POST', `${KBS}/accounts`, { body, headers: { 'if-match': read.data.etag }, idempotencyKey: ikey() });
    expect(locked.data.error.code).toBe('record_locked');
    await new Promise((resolve) => setTimeout(resolve, 350));
    const ok = await t.call('POST', `${KBS}/accounts`, { body, headers: { 'if-match': read.data.etag }, idempotencyKey: ikey() });
    expect(ok.data.outcome).toBe('updated');
  });

  it('unknown endpoints, methods and out-of-range limits', async () => {
    expect((await t.call('GET', '/v1/nothing')).data.error.code).toBe('not_found');
    expect((await t.call('POST', '/v1/companies', { body: {} })).data.error.code).toBe('method_not_allowed');
    expect((await t.call('GET', `${KBS}/accounts?limit=0`)).data.error).toMatchObject({ field: 'limit' });
    expect((await t.call('GET', `${KBS}/headcount?period=2026-13`)).data.error).toMatchObject({ field: 'period' });
    expect((await t.call('GET', `${KBS}/segments/03/values/NOP`)).data.error.code).toBe('not_found');
  });
});

describe('Sage-side failures surface as typed errors', () => {
  const faults = (body: object) => t.call('POST', '/v1/_admin/sim/faults', { key: t.adminKey, body });

  it('permission denied when the Sage user lacks role rights on the task', async () => {
    await faults({ deniedTasks: ['GL_Account_ui'] });
    const r = await t.call('GET', `${KBS}/accounts`);
    await faults({ deniedTasks: [] });
    expect(r.status).toBe(403);
    expect(r.data.error).toMatchObject({ code: 'permission_denied', sageMessage: 'You do not have security rights to this task.' });
  });

  it('no licence available, retryable', async () => {
    await faults({ licences: 0, dropSessions: true });
    const r = await t.call('GET', `${KBS}/segments/03/values`);
    await faults({ licences: 5 });
    expect(r.status).toBe(503);
    expect(r.data.error).toMatchObject({ code: 'no_licence', retryable: true });
    expect(r.headers['retry-after']).toBeDefined();
    expect((await t.call('GET', `${KBS}/segments/03/values`)).status).toBe(200);
  });

  it('session lost on a COM failure, then rebuilt', async () => {
    await faults({ comFailures: 3 });
    const r = await t.call('GET', `${KBS}/segments/03/values`);
    expect(r.status).toBe(503);
    expect(r.data.error).toMatchObject({ code: 'session_lost', retryable: true });
    await faults({ comFailures: 0 });
    expect((await t.call('GET', `${KBS}/segments/03/values`)).status).toBe(200);
  });

  it('drain releases sessions and refuses work until resumed', async () => {
    const drained = await t.call('POST', '/v1/_admin/drain', { key: t.adminKey });
    expect(drained.data).toMatchObject({ draining: true, sessionsOpen: 0, profile: { source: 'simulator', verified: true, headcount: true } });
    expect((await t.call('GET', '/v1/_admin/sim/state', { key: t.adminKey })).data.licencesInUse).toBe(0);
    const r = await t.call('GET', `${KBS}/accounts`);
    expect(r.data.error).toMatchObject({ code: 'draining', retryable: true });
    await t.call('POST', '/v1/_admin/resume', { key: t.adminKey });
    expect((await t.call('GET', `${KBS}/accounts`)).status).toBe(200);
  });
});

describe('restart', () => {
  it('lets a request in flight finish during a graceful shutdown, then refuses connections', async () => {
    const { backend } = createSimBackend();
    const slowBackend = { ...backend, listCompanies: async () => (await new Promise((r) => setTimeout(r, 300)), backend.listCompanies()) };
    const other = await startTestAgent({ backend: slowBackend });
    const slow = other.call('GET', '/v1/companies');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = other.agent.close(5000);
    expect((await slow).status).toBe(200);
    await closing;
    await expect(other.call('GET', '/v1/health')).rejects.toThrow();
    await other.stop();
  });

  it('replays a write after a restart with no second effect, and keeps the data and the certificate', async () => {
    const key = ikey();
    const body = { description: 'Marketing' };
    const first = await t.call('PUT', `${KBS}/segments/03/values/MKT`, { body, idempotencyKey: key });
    expect(first.status).toBe(201);
    const fingerprint = t.agent.fingerprint256;
    await t.restart();
    expect(t.agent.fingerprint256).toBe(fingerprint);
    const again = await t.call('PUT', `${KBS}/segments/03/values/MKT`, { body, idempotencyKey: key });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.data).toEqual(first.data);
    expect((await t.call('GET', `${KBS}/segments/03/values/MKT`)).data.description).toBe('Marketing');
    const mismatch = await t.call('PUT', `${KBS}/segments/03/values/MKT`, { body: { description: 'Other' }, idempotencyKey: key });
    expect(mismatch.data.error.code).toBe('idempotency_mismatch');
  });
});

describe('contract', () => {
  it('every response served in this file matched openapi.yaml', () => {
    expect(t.violations).toEqual([]);
  });

  it('the check covers headers and the error catalogue, not only body schemas', () => {
    const json = { 'content-type': 'application/json; charset=utf-8' };
    const record = { segment: '03', code: 'OPS', description: 'Ops', shortDescription: 'Ops', status: 'active', dateUpdated: '20250102', etag: '"abc"' };
    const path = `${KBS}/segments/03/values/OPS`;
    expect(contractProblem('GET', path, 200, record, { ...json, etag: '"abc"' })).toBeUndefined();
    expect(contractProblem('GET', path, 200, record, json)).toMatch(/ETag/);
    expect(contractProblem('GET', path, 200, record, { ...json, etag: 'W/"abc"' })).toMatch(/strong/);
    expect(contractProblem('GET', path, 200, record, { 'content-type': 'text/html', etag: '"abc"' })).toMatch(/content-type/);
    const locked = { error: { code: 'record_locked', message: 'm', retryable: true, retryAfterSeconds: 2 } };
    expect(contractProblem('GET', path, 423, locked, { ...json, 'retry-after': '2' })).toBeUndefined();
    expect(contractProblem('GET', path, 423, locked, json)).toMatch(/Retry-After/);
    expect(contractProblem('GET', path, 409, locked, { ...json, 'retry-after': '2' })).toMatch(/catalogue/);
  });

  it('the error codes of the contract and of the catalogue are the same', () => {
    const schema = loadContract().document.components.schemas.Error as { properties: { error: { properties: { code: { enum: string[] } } } } };
    expect([...schema.properties.error.properties.code.enum].sort()).toEqual(Object.keys(ERRORS).sort());
  });
});
