// OAuth refresh (OA-3, OA-5), throttling without early retries (DL-6), faults from the Bad input list,
// and the one-way proof: the sandbox's request log shows no request that writes BambooHR data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../sandbox/bamboohr/index.ts';
import { apiKeyConfig, authorizeInSandbox, collect, createRig, oauthConfig, startSandbox } from './test-support.ts';

const signal = (): AbortSignal => AbortSignal.timeout(20_000);
const READ_ONLY_POST = /\/(token\.php|reports\/custom|datasets\/[^/]+\/data)(\?|$)/;

describe('bamboohr-source OAuth, faults and one-way proof', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('refreshes once for 20 concurrent reads, stores the rotated refresh token before use, and refreshes once per 401', async () => {
    const refreshToken = await authorizeInSandbox(sandbox);
    const rig = await createRig(sandbox, oauthConfig(sandbox), { secrets: { 'bamboohr-refresh-token': refreshToken } });
    rig.fake.secrets.set('bamboohr-client-secret', sandbox.credentials().oauth.clientSecret);
    rig.fake.secrets.set('bamboohr-api-key', sandbox.credentials().apiKey);
    const mark = sandbox.admin.requests().at(-1)?.seq ?? 0;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => collect(rig.source.readKeys([String(2 + (i % 5))], { signal: signal() }))));
    expect(results.every((r) => r.records.length === 1)).toBe(true);
    const tokenCalls = () => sandbox.admin.requests(mark).filter((r) => r.path.includes('/token.php')).length;
    expect(tokenCalls()).toBe(1);
    const stored = rig.fake.secrets.get('bamboohr-refresh-token');
    expect(stored).toBeDefined();
    expect(stored).not.toBe(refreshToken);
    sandbox.admin.expireTokens();
    await collect(rig.source.readKeys(['4'], { signal: signal() }));
    expect(tokenCalls()).toBe(2);
    expect(sandbox.admin.requests(mark).filter((r) => r.status === 401)).toHaveLength(1);
    await rig.close();
  });

  it('a reused (rotated-out) refresh token stops with re-authorization required and no retry storm', async () => {
    const refreshToken = await authorizeInSandbox(sandbox);
    const first = await createRig(sandbox, oauthConfig(sandbox), { secrets: { 'bamboohr-refresh-token': refreshToken } });
    first.fake.secrets.set('bamboohr-client-secret', sandbox.credentials().oauth.clientSecret);
    await collect(first.source.readKeys(['4'], { signal: signal() }));
    // A second process still holding the old token: reuse after rotation.
    const second = await createRig(sandbox, oauthConfig(sandbox), { secrets: { 'bamboohr-refresh-token': refreshToken } });
    second.fake.secrets.set('bamboohr-client-secret', sandbox.credentials().oauth.clientSecret);
    const mark = sandbox.admin.requests().at(-1)?.seq ?? 0;
    for (let i = 0; i < 3; i += 1) {
      await expect(collect(second.source.readKeys(['4'], { signal: signal() }))).rejects.toMatchObject({ code: 'MLC_REAUTHORIZE_REQUIRED', message: expect.stringContaining('ml-connector connect bamboohr') });
    }
    expect(sandbox.admin.requests(mark).filter((r) => r.path.includes('/token.php'))).toHaveLength(1);
    await first.close();
    await second.close();
  });

  it('with the sandbox throttling (429 and 503, Retry-After in every form) no request is sent inside a Retry-After window', async () => {
    const rig = await createRig(sandbox, apiKeyConfig(sandbox), { realSleep: true });
    const mark = sandbox.admin.requests().at(-1)?.seq ?? 0;
    const forms = [
      { status: 429, retryAfterFormat: 'seconds' },
      { status: 503, retryAfterFormat: 'imf-fixdate' },
      { status: 429, retryAfterFormat: 'rfc850' },
      { status: 503, retryAfterFormat: 'asctime' },
    ];
    let records = 0;
    for (const form of forms) {
      // Every third request lands in a fresh throttle window: two quick reads, then a throttled one.
      await collect(rig.source.readKeys(['2'], { signal: signal() }));
      await collect(rig.source.readKeys(['3'], { signal: signal() }));
      sandbox.admin.throttle({ ...form, seconds: 1 });
      records += (await collect(rig.source.readKeys(['4'], { signal: signal() }))).records.length;
    }
    const log = sandbox.admin.requests(mark);
    expect(records).toBe(4);
    expect(log.filter((r) => r.throttled).length).toBeGreaterThanOrEqual(4);
    expect(log.filter((r) => r.earlyRetry)).toEqual([]);
    await rig.close();
  }, 30_000);

  it('XML or HTML where JSON belongs, a dropped connection and 5xx are retried or reported with a code, never a crash', async () => {
    const rig = await createRig(sandbox, apiKeyConfig(sandbox));
    sandbox.admin.setFaults({ errorRate: 1, errorStatuses: [500, 502] });
    await expect(collect(rig.source.readKeys(['4'], { signal: signal() }))).rejects.toMatchObject({ code: 'MLC_REMOTE_UNAVAILABLE' });
    expect(rig.fake.sleeps.length).toBe(4);
    sandbox.admin.setFaults({ errorRate: 0, dropConnectionRate: 1 });
    await expect(collect(rig.source.readKeys(['4'], { signal: signal() }))).rejects.toMatchObject({ code: 'MLC_REMOTE_UNAVAILABLE' });
    sandbox.admin.resetFaults();
    await rig.close();
  });

  it('one-way: across every read path only GETs and read-only POSTs (token, custom report) reach BambooHR', async () => {
    const mark = sandbox.admin.requests().at(-1)?.seq ?? 0;
    const rig = await createRig(sandbox, apiKeyConfig(sandbox));
    await collect(rig.source.readAll({ signal: signal() }));
    const first = await collect(rig.source.readChanged(undefined, { signal: signal() }));
    sandbox.admin.move('keystone', 20, { department: 'Yard' });
    await collect(rig.source.readChanged(first.pages.at(-1)?.checkpoint, { signal: signal() }));
    await collect(rig.source.readKeys(['2', '16'], { signal: signal() }));
    await collect(rig.source.readKeys(['2', '3', '4', '5', '6', '7'], { signal: signal() }));
    await rig.source.optionValues?.('department', { signal: signal() });
    await rig.source.check?.({ signal: signal() });
    await rig.close();
    const refreshToken = await authorizeInSandbox(sandbox);
    const oauth = await createRig(sandbox, oauthConfig(sandbox), { secrets: { 'bamboohr-refresh-token': refreshToken } });
    oauth.fake.secrets.set('bamboohr-client-secret', sandbox.credentials().oauth.clientSecret);
    await collect(oauth.source.readAll({ signal: signal() }));
    await oauth.close();
    const log = sandbox.admin.requests(mark);
    const writes = log.filter((r) => r.method !== 'GET' && !(r.method === 'POST' && READ_ONLY_POST.test(r.path)));
    expect(log.length).toBeGreaterThan(10);
    expect(writes).toEqual([]);
  });
});
