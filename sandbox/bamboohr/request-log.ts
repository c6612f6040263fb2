// The request log readable through the admin API: enough for tests to count requests, see what auth
// they used, how long they took, and whether a client ignored a Retry-After.
import type { AuthKind } from './http.ts';

export interface RequestRecord {
  seq: number;
  at: string;
  method: string;
  path: string;
  company: string | null;
  status: number;
  authKind: AuthKind;
  durationMs: number;
  throttled: boolean;
  /** Arrived while the client was still inside a throttle window it had been told to wait out. */
  earlyRetry: boolean;
  fault?: string;
}

const MAX_PATH = 1024;

export class RequestLog {
  private readonly records: RequestRecord[] = [];
  private seq = 0;

  constructor(private readonly capacity: number) {}

  add(record: Omit<RequestRecord, 'seq'>): void {
    // The ring is capped by count; capping each path (up to ~16 KB from a client) bounds it in bytes too.
    const path = record.path.length > MAX_PATH ? `${record.path.slice(0, MAX_PATH)}…` : record.path;
    this.records.push({ seq: ++this.seq, ...record, path });
    if (this.records.length > this.capacity) this.records.splice(0, this.records.length - this.capacity);
  }

  list(afterSeq = 0): RequestRecord[] {
    return this.records.filter((r) => r.seq > afterSeq);
  }

  clear(): void {
    this.records.length = 0;
  }
}
