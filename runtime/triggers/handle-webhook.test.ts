import { describe, expect, it } from 'vitest';
import { memoryInbox, signTest, testWebhookAdapter } from '../../test/support/test-webhook.ts';
import { handleWebhook, type WebhookRoute } from './handle-webhook.ts';

const now = new Date('2026-11-28T12:00:00Z');
const seconds = (offset: number): string => String(Math.floor(now.getTime() / 1000) + offset);

function route(keys: string[] = ['key-one'], overrides: Partial<WebhookRoute> = {}): WebhookRoute {
  return { pipeline: 'p', path: '/hooks/p', adapter: testWebhookAdapter, signingKeys: async () => keys, toleranceSeconds: 300, maxBodyBytes: 1024, ...overrides };
}

function delivery(body: string, key = 'key-one', timestamp = seconds(0), signature?: string) {
  return { headers: { 'x-test-timestamp': timestamp, 'x-test-signature': signature ?? signTest(body, key, timestamp) }, rawBody: Buffer.from(body), receivedAt: now };
}

describe('handleWebhook', () => {
  it('persists a verified delivery before answering 202, and a repeat once (200 duplicate)', async () => {
    const inbox = memoryInbox();
    const body = '{"ids":[4,12,4]}';
    const first = await handleWebhook(delivery(body), route(), inbox, now);
    expect([first.status, first.outcome]).toEqual([202, 'accepted']);
    expect(inbox.entries.map((e) => e.keys)).toEqual([['4', '12']]);
    const again = await handleWebhook(delivery(body), route(), inbox, now);
    expect([again.status, again.outcome, inbox.entries.length]).toEqual([200, 'duplicate', 1]);
  });

  it('refuses forged and malformed deliveries with a bare 401 and stores nothing', async () => {
    const inbox = memoryInbox();
    const body = '{"ids":[1]}';
    const good = signTest(body, 'key-one', seconds(0));
    const forged = [
      delivery(body, 'wrong-key'),
      delivery('{"ids":[2]}', 'key-one', seconds(0), good),
      delivery(body, 'key-one', seconds(0), good.toUpperCase()),
      delivery(body, 'key-one', seconds(0), `sha256=${good}`),
      delivery(body, 'key-one', seconds(0), good.slice(0, 63)),
      delivery(body, 'key-one', seconds(0), ''),
      delivery(body, 'key-one', 'hello', good),
    ];
    for (const d of forged) {
      const answer = await handleWebhook(d, route(), inbox, now);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: 'unauthorized' });
    }
    expect(inbox.entries).toEqual([]);
  });

  it('refuses a verifier that throws as a 401, never a 5xx', async () => {
    const throwing = { ...testWebhookAdapter, verify: () => { throw new RangeError('boom'); } };
    const answer = await handleWebhook(delivery('{}'), route(['key-one'], { adapter: throwing }), memoryInbox(), now);
    expect(answer.status).toBe(401);
  });

  it.each([
    [-301, 401],
    [-299, 202],
    [299, 202],
    [301, 401],
  ])('enforces the timestamp window both ways: %i s → %i', async (offset, status) => {
    const answer = await handleWebhook(delivery('{"ids":[1]}', 'key-one', seconds(offset)), route(), memoryInbox(), now);
    expect(answer.status).toBe(status);
  });

  it('accepts either key during a rotation', async () => {
    const inbox = memoryInbox();
    const both = route(['old-key', 'new-key']);
    expect((await handleWebhook(delivery('{"ids":[1]}', 'old-key'), both, inbox, now)).status).toBe(202);
    expect((await handleWebhook(delivery('{"ids":[2]}', 'new-key'), both, inbox, now)).status).toBe(202);
    expect((await handleWebhook(delivery('{"ids":[3]}', 'old-key'), route(['new-key']), inbox, now)).status).toBe(401);
  });

  it('refuses an oversized body before any signature work', async () => {
    let verified = 0;
    const counting = { ...testWebhookAdapter, verify: (...args: Parameters<typeof testWebhookAdapter.verify>) => { verified += 1; return testWebhookAdapter.verify(...args); } };
    const answer = await handleWebhook(delivery('x'.repeat(2000)), route(['key-one'], { adapter: counting }), memoryInbox(), now);
    expect([answer.status, verified]).toEqual([413, 0]);
  });

  it('answers 503 with Retry-After when the delivery cannot be stored', async () => {
    const inbox = memoryInbox();
    inbox.failing = true;
    const answer = await handleWebhook(delivery('{"ids":[1]}'), route(), inbox, now);
    expect([answer.status, answer.headers?.['retry-after']]).toEqual([503, '30']);
  });

  it('refuses a signed body the source cannot parse with 400 and stores nothing; unsigned, it stays a 401', async () => {
    const inbox = memoryInbox();
    const signedGarbage = await handleWebhook(delivery('{"ids":[1'), route(), inbox, now);
    expect([signedGarbage.status, signedGarbage.outcome, signedGarbage.body]).toEqual([400, 'malformed', { error: 'malformed delivery' }]);
    expect((await handleWebhook(delivery('{"ids":[1', 'wrong-key'), route(), inbox, now)).status).toBe(401);
    expect(inbox.entries).toEqual([]);
  });

  it('keeps a verified delivery of an unknown shape (no keys) so the worker can poll for it', async () => {
    const inbox = memoryInbox();
    const answer = await handleWebhook(delivery('{"something":"else"}'), route(), inbox, now);
    expect(answer.status).toBe(202);
    expect(inbox.entries[0]?.keys).toEqual([]);
  });
});
