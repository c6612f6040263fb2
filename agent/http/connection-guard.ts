// Connection limits an unauthenticated client cannot exhaust. A single global cap (the old 256) let
// one address that opened sockets and never spoke, or polled /v1/health on keep-alive, lock every
// legitimate client out. Here: each address (an IPv6 /64 counts as one) holds at most
// `maxPerAddress` connections, the total is well above that, and a connection that has not
// authenticated a request within `authDeadlineMs` of its TLS handshake is closed. (The handshake
// deadline itself is the server's `handshakeTimeout`; the handler closes a connection after any
// answer to an unauthenticated request.) Works on a plain HTTP server too (the BambooHR sandbox),
// where only the connection limits apply.
import type { Server, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { SampledLog } from './sampled-log.ts';

export interface ConnectionLimits {
  /** All connections together. Default 512. */
  maxConnections?: number;
  /** Connections from one address (IPv6: one /64). Default 32. */
  maxPerAddress?: number;
  /** A connection must authenticate a request this soon after its TLS handshake. Default 10 s. */
  authDeadlineMs?: number;
}

export interface ConnectionStats {
  open: number;
  /** Most connections held at once, overall and from any one address. */
  peakOpen: number;
  peakPerAddress: number;
  /** Refused at accept because an address or the whole agent was at its limit. */
  refused: number;
  /** Closed because they had not authenticated in time. */
  closedUnauthenticated: number;
}

export interface ConnectionGuard {
  /** Called by the handler once a request on this connection authenticated. */
  markAuthenticated(socket: Socket): void;
  stats(): ConnectionStats;
}

/** The address a limit applies to: IPv4 (also IPv4-mapped IPv6) as is, IPv6 by its /64 prefix. */
export function addressGroup(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] ?? address;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export function guardConnections(server: Server, limits: ConnectionLimits, log: SampledLog): ConnectionGuard {
  const maxConnections = limits.maxConnections ?? 512;
  const maxPerAddress = limits.maxPerAddress ?? 32;
  const authDeadlineMs = limits.authDeadlineMs ?? 10_000;
  const perAddress = new Map<string, number>();
  const authenticated = new WeakSet<Socket>();
  const stats: ConnectionStats = { open: 0, peakOpen: 0, peakPerAddress: 0, refused: 0, closedUnauthenticated: 0 };

  // Before the TLS layer wraps the socket: a refused connection costs no handshake.
  server.prependListener('connection', (socket: Socket) => {
    const group = addressGroup(socket.remoteAddress);
    const held = perAddress.get(group) ?? 0;
    if (held >= maxPerAddress || stats.open >= maxConnections) {
      stats.refused++;
      log.note(group, 'warn', { held, open: stats.open, limit: held >= maxPerAddress ? 'per-address' : 'total' }, 'connection refused: limit reached');
      socket.destroy();
      return;
    }
    perAddress.set(group, held + 1);
    stats.open++;
    stats.peakOpen = Math.max(stats.peakOpen, stats.open);
    stats.peakPerAddress = Math.max(stats.peakPerAddress, held + 1);
    socket.once('close', () => {
      stats.open--;
      const left = (perAddress.get(group) ?? 1) - 1;
      if (left > 0) perAddress.set(group, left);
      else perAddress.delete(group);
    });
  });

  server.on('secureConnection', (socket: TLSSocket) => {
    const timer = setTimeout(() => {
      if (authenticated.has(socket) || socket.destroyed) return;
      stats.closedUnauthenticated++;
      socket.destroy();
    }, authDeadlineMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });

  return {
    markAuthenticated: (socket) => authenticated.add(socket),
    stats: () => ({ ...stats }),
  };
}
