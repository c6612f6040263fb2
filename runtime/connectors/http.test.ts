// The connector HTTP client over real sockets on 127.0.0.1: retries counted (waits recorded, not
// slept), Retry-After honoured in every form, errors classified, TLS trusted only as configured.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { certificateFingerprint256, formatFingerprint } from '../lib/http-client.ts';
import { generateSelfSigned, type SelfSignedPair } from '../lib/self-signed.ts';
import { createFakeContext } from '../../test/support/fake-context.ts';
import { ConnectorRuntimeError } from '../errors.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function scripted(handlers: Handler[]): { server: Server; hits: () => number } {
  let hit = 0;
  const server = createHttpServer((req, res) => {
    const handler = handlers[Math.min(hit, handlers.length - 1)];
    hit += 1;
    req.resume();
    handler?.(req, res, hit);
  });
  return { server, hits: () => hit };
}

const send = (status: number, headers: Record<string, string> = {}, body = '{}'): Handler => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
};

async function caught(promise: Promise<unknown>): Promise<ConnectorRuntimeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConnectorRuntimeError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('connector http client', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  async function start(handlers: Handler[]): Promise<{ url: string; hits: () => number }> {
    const { server, hits } = scripted(handlers);
    servers.push(server);
    return { url: `http://${await listen(server)}/x`, hits };
  }

  it('waits exactly the Retry-After of a 503 (seconds) and of a 429 (HTTP-date), then succeeds', async () => {
    const fake = createFakeContext({ clock: () => new Date('2026-11-28T12:00:00Z') });
    const { url, hits } = await start([send(503, { 'retry-after': '2' }), send(429, { 'retry-after': 'Sat, 28 Nov 2026 12:00:07 GMT' }), send(200, {}, '{"ok":1}')]);
    const response = await fake.context.http.client().request(url);
    expect(response.json()).toEqual({ ok: 1 });
    expect(hits()).toBe(3);
    expect(fake.sleeps).toEqual([2000, 7000]);
  });

  it('hands a Retry-After beyond its cap to the caller as retryAfterMs, without calling early', async () => {
    const fake = createFakeContext();
    const { url, hits } = await start([send(503, { 'retry-after': '600' })]);
    const error = await caught(fake.context.http.client({ retry: { maxRetryAfterMs: 60_000 } }).request(url));
    expect(error.code).toBe('MLC_REMOTE_UNAVAILABLE');
    expect(error.errorClass).toBe('transient');
    expect(error.retryAfterMs).toBe(600_000);
    expect(hits()).toBe(1);
    expect(fake.sleeps).toEqual([]);
  });

  it('retries 5xx with full-jitter backoff up to maxAttempts, then fails transient', async () => {
    const fake = createFakeContext({ random: () => 1 - Number.EPSILON });
    const { url, hits } = await start([send(500)]);
    const error = await caught(fake.context.http.client({ retry: { maxAttempts: 4, initialIntervalMs: 100, backoffCoefficient: 2, maxIntervalMs: 250 } }).request(url));
    expect(error.code).toBe('MLC_REMOTE_UNAVAILABLE');
    expect(error.message).toMatch(/after 4 attempts/);
    expect(hits()).toBe(4);
    expect(fake.sleeps).toEqual([99, 199, 249]);
  });

  it('falls back to backoff when Retry-After is nonsense (-1, 1e9)', async () => {
    const fake = createFakeContext({ random: () => 0 });
    const { url } = await start([send(503, { 'retry-after': '-1' }), send(503, { 'retry-after': '1e9' }), send(200)]);
    await fake.context.http.client().request(url);
    expect(fake.sleeps).toEqual([0, 0]);
  });

  it('does not retry a POST unless the caller says it is idempotent', async () => {
    const fake = createFakeContext();
    const once = await start([send(503), send(200)]);
    await caught(fake.context.http.client().request(once.url, { method: 'POST', body: 'x' }));
    expect(once.hits()).toBe(1);
    const twice = await start([send(503), send(200)]);
    await fake.context.http.client().request(twice.url, { method: 'POST', body: 'x', idempotent: true });
    expect(twice.hits()).toBe(2);
  });

  it('classifies 401 as a credentials problem with the vendor error header, other 4xx as a rejected record', async () => {
    const fake = createFakeContext();
    const { url } = await start([send(401, { 'x-bamboohr-error-message': 'Invalid token' }), send(422, {}, '{"error":"bad code"}')]);
    const client = fake.context.http.client({ label: 'the HR system' });
    const auth = await caught(client.request(url));
    expect([auth.code, auth.errorClass]).toEqual(['MLC_REMOTE_AUTH', 'config']);
    expect(auth.message).toBe('the HR system refused the credentials (401): Invalid token');
    const rejected = await caught(client.request(url, { recordKey: 'emp-4' }));
    expect([rejected.code, rejected.errorClass, rejected.recordKey]).toEqual(['MLC_REMOTE_REJECTED', 'bad-record', 'emp-4']);
    expect(rejected.message).toMatch(/bad code/);
  });

  it("lets the connector's classify hook read an error inside a 200 as throttling", async () => {
    const fake = createFakeContext();
    const { url, hits } = await start([send(200, {}, '{"error":"slow down"}'), send(200, {}, '{"data":[]}')]);
    const response = await fake.context.http.client().request(url, {
      classify: (r) => (r.text().includes('slow down') ? { retry: true, retryAfterMs: 1500, reason: 'throttled inside a 200' } : undefined),
    });
    expect(response.json()).toEqual({ data: [] });
    expect(hits()).toBe(2);
    expect(fake.sleeps).toEqual([1500]);
  });

  it('retries a connection closed mid-body, and refuses a body over the size limit', async () => {
    const fake = createFakeContext();
    const cut: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
      res.socket?.destroy();
    };
    const { url, hits } = await start([cut, send(200, {}, '{"whole":true}')]);
    expect((await fake.context.http.client().request(url)).json()).toEqual({ whole: true });
    expect(hits()).toBe(2);
    const big = await start([send(200, {}, 'x'.repeat(200_000))]);
    const error = await caught(fake.context.http.client({ maxResponseBytes: 100_000 }).request(big.url));
    expect([error.code, error.errorClass]).toEqual(['MLC_REMOTE_RESPONSE_TOO_LARGE', 'config']);
  });

  it('stops waiting when the run is aborted', async () => {
    const fake = createFakeContext({ realSleep: true });
    const { url } = await start([send(503, { 'retry-after': '30' })]);
    const pending = fake.context.http.client().request(url);
    setTimeout(() => fake.abort(new Error('shutting down')), 50);
    await expect(pending).rejects.toThrow(/shutting down/);
  });
});

