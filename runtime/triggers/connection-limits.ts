// Caps on serve's port: how many connections one remote address may hold open, and how many the
// server holds in all. Node's header and request timeouts cut a slow client off eventually, but until
// then each held socket costs a file descriptor and a parser; without a per-address cap one client
// opening thousands of half-sent requests starves everyone else. A refused connection is destroyed as
// soon as it is accepted, before any byte of it is parsed, so refusing costs next to nothing.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Connections one address (an IPv4 address, or an IPv6 /64) may hold open; 0 means no cap. */
  perAddress: number;
  /** Connections the server holds open in all; 0 means no cap. */
  total: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { perAddress: 64, total: 1024 };

export type RefusalReason = 'per-address' | 'total';

export interface ConnectionGauge {
  /** Connections held open now. */
  open(): number;
  /** Connections held open now by one address (after grouping, see addressGroup). */
  openFrom(address: string): number;
}

/**
 * The unit a cap applies to. IPv4-mapped IPv6 addresses count as their IPv4 address; an IPv6 client
 * usually owns a whole /64, so its first four groups are the unit (otherwise it could change address
 * per connection and never meet the cap).
 */
export function addressGroup(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (!address.includes(':')) return address;
  const bare = address.split('%')[0] as string; // a zone index names an interface, not a host
  const [head = '', tail = ''] = bare.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = bare.includes('::') ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups] : headGroups;
  return `${groups
    .slice(0, 4)
    .map((g) => (g.replace(/^0+/, '') || '0').toLowerCase())
    .join(':')}::/64`;
}

/**
 * Called for every refused connection; `first` is true only when an address starts being refused (again
 * after it fell below its cap), so a caller can count every refusal but log once per episode.
 */
export type OnRefused = (reason: RefusalReason, address: string, first: boolean) => void;

/** Enforces the caps on a server's accepted connections. */
export function limitConnections(server: Server, limits: ConnectionLimits, onRefused: OnRefused = () => undefined): ConnectionGauge {
  const byAddress = new Map<string, { open: number; warned: boolean }>();
  let open = 0;
  let totalWarned = false;
  // The total cap is Node's own: it closes the excess handle before an HTTP socket is even built.
  if (limits.total > 0) server.maxConnections = limits.total;
  server.on('drop', (data?: { remoteAddress?: string }) => {
    onRefused('total', addressGroup(data?.remoteAddress), !totalWarned);
    totalWarned = true;
  });
  server.on('connection', (socket: Socket) => {
    const group = addressGroup(socket.remoteAddress);
    const entry = byAddress.get(group) ?? { open: 0, warned: false };
    if (limits.perAddress > 0 && entry.open >= limits.perAddress) {
      onRefused('per-address', group, !entry.warned);
      entry.warned = true;
      socket.destroy();
      return;
    }
    entry.open += 1;
    open += 1;
    byAddress.set(group, entry);
    socket.once('close', () => {
      open -= 1;
      if (open < limits.total) totalWarned = false;
      entry.open -= 1;
      if (entry.open < limits.perAddress) entry.warned = false;
      if (entry.open === 0) byAddress.delete(group);
    });
  });
  return { open: () => open, openFrom: (address) => byAddress.get(addressGroup(address))?.open ?? 0 };
}
