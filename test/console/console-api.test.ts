// The console API against each bad input of issue 17: no or wrong token, CSRF, an expired session,
// a viewer replaying, an XSS value, an odd pipeline name, 10,000 held records, login flooding.
import { afterEach, describe, expect, it } from 'vitest';
import { held, login, SECRETS, startConsole, type ConsoleHarness } from './console-harness.ts';

let harness: ConsoleHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const get = (url: string, cookie = ''): Promise<Response> => fetch(url, { headers: cookie ? { cookie } : {} });
const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('console access', () => {
  it('refuses the API without a session and with a wrong token, and sends no secret back', async () => {
    harness = await startConsole({ quarantine: [held(1)] });
    const none = await get(`${harness.url}/api/pipelines`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { code: string }).code).toBe('MLC_CONSOLE_LOGIN_REQUIRED');
    const wrong = await login(harness.url, { token: 'op-token-012345678X' });
    expect(wrong.status).toBe(401);
    expect(wrong.cookie).toBe('');
    const right = await login(harness.url, { token: SECRETS['console-operator-token'] as string });
    expect(right.status).toBe(200);
    expect(right.setCookie).toMatch(/HttpOnly/);
    expect(right.setCookie).toMatch(/SameSite=Strict/);
    expect(right.setCookie).toMatch(/Max-Age=3600/);
    const session = await (await get(`${harness.url}/api/session`, right.cookie)).text();
    for (const secret of Object.values(SECRETS)) expect(session).not.toContain(secret);
    expect((await get(`${harness.url}/api/pipelines`, right.cookie)).status).toBe(200);
  });

  it('logs in with a user and password from the secret store, with that user role', async () => {
    harness = await startConsole();
    const bob = await login(harness.url, { user: 'bob', password: 'battery staple' });
    expect(bob.status).toBe(200);
    const info = (await (await get(`${harness.url}/api/session`, bob.cookie)).json()) as { role: string };
    expect(info.role).toBe('viewer');
    expect((await login(harness.url, { user: 'bob', password: 'correct horse' })).status).toBe(401);
  });

  it('refuses a POST without the session CSRF token, and changes nothing', async () => {
    harness = await startConsole({ quarantine: [held(1)] });
    const { cookie, csrf } = await login(harness.url, { token: SECRETS['console-operator-token'] as string });
    const forged = await post(`${harness.url}/api/pipelines/people/replay`, { all: true }, { cookie });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { code: string }).code).toBe('MLC_CONSOLE_CSRF');
    const wrong = await post(`${harness.url}/api/pipelines/people/replay`, { all: true }, { cookie, 'x-csrf-token': `${csrf}x` });
    expect(wrong.status).toBe(403);
    const form = await fetch(`${harness.url}/api/pipelines/people/replay`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'all=true' });
    expect(form.status).toBe(415);
    expect(await harness.store.jobs.list('people')).toEqual([]);
  });

  it('ends a session when it expires', async () => {
    harness = await startConsole();
    const { cookie } = await login(harness.url, { token: SECRETS['console-viewer-token'] as string });
    expect((await get(`${harness.url}/api/pipelines`, cookie)).status).toBe(200);
    harness.now.ms += 60 * 60_000;
    expect((await get(`${harness.url}/api/pipelines`, cookie)).status).toBe(401);
  });

  it('lets a viewer look but not replay; an operator replay queues a replay job', async () => {
    harness = await startConsole({ quarantine: [held(1), held(2), held(3, 'MLC_REMOTE_REJECTED', 'refused')] });
    const viewer = await login(harness.url, { token: SECRETS['console-viewer-token'] as string });
    const refused = await post(`${harness.url}/api/pipelines/people/replay`, { all: true }, { cookie: viewer.cookie, 'x-csrf-token': viewer.csrf });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('MLC_CONSOLE_FORBIDDEN');
    expect(await harness.store.jobs.list('people')).toEqual([]);
    const op = await login(harness.url, { user: 'ada', password: 'correct horse' });
    const byCause = await post(`${harness.url}/api/pipelines/people/replay`, { code: 'MLC_MAPPING_UNMAPPED' }, { cookie: op.cookie, 'x-csrf-token': op.csrf });
    expect(byCause.status).toBe(202);
    expect(((await byCause.json()) as { queued: number }).queued).toBe(2);
    const jobs = await harness.store.jobs.list('people');
    expect(jobs.map((j) => [j.kind, j.keys])).toEqual([['replay', ['1001', '1002']]]);
    expect(harness.wakes.count).toBe(1);
    const bad = await post(`${harness.url}/api/pipelines/people/replay`, { everything: 1 }, { cookie: op.cookie, 'x-csrf-token': op.csrf });
    expect(bad.status).toBe(400);
  });

  it('lets only an operator start a run now, with the CSRF token, as the job a poll or a full run queues', async () => {
    harness = await startConsole();
    const url = `${harness.url}/api/pipelines/people/run`;
    const viewer = await login(harness.url, { token: SECRETS['console-viewer-token'] as string });
    expect((await post(url, { mode: 'full' }, { cookie: viewer.cookie, 'x-csrf-token': viewer.csrf })).status).toBe(403);
    const op = await login(harness.url, { token: SECRETS['console-operator-token'] as string });
    expect((await post(url, { mode: 'full' }, { cookie: op.cookie })).status).toBe(403);
    expect((await post(url, { mode: 'everything' }, { cookie: op.cookie, 'x-csrf-token': op.csrf })).status).toBe(400);
    expect((await get(url, op.cookie)).status).toBe(405);
    expect(await harness.store.jobs.list('people')).toEqual([]);
    const full = await post(url, { mode: 'full' }, { cookie: op.cookie, 'x-csrf-token': op.csrf });
    expect(full.status).toBe(202);
    expect(await post(url, { mode: 'changed' }, { cookie: op.cookie, 'x-csrf-token': op.csrf }).then((r) => r.status)).toBe(202);
    expect((await harness.store.jobs.list('people')).map((j) => j.kind).sort()).toEqual(['changed', 'full']);
    expect(((await full.json()) as { jobId: string }).jobId).toMatch(/\S/);
    expect(harness.wakes.count).toBe(2);
  });

  it('rate-limits login attempts per address', async () => {
    harness = await startConsole();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await login(harness.url, { token: `guess-${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect((await login(harness.url, { token: SECRETS['console-operator-token'] as string })).status).toBe(429);
    harness.now.ms += 15 * 60_000;
    expect((await login(harness.url, { token: SECRETS['console-operator-token'] as string })).status).toBe(200);
  });

  it('grants a loopback caller an operator session without a login when trusted', async () => {
    harness = await startConsole({ trustLoopback: true });
    const response = await get(`${harness.url}/api/session`);
    const info = (await response.json()) as { authenticated: boolean; role: string; csrf: string; loopback: boolean };
    expect(info).toMatchObject({ authenticated: true, role: 'operator', loopback: true });
    expect(info.csrf.length).toBeGreaterThan(20);
    expect(response.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('asks a request a proxy forwarded to log in, although it arrives on loopback', async () => {
    harness = await startConsole({ trustLoopback: true });
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
      const info = (await (await fetch(`${harness.url}/api/session`, { headers: { [header]: header === 'forwarded' ? 'for=203.0.113.7' : '203.0.113.7' } })).json()) as { authenticated: boolean };
      expect(info.authenticated).toBe(false);
      expect((await fetch(`${harness.url}/api/pipelines`, { headers: { [header]: '203.0.113.7' } })).status).toBe(401);
    }
  });
});

describe('console data', () => {
  it('returns an XSS attempt in a value as plain JSON data, with a strict content security policy', async () => {
    const xss = `department '<img src=x onerror=alert(1)><script>alert(2)</script>' has no mapping row`;
    harness = await startConsole({ quarantine: [held(1, 'MLC_MAPPING_UNMAPPED', xss)] });
    const { cookie } = await login(harness.url, { token: SECRETS['console-viewer-token'] as string });
    const response = await get(`${harness.url}/api/pipelines/people/quarantine`, cookie);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const body = (await response.json()) as { items: { cause: string }[]; groups: { causes: { cause: string }[] }[] };
    expect(body.items[0]?.cause).toBe(xss);
    expect(body.groups[0]?.causes[0]?.cause).toBe(xss);
  });

  it('answers an odd or unknown pipeline name in the URL with a plain 404', async () => {
    harness = await startConsole();
    const { cookie } = await login(harness.url, { token: SECRETS['console-viewer-token'] as string });
    for (const name of ['%3Cscript%3Ealert(1)%3C%2Fscript%3E', '%E0%A4%A', '..%2F..%2Fetc', 'people%00', 'constructor', '__proto__']) {
      const response = await get(`${harness.url}/api/pipelines/${name}/quarantine`, cookie);
      expect(response.status, name).toBe(404);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ code: 'MLC_CONSOLE_NOT_FOUND', error: 'There is no pipeline by that name.' });
    }
    expect((await get(`${harness.url}/api/pipelines/people/quarantine?limit=-1`, cookie)).status).toBe(400);
    expect((await get(`${harness.url}/api/pipelines/people/quarantine?cursor=1e3`, cookie)).status).toBe(400);
  });

  it('pages 10,000 quarantined records: counts by cause at once, at most 1,000 records a page', async () => {
    harness = await startConsole({ quarantine: Array.from({ length: 10_000 }, (_, i) => held(i)) });
    const { cookie } = await login(harness.url, { token: SECRETS['console-viewer-token'] as string });
    const seen = new Set<string>();
    let cursor: number | undefined = 0;
    let pages = 0;
    while (cursor !== undefined && pages < 20) {
      const page = (await (await get(`${harness.url}/api/pipelines/people/quarantine?cursor=${cursor}&limit=5000`, cookie)).json()) as { total: number; items: { recordKey: string }[]; nextCursor?: number; groups: { code: string; count: number; causes: unknown[] }[] };
      expect(page.total).toBe(10_000);
      expect(page.items.length).toBeLessThanOrEqual(1000);
      expect(page.groups).toEqual([{ code: 'MLC_MAPPING_UNMAPPED', count: 10_000, causes: expect.any(Array) }]);
      expect(page.groups[0]?.causes).toHaveLength(5);
      for (const item of page.items) seen.add(item.recordKey);
      cursor = page.nextCursor;
      pages++;
    }
    expect(pages).toBe(10);
    expect(seen.size).toBe(10_000);
  });

  it('pages one record trail and includes the sink items it contributed to', async () => {
    harness = await startConsole();
    const base = { pipeline: 'people', runId: 'r1', pipelineVersion: 'v1', at: '2026-11-28T08:00:00.000Z' };
    const audit = [
      ...Array.from({ length: 5 }, (_, i) => ({ ...base, recordKey: '42', stage: 'read' as const, at: `2026-11-28T08:00:0${i}.000Z` })),
      { ...base, recordKey: 'Employee/42', stage: 'written' as const, related: ['42'], after: { Dept: 'WHS' } },
      { ...base, recordKey: '43', stage: 'read' as const },
    ];
    await harness.store.commit({ pipeline: 'people', runId: 'r1', mirror: { upsert: [], remove: [] }, desired: { upsert: [], remove: [] }, actual: { upsert: [], remove: [] }, audit, quarantine: { park: [], release: [] }, pending: { set: [], clear: [] } });
    const { cookie } = await login(harness.url, { token: SECRETS['console-viewer-token'] as string });
    const first = (await (await get(`${harness.url}/api/pipelines/people/records/42/trail?limit=4`, cookie)).json()) as { events: { recordKey: string }[]; nextCursor?: number };
    expect(first.events).toHaveLength(4);
    expect(first.nextCursor).toBe(4);
    const second = (await (await get(`${harness.url}/api/pipelines/people/records/42/trail?limit=4&cursor=4`, cookie)).json()) as { events: { recordKey: string }[]; nextCursor?: number };
    expect(second.events.map((e) => e.recordKey)).toEqual(['42', 'Employee/42']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('serves the page and script from the package, and the script never writes HTML', async () => {
    harness = await startConsole();
    const page = await get(`${harness.url}/`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<script type="module" src="/app.mjs">');
    const script = await (await get(`${harness.url}/app.mjs`)).text();
    expect(script).toContain('textContent');
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});