describe('connector http client over TLS', () => {
  let server: Server;
  let pair: SelfSignedPair;
  let impostor: SelfSignedPair;
  let url: string;
  beforeAll(async () => {
    [pair, impostor] = await Promise.all([generateSelfSigned('localhost'), generateSelfSigned('localhost')]);
    server = createHttpsServer({ cert: pair.cert, key: pair.key }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"tls":true}');
    });
    url = `https://${await listen(server)}/v1/health`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('trusts the certificate given as CA, and records the fingerprint it saw', async () => {
    const client = createFakeContext().context.http.client({ tls: { ca: pair.cert } });
    expect((await client.request(url)).json()).toEqual({ tls: true });
    expect(client.lastPeerFingerprint()).toBe(certificateFingerprint256(pair.cert));
    await client.close();
  });

  it('trusts a self-signed certificate pinned by fingerprint alone, with verification on', async () => {
    const client = createFakeContext().context.http.client({ tls: { fingerprint256: formatFingerprint(certificateFingerprint256(pair.cert)) } });
    expect((await client.request(url)).json()).toEqual({ tls: true });
    await client.close();
  });

  it('refuses a same-name impostor certificate, showing both fingerprints', async () => {
    const byPin = await caught(createFakeContext().context.http.client({ tls: { fingerprint256: certificateFingerprint256(impostor.cert) } }).request(url));
    expect(byPin.code).toBe('MLC_TLS_UNTRUSTED');
    expect(byPin.message).toContain(formatFingerprint(certificateFingerprint256(pair.cert)));
    expect(byPin.message).toContain(formatFingerprint(certificateFingerprint256(impostor.cert)));
    const byCa = await caught(createFakeContext().context.http.client({ tls: { ca: impostor.cert } }).request(url));
    expect(byCa.code).toBe('MLC_TLS_UNTRUSTED');
    const both = await caught(createFakeContext().context.http.client({ tls: { ca: [pair.cert, impostor.cert], fingerprint256: certificateFingerprint256(impostor.cert) } }).request(url));
    expect(both.code).toBe('MLC_TLS_UNTRUSTED');
    expect(both.message).toContain(formatFingerprint(certificateFingerprint256(pair.cert)));
  });

  it('refuses an untrusted certificate when nothing is pinned (verification is never off)', async () => {
    const error = await caught(createFakeContext().context.http.client().request(url));
    expect([error.code, error.errorClass]).toEqual(['MLC_TLS_UNTRUSTED', 'config']);
  });
});
