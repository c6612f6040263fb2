// Issue 16, finding 1: an unauthenticated client must not be able to lock legitimate clients out.
// 1,000 hostile connections from one address (127.0.0.2) are opened and held while a legitimate
// client (127.0.0.1) makes its requests: every one of them must succeed. Counts only, no timing.
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../test-support.ts';
import { addressGroup } from './connection-guard.ts';
import { openHostileCrowd } from './hostile-clients.ts';

const HOSTILE = 1000;
const LEGITIMATE = 40;

let t: TestAgent;
beforeAll(async () => {
  t = await startTestAgent({ connections: { maxPerAddress: 32, maxConnections: 512, authDeadlineMs: 60_000 } });
});
afterAll(async () => {
  await t?.stop();
});

describe('connection limits', () => {
  it('serves every legitimate request while one address holds 1,000 hostile connections', async () => {
    const crowd = await openHostileCrowd(t.agent.port, HOSTILE, '127.0.0.2');
    const held = t.agent.connectionStats();
    let served = 0;
    for (let i = 0; i < LEGITIMATE; i++) {
      const response = i % 4 === 3
        ? await t.call('PUT', `/v1/companies/KBS/segments/03/values/C${i}`, { body: { description: `Crowded ${i}` }, idempotencyKey: `crowd-${i}` })
        : await t.call('GET', '/v1/companies');
      if (response.status < 300) served++;
    }
    crowd.destroy();
    console.info(JSON.stringify({ hostileConnections: HOSTILE, heldAtOnceFromThatAddress: held.peakPerAddress, refusedAtAccept: held.refused, legitimateServed: served, legitimate: LEGITIMATE }));
    // Answered pollers are closed, so their slots are reused by later hostile connections; what
    // matters is that the address never held more than its share and nobody legitimate was refused.
    expect({ served, peakFromOneAddressAtMost32: held.peakPerAddress <= 32, refused: held.refused > HOSTILE / 2 }).toEqual({ served: LEGITIMATE, peakFromOneAddressAtMost32: true, refused: true });
    expect(t.violations).toEqual([]);
  });

  it('closes a connection after answering an unauthenticated request, and one that never authenticates', async () => {
    const exchange = (request: string | undefined): Promise<string> =>
      new Promise((resolve) => {
        let out = '';
        const socket = connect({ host: '127.0.0.1', port: t.agent.port, ca: t.agent.certificate, servername: 'localhost' }, () => {
          if (request) socket.write(request);
        });
        socket.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
        socket.on('error', () => resolve(out));
        socket.on('close', () => resolve(out));
      });
    // Keep-alive is what HTTP/1.1 asks for; the agent still closes after the 401 and after /health.
    expect(await exchange('GET /v1/companies HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer mlc_000000000000_nope\r\n\r\n')).toMatch(/^HTTP\/1\.1 401[\s\S]*connection: close/i);
    expect(await exchange('GET /v1/health HTTP/1.1\r\nHost: a\r\n\r\n')).toMatch(/^HTTP\/1\.1 200[\s\S]*connection: close/i);
  });

  it('closes a TLS connection that sends nothing within the authentication deadline', async () => {
    const quick = await startTestAgent({ connections: { authDeadlineMs: 200 } });
    const before = quick.agent.connectionStats().closedUnauthenticated;
    await new Promise<void>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: quick.agent.port, ca: quick.agent.certificate, servername: 'localhost' });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
    });
    expect(quick.agent.connectionStats().closedUnauthenticated).toBe(before + 1);
    await quick.stop();
  });

  it('counts an IPv6 /64 (and an IPv4-mapped address) as one address', () => {
    expect(addressGroup('2001:db8:1:2:aaaa::1')).toBe(addressGroup('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(addressGroup('2001:db8:1:3::1')).not.toBe(addressGroup('2001:db8:1:2::1'));
    expect(addressGroup('::ffff:10.0.0.7')).toBe('10.0.0.7');
  });
});
