// A TCP proxy on 127.0.0.1 that puts network faults between a client and a server, with the toxics
// Toxiproxy names: latency (± jitter), timeout (a black hole), reset_peer, slicer, limit_data, down,
// bandwidth and slow_close. It sits below TLS, so a pinned certificate still has to match end to end.
// The toxic is read for every chunk, so one set while keep-alive connections are open applies to
// them too; `down` closes every open connection, as a disabled proxy does.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type Toxic =
  | { kind: 'latency'; ms: number; jitterMs?: number }
  /** Nothing passes in either direction; the connection is held open (closed after closeAfterMs when given). */
  | { kind: 'timeout'; closeAfterMs?: number }
  /** The next data in either direction resets the connection (TCP RST). */
  | { kind: 'reset_peer' }
  /** The server's answer arrives in pieces of `bytes`, `delayMs` apart. */
  | { kind: 'slicer'; bytes: number; delayMs: number }
  /** The connection is closed once `bytes` of answer have passed. */
  | { kind: 'limit_data'; bytes: number }
  /** New connections are refused, open ones closed. */
  | { kind: 'down' }
  | { kind: 'bandwidth'; bytesPerSecond: number }
  /** The server's close reaches the client `delayMs` late. */
  | { kind: 'slow_close'; delayMs: number };

export interface FaultProxy {
  port: number;
  /** `https://127.0.0.1:port` for a target URL's scheme and path. */
  retarget(url: string): string;
  set(toxic: Toxic | undefined): void;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let toxic: Toxic | undefined;
  let accepted = 0;
  const open = new Set<Socket>();

  function pipeToxic(from: Socket, to: Socket, downstream: boolean, pair: () => void): void {
    let sent = 0;
    let chain = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      from.pause();
      chain = chain.then(async () => {
        const t = toxic;
        if (t?.kind === 'reset_peer') return pair();
        if (t?.kind === 'timeout') return; // swallowed
        if (downstream && t?.kind === 'latency') await sleep(t.ms + (t.jitterMs ? Math.round((Math.random() * 2 - 1) * t.jitterMs) : 0));
        if (downstream && t?.kind === 'bandwidth') await sleep(Math.ceil((chunk.length / t.bytesPerSecond) * 1000));
        if (downstream && t?.kind === 'slicer') {
          for (let i = 0; i < chunk.length && !to.destroyed; i += t.bytes) {
            to.write(chunk.subarray(i, i + t.bytes));
            await sleep(t.delayMs);
          }
          return;
        }
        if (downstream && t?.kind === 'limit_data') {
          const room = t.bytes - sent;
          if (room <= 0 || chunk.length > room) {
            if (room > 0) to.write(chunk.subarray(0, room));
            sent = t.bytes;
            to.end();
            from.destroy();
            return;
          }
        }
        sent += chunk.length;
        if (!to.destroyed) to.write(chunk);
      });
      void chain.finally(() => from.resume());
    });
    from.on('end', () => {
      void chain.then(async () => {
        const t = toxic;
        if (downstream && t?.kind === 'slow_close') await sleep(t.delayMs);
        to.end();
      });
    });
  }

  const server: Server = createServer((client) => {
    accepted += 1;
    if (toxic?.kind === 'down') {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: target.host, port: target.port });
    open.add(client);
    const reset = (): void => {
      client.resetAndDestroy();
      upstream.destroy();
    };
    const current = toxic;
    if (current?.kind === 'timeout' && current.closeAfterMs !== undefined) setTimeout(() => client.destroy(), current.closeAfterMs).unref();
    pipeToxic(client, upstream, false, reset);
    pipeToxic(upstream, client, true, reset);
    const done = (): void => {
      open.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', done);
    upstream.on('close', () => void setTimeout(done, toxic?.kind === 'slow_close' ? toxic.delayMs : 0));
    client.on('error', done);
    upstream.on('error', done);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the fault proxy did not get a port');
  return {
    port: address.port,
    retarget(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(address.port);
      return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
    },
    set(next) {
      toxic = next;
      if (next?.kind === 'down') for (const socket of open) socket.destroy();
    },
    accepted: () => accepted,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
