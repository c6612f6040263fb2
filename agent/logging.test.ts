// Structured logs: one JSON line per request with the key's id, never the key, the body or headers.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../runtime/lib/log.ts';
import { startTestAgent, type TestAgent } from './test-support.ts';

const lines: string[] = [];
let t: TestAgent;

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

it('logs each request without secrets', async () => {
  await t.call('PUT', '/v1/companies/KBS/segments/03/values/LOG', { body: { description: 'Secretive Department' }, idempotencyKey: 'log-1' });
  await t.call('GET', '/v1/companies', { key: 'mlc_000000000000_not-a-real-key-but-secret' });
  // The log line is written after the response is sent: wait for it rather than guess a delay.
  const requestLines = (): Array<Record<string, unknown>> => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
  for (let i = 0; i < 100 && requestLines().length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  const requests = requestLines();
  expect(requests).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ method: 'PUT', status: 201, principal: expect.stringMatching(/^key:[0-9a-f]{12}$/) }),
      expect.objectContaining({ method: 'GET', status: 401, code: 'unauthorized' }),
    ]),
  );
  const all = lines.join('\n');
  expect(all).not.toContain(t.clientKey.split('_')[2]);
  expect(all).not.toContain('not-a-real-key-but-secret');
  expect(all).not.toContain('Secretive Department');
});
