// Test and bench support: a fixed number of hostile connections from one address, of the kinds that
// exhausted the old global cap — TCP that never starts TLS, TLS that never sends a request,
// keep-alive /v1/health pollers and wrong-key requests. Each opens once and is held (never
// reopened); `settled` resolves when every one has been accepted or refused.
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

export type HostileKind = 'silent-tcp' | 'silent-tls' | 'health-poller' | 'wrong-key';
export const HOSTILE_KINDS: HostileKind[] = ['silent-tcp', 'silent-tls', 'health-poller', 'wrong-key'];

export interface HostileCrowd {
  /** Connections whose socket is still open on the client side. */
  openNow(): number;
  /** Most client sockets open at once. */
  peakOpen(): number;
  destroy(): void;
}

const REQUEST: Record<Exclude<HostileKind, 'silent-tcp' | 'silent-tls'>, string> = {
  'health-poller': 'GET /v1/health HTTP/1.1\r\nHost: agent\r\n\r\n',
  'wrong-key': 'GET /v1/companies HTTP/1.1\r\nHost: agent\r\nAuthorization: Bearer mlc_000000000000_wrong\r\n\r\n',
};

/** Opens `count` connections from `localAddress`, `batch` at a time (the listen backlog is finite). */
export async function openHostileCrowd(port: number, count: number, localAddress: string, batch = 100): Promise<HostileCrowd> {
  const sockets: Socket[] = [];
  let open = 0;
  let peak = 0;
  const one = (kind: HostileKind): Promise<void> =>
    new Promise((resolve) => {
      const options = { host: '127.0.0.1', port, localAddress };
      const socket: Socket =
        kind === 'silent-tcp'
          ? connectTcp(options, () => resolve())
          : connectTls({ ...options, rejectUnauthorized: false, servername: 'localhost' }, () => {
              if (kind !== 'silent-tls') socket.write(REQUEST[kind]);
              resolve();
            });
      sockets.push(socket);
      socket.on('connect', () => {
        open++;
        peak = Math.max(peak, open);
      });
      socket.on('data', () => undefined);
      socket.on('error', () => resolve());
      socket.on('close', () => {
        open--;
        resolve();
      });
    });
  for (let i = 0; i < count; i += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => one(HOSTILE_KINDS[(i + j) % HOSTILE_KINDS.length]!)));
  }
  return { openNow: () => open, peakOpen: () => peak, destroy: () => sockets.forEach((s) => s.destroy()) };
}
