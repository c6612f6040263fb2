// Connection caps over 127.0.0.1: clients come from other loopback addresses (127.0.0.0/8 is all
// loopback on Linux), so one test can play several remote hosts.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../test/support/until.ts';
import { addressGroup, limitConnections, type RefusalReason } from './connection-limits.ts';

interface Held {
  socket: Socket;
  closed: boolean;
}

function open(port: number, from: string): Held {
  const held: Held = { socket: connect({ port, host: '127.0.0.1', localAddress: from }), closed: false };
  held.socket.on('error', () => undefined);
  held.socket.on('close', () => {
    held.closed = true;
  });
  return held;
}

describe('addressGroup', () => {
  it('counts IPv4 and IPv4-mapped addresses as themselves and IPv6 by /64', () => {
    expect(addressGroup('10.0.0.7')).toBe('10.0.0.7');
    expect(addressGroup('::ffff:10.0.0.7')).toBe('10.0.0.7');
    expect(addressGroup('2001:db8:0:12:a::1')).toBe('2001:db8:0:12::/64');
    expect(addressGroup('2001:DB8:0000:0012:ffff:1:2:3')).toBe('2001:db8:0:12::/64');
    expect(addressGroup('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressGroup(undefined)).toBe('unknown');
  });
});

describe('limitConnections', () => {
  let server: Server | undefined;
  const sockets: Held[] = [];
  afterEach(async () => {
    for (const held of sockets.splice(0)) held.socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(perAddress: number, total: number) {
    const refusals: { reason: RefusalReason; address: string; first: boolean }[] = [];
    server = createServer((_request, response) => response.end('ok'));
    const gauge = limitConnections(server, { perAddress, total }, (reason, address, first) => refusals.push({ reason, address, first }));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const from = (host: string, count: number): Held[] => {
      const opened = Array.from({ length: count }, () => open(port, host));
      sockets.push(...opened);
      return opened;
    };
    return { gauge, refusals, from };
  }

  it('closes the connections one address opens past its cap, and logs that once', async () => {
    const { gauge, refusals, from } = await listen(3, 100);
    const a = from('127.0.0.2', 5);
    await until(() => a.filter((h) => h.closed).length === 2 && gauge.open() === 3, 'two refusals');
    expect(gauge.openFrom('127.0.0.2')).toBe(3);
    expect(refusals.map((r) => [r.reason, r.address, r.first])).toEqual([
      ['per-address', '127.0.0.2', true],
      ['per-address', '127.0.0.2', false],
    ]);
    // Another address is not affected, and a freed slot is usable again.
    const b = from('127.0.0.3', 2);
    await until(() => gauge.open() === 5, 'the other address held');
    expect(b.every((h) => !h.closed)).toBe(true);
    a.find((h) => !h.closed)?.socket.destroy();
    await until(() => gauge.openFrom('127.0.0.2') === 2, 'a slot freed');
    const again = from('127.0.0.2', 1);
    await until(() => gauge.openFrom('127.0.0.2') === 3, 'the slot reused');
    expect(again[0]?.closed).toBe(false);
  });

  it('closes connections past the total cap, whoever opens them', async () => {
    const { gauge, refusals, from } = await listen(10, 4);
    const held = [...from('127.0.0.4', 3), ...from('127.0.0.5', 3)];
    await until(() => held.filter((h) => h.closed).length === 2 && gauge.open() === 4, 'the total cap');
    expect(refusals.filter((r) => r.reason === 'total')).toHaveLength(2);
    expect(refusals.filter((r) => r.first)).toHaveLength(1);
  });

  it('keeps no per-address entry once an address has closed all its connections', async () => {
    const { gauge, from } = await listen(5, 100);
    const held = from('127.0.0.6', 4);
    await until(() => gauge.open() === 4, 'four held');
    for (const h of held) h.socket.destroy();
    await until(() => gauge.open() === 0, 'all closed');
    expect(gauge.openFrom('127.0.0.6')).toBe(0);
  });
});
