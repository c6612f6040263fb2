// Structured logs: one JSON line per request with the key's id, never the key, the body or headers;
// refused requests rate-limited and carrying the client address (issue 16, finding 5).
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../runtime/lib/log.ts';
import { parseKey } from './auth/keys.ts';
import { startTestAgent, type TestAgent } from './test-support.ts';

const lines: string[] = [];
let t: TestAgent;
const parsed = (): Array<Record<string, unknown>> => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  t = await startTestAgent({ logger: createLogger({ name: 'agent-test', level: 'info', destination: sink }) });
});
afterAll(async () => {
  await t?.stop();
});

/** The log line is written after the response is sent: wait for it rather than guess a delay. */
async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

it('logs each request without secrets', async () => {
  await t.call('PUT', '/v1/companies/KBS/segments/03/values/LOG', { body: { description: 'Secretive Department' }, idempotencyKey: 'log-1' });
  await t.call('GET', '/v1/companies', { key: 'mlc_000000000000_not-a-real-key-but-secret' });
  const requestLines = (): Array<Record<string, unknown>> => parsed().filter((l) => l.msg === 'request');
  await until(() => requestLines().length >= 2);
  expect(requestLines()).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ method: 'PUT', status: 201, principal: expect.stringMatching(/^key:[0-9a-f]{12}$/), client: '127.0.0.1' }),
      expect.objectContaining({ method: 'GET', status: 401, code: 'unauthorized', client: '127.0.0.1' }),
    ]),
  );
  const all = lines.join('\n');
  // The whole secret part: it may itself contain '_' (finding 8: split('_')[2] checked a prefix of it).
  expect(all).not.toContain(parseKey(t.clientKey)?.secret);
  expect(all).not.toContain('not-a-real-key-but-secret');
  expect(all).not.toContain('Secretive Department');
});

it('logs a flood of refused requests as a few lines and one summary, each with the client address', async () => {
  const flood = 100;
  const before = parsed().filter((l) => l.status === 401).length;
  for (let i = 0; i < flood; i++) await t.call('GET', '/v1/companies', { key: `mlc_000000000000_flood-${i}` });
  await t.agent.close(1000);
  await until(() => parsed().some((l) => typeof l.suppressed === 'number'));
  const refusedLines = parsed().filter((l) => l.status === 401).length - before;
  const summary = parsed().find((l) => typeof l.suppressed === 'number');
  expect(refusedLines).toBeLessThanOrEqual(5);
  expect(summary).toMatchObject({ busiest: [{ client: '127.0.0.1' }] });
  expect((summary?.suppressed as number) + refusedLines).toBeGreaterThanOrEqual(flood);
});

it('parses a key whose secret part contains underscores whole', () => {
  expect(parseKey('mlc_0123456789ab_ab_cd-_x')).toEqual({ id: '0123456789ab', secret: 'ab_cd-_x' });
  expect(parseKey('mlc_0123456789ab')).toBeUndefined();
});
