// The serve HTTP adapter over 127.0.0.1: limits enforced at the socket, health and metrics answered,
// deliveries refused while draining, and valid deliveries served while hostile connections are held.
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { createServiceMetrics } from '../lib/metrics.ts';
import { until } from '../../test/support/until.ts';
import { memoryInbox, signTest, testWebhookAdapter } from '../../test/support/test-webhook.ts';
import type { WebhookRoute } from './handle-webhook.ts';
import { startServiceServer, type ServiceServer } from './service-server.ts';

const route: WebhookRoute = { pipeline: 'p', path: '/hooks/p', adapter: testWebhookAdapter, signingKeys: async () => ['k'], toleranceSeconds: 300, maxBodyBytes: 64 * 1024 };

function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, chunked = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    if (chunked) {
      for (let i = 0; i < body.length; i += 16_384) req.write(body.slice(i, i + 16_384));
      req.end();
    } else req.end(body);
  });
}

function signed(body: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return { 'x-test-timestamp': timestamp, 'x-test-signature': signTest(body, 'k', timestamp) };
}

describe('service server', () => {
  let service: ServiceServer | undefined;
  const inbox = memoryInbox();
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });
  const start = async (ready = true) => {
    service = await startServiceServer({
      host: '127.0.0.1',
      port: 0,
      routes: () => new Map([[route.path, route]]),
      inbox,
      readiness: async () => ({ ready, detail: { pipelines: { p: ready ? 'loaded' : 'invalid: bad cron' } } }),
      metrics: createServiceMetrics(),
      logger: silentLogger(),
    });
    return service;
  };

  it('accepts a signed delivery, and reports it in /metrics', async () => {
    const s = await start();
    const body = '{"ids":[7]}';
    expect((await post(`${s.url}/hooks/p`, body, signed(body))).status).toBe(202);
    const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/mlc_webhook_deliveries_total\{pipeline="p",outcome="accepted"\} 1/);
    expect(metrics).toMatch(/mlc_webhook_ack_seconds_count\{pipeline="p"\} 1/);
  });

  it('refuses a 20 MB declared body with 413 before reading it, and a chunked one past the limit', async () => {
    const s = await start();
    const declared = await post(`${s.url}/hooks/p`, Buffer.alloc(20 * 1024 * 1024, 0x61), signed('x'));
    expect(declared.status).toBe(413);
    const chunked = await post(`${s.url}/hooks/p`, 'a'.repeat(200 * 1024), { ...signed('x'), 'transfer-encoding': 'chunked' }, true);
    expect(chunked.status).toBe(413);
  });

  it('answers /healthz always and /readyz with the detail per pipeline', async () => {
    const s = await start(false);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${s.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, draining: false, pipelines: { p: 'invalid: bad cron' } });
  });

  it('answers 503 with Retry-After to deliveries while draining', async () => {
    const s = await start();
    s.drain();
    const body = '{"ids":[1]}';
    const answer = await post(`${s.url}/hooks/p`, body, signed(body));
    expect(answer.status).toBe(503);
    expect((await fetch(`${s.url}/readyz`)).status).toBe(503);
  });

  it('serves every valid delivery while 1,000 slowloris connections from 20 addresses trickle their headers', async () => {
    const s = await start();
    const port = Number(new URL(s.url).port);
    const held: Socket[] = [];
    let closedEarly = 0;
    for (let i = 0; i < 1000; i += 1) {
      // 50 per address, under the default cap of 64; 127.0.0.0/8 is all loopback.
      const socket = connect({ port, host: '127.0.0.1', localAddress: `127.0.1.${1 + (i % 20)}` });
      socket.on('error', () => undefined);
      socket.on('close', () => (closedEarly += 1));
      socket.write('POST /hooks/p HTTP/1.1\r\nHost: x\r\n');
      held.push(socket);
    }
    await until(() => s.connections.open() === 1000, 'the slow connections held');
    const results: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const body = `{"ids":[${i}],"during":"held connections"}`;
      results.push((await post(`${s.url}/hooks/p`, body, signed(body))).status);
      // One more header byte from every slow client between deliveries: they never finish.
      for (const socket of held) socket.write('X');
    }
    const stillHeld = s.connections.open();
    for (const socket of held) socket.destroy();
    expect(results.filter((status) => status === 202)).toHaveLength(20);
    expect(closedEarly).toBe(0);
    expect(stillHeld).toBeGreaterThanOrEqual(1000);
  });

  it('refuses the connections one address opens past its cap, and still serves the others', async () => {
    const s = await start();
    const port = Number(new URL(s.url).port);
    const held: Socket[] = [];
    for (let i = 0; i < 200; i += 1) {
      const socket = connect({ port, host: '127.0.0.1', localAddress: '127.0.2.1' });
      socket.on('error', () => undefined);
      socket.write('POST /hooks/p HTTP/1.1\r\n');
      held.push(socket);
    }
    await until(() => held.filter((socket) => socket.destroyed).length === 136, 'the excess refused');
    const body = '{"ids":[1]}';
    const status = (await post(`${s.url}/hooks/p`, body, signed(body))).status;
    const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
    for (const socket of held) socket.destroy();
    expect(status).toBe(202);
    expect(s.connections.openFrom('127.0.2.1')).toBe(64);
    expect(metrics).toMatch(/mlc_connections_refused_total\{reason="per-address"\} 136/);
  });

  it('answers 404 for unknown paths and 405 for a GET on a webhook path', async () => {
    const s = await start();
    expect((await fetch(`${s.url}/nope`)).status).toBe(404);
    expect((await fetch(`${s.url}/hooks/p`)).status).toBe(405);
  });
});
