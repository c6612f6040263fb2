// Lines about refused or unauthenticated traffic, rate-limited: a client without credentials must not
// be able to fill the disk through the log (one such client wrote ~590 KB/s when every refusal was a
// line). Each window logs at most `perAddress` lines per client address and `total` lines overall;
// what was left out is summed up in one line (with the busiest addresses) when the window ends.
import type { Logger } from '../../runtime/lib/log.ts';

export interface SampledLogOptions {
  perAddress?: number;
  total?: number;
  windowMs?: number;
  /** Injected for tests (fake clocks); defaults to Date.now. */
  now?: () => number;
}

export class SampledLog {
  private readonly perAddress: number;
  private readonly total: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private windowStart: number;
  private logged = 0;
  private readonly byAddress = new Map<string, { logged: number; suppressed: number }>();
  private suppressed = 0;
  /** Addresses tracked per window are capped too, so a spoofing-free but huge botnet stays bounded. */
  private static readonly MAX_ADDRESSES = 10_000;

  constructor(private readonly logger: Logger, options: SampledLogOptions = {}) {
    this.perAddress = options.perAddress ?? 5;
    this.total = options.total ?? 50;
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.windowStart = this.now();
  }

  /** Logs the line if this window's budget allows; returns whether it did. */
  note(client: string, level: 'info' | 'warn', fields: Record<string, unknown>, msg: string): boolean {
    if (this.now() - this.windowStart >= this.windowMs) this.flush();
    let counts = this.byAddress.get(client);
    if (!counts && this.byAddress.size < SampledLog.MAX_ADDRESSES) {
      counts = { logged: 0, suppressed: 0 };
      this.byAddress.set(client, counts);
    }
    if (counts && counts.logged < this.perAddress && this.logged < this.total) {
      counts.logged++;
      this.logged++;
      this.logger[level]({ ...fields, client }, msg);
      return true;
    }
    if (counts) counts.suppressed++;
    this.suppressed++;
    return false;
  }

  /** Ends the window: one summary line if anything was left out. */
  flush(): void {
    if (this.suppressed > 0) {
      const busiest = [...this.byAddress.entries()]
        .filter(([, c]) => c.suppressed > 0)
        .sort((a, b) => b[1].suppressed - a[1].suppressed)
        .slice(0, 5)
        .map(([client, c]) => ({ client, suppressed: c.suppressed }));
      this.logger.warn({ suppressed: this.suppressed, windowMs: this.windowMs, busiest }, 'refused or unauthenticated requests not logged one by one');
    }
    this.windowStart = this.now();
    this.logged = 0;
    this.suppressed = 0;
    this.byAddress.clear();
  }
}
