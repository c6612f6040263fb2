// Odd requests over raw TLS (no client library smoothing them over): each gets a typed answer and
// the agent keeps serving. Regression tests for a crash and a 500 found in review.
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../test-support.ts';

let t: TestAgent;
beforeAll(async () => {
  t = await startTestAgent();
});
afterAll(async () => {
  await t?.stop();
});

/** Sends `request` as is and returns everything the agent answers until it closes (or `waitMs`). */
function raw(request: string, waitMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const socket = connect({ host: '127.0.0.1', port: t.agent.port, ca: t.agent.certificate, servername: 'localhost' }, () => socket.write(request));
    socket.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    socket.on('error', () => resolve(out));
    socket.on('close', () => resolve(out));
    setTimeout(() => {
      socket.destroy();
      resolve(out);
    }, waitMs).unref();
  });
}

const statusOf = (response: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
const bodyOf = (response: string): { error?: { code: string; field?: string } } => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as { error?: { code: string } };

describe('hostile or odd requests', () => {
  it('an oversize chunked body gets 413 and the agent survives the hang-up that follows', async () => {
    const head = `PUT /v1/companies/KBS/segments/03/values/BIG HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.clientKey}\r\nIdempotency-Key: big-1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const response = await raw(`${head}200000\r\n${'a'.repeat(0x200000)}\r\n0\r\n\r\n`);
    expect(statusOf(response)).toBe(413);
    // The agent used to crash here, 2 s later, on a timer that touched the detached socket.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await t.call('GET', '/v1/health')).status).toBe(200);
  });

  it('request targets that are not plain paths get 404, not 500', async () => {
    for (const target of ['//', '///v1/health', '/v1//companies', '*', '/v1/companies/%']) {
      const response = await raw(`GET ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.clientKey}\r\nConnection: close\r\n\r\n`);
      expect(statusOf(response), target).toBe(404);
      expect(bodyOf(response).error?.code, target).toBe('not_found');
    }
    // The absolute form is still understood (HTTP/1.1 servers must accept it).
    const absolute = await raw(`GET https://agent.example/v1/companies HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.clientKey}\r\nConnection: close\r\n\r\n`);
    expect(statusOf(absolute)).toBe(200);
  });

  it('only application/json in UTF-8 is read as a body', async () => {
    const body = { description: 'Media types' };
    for (const type of ['application/json-patch+json', 'application/json; charset=utf-16', 'text/json']) {
      const r = await t.call('PUT', '/v1/companies/KBS/segments/03/values/MED', { body, headers: { 'content-type': type }, idempotencyKey: `media-${type}` });
      expect(r.status, type).toBe(415);
    }
    const ok = await t.call('PUT', '/v1/companies/KBS/segments/03/values/MED', { body, headers: { 'content-type': 'Application/JSON; Charset="UTF-8"' }, idempotencyKey: 'media-ok' });
    expect(ok.status).toBe(201);
    expect(t.violations).toEqual([]);
  });

  it('refuses invalid UTF-8 with 422 instead of storing U+FFFD (issue 16, finding 7)', async () => {
    const raw = Buffer.concat([Buffer.from('{"description":"Caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    const r = await t.call('PUT', '/v1/companies/KBS/segments/03/values/UTF', { rawBody: raw, idempotencyKey: 'utf-1' });
    expect(r.status).toBe(422);
    expect(r.data.error).toMatchObject({ code: 'validation_failed', rule: 'encoding' });
    expect((await t.call('GET', '/v1/companies/KBS/segments/03/values/UTF')).status).toBe(404);
  });

  it('refuses bidi overrides, zero-width, control characters and lone surrogates in descriptions and codes', async () => {
    // Controls were already refused by the contract's pattern; the rest are refused as `charset`.
    const hostile = ['Sales\u202eselaS', 'Sa\u200bles', 'Sales\u0007', '\ud800Sales', 'Sales\u2066x\u2069', '\ufeffSales', 'Sales\u200f'];
    for (const [i, description] of hostile.entries()) {
      const r = await t.call('PUT', `/v1/companies/KBS/segments/03/values/BD${i}`, { body: { description }, idempotencyKey: `bidi-${i}` });
      expect(r.status, JSON.stringify(description)).toBe(422);
      expect(r.data.error, JSON.stringify(description)).toMatchObject({ code: 'validation_failed', field: 'description', rule: expect.stringMatching(/^(charset|pattern)$/) });
    }
    const code = await t.call('PUT', `/v1/companies/KBS/segments/03/values/A${encodeURIComponent('\u200b')}B`, { body: { description: 'Zero width code' }, idempotencyKey: 'bidi-code' });
    expect(code.data.error).toMatchObject({ code: 'validation_failed', field: 'code', rule: 'charset' });
    const account = await t.call('POST', '/v1/companies/KBS/accounts', { body: { mainAccount: '6000', segments: { '02': '10', '03': 'OP\u202e', '04': '01' }, description: 'x' }, idempotencyKey: 'bidi-acct' });
    expect(account.status).toBe(422);
    expect(t.violations).toEqual([]);
  });

  it("the simulator's latency fault delays Sage calls without freezing the agent", async () => {
    await t.call('POST', '/v1/_admin/sim/faults', { key: t.adminKey, body: { latencyMs: 1500 } });
    let writeDone = false;
    const write = t.call('PUT', '/v1/companies/KBS/segments/03/values/SLW', { body: { description: 'Slow' }, idempotencyKey: 'slow-1' }).then((r) => {
      writeDone = true;
      return r;
    });
    // Served while the write waits on Sage (with the old busy wait, health came after the write).
    expect((await t.call('GET', '/v1/health')).status).toBe(200);
    expect(writeDone).toBe(false);
    expect((await write).status).toBe(201);
    await t.call('POST', '/v1/_admin/sim/faults', { key: t.adminKey, body: { latencyMs: 0 } });
  });
});
