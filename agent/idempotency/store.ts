// Remembered results of writes, by Idempotency-Key, persisted so that a repeat after an agent restart
// still returns the first result instead of writing twice. An append-only JSON-lines file, fsync'd
// per entry; compacted (expired entries dropped) when opened.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs-atomic.ts';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Entry {
  key: string;
  /** SHA-256 of method, path and body: what makes "the same request". */
  fingerprint: string;
  response: StoredResponse;
  atMs: number;
}

export type Begin = { kind: 'new' } | { kind: 'replay'; response: StoredResponse } | { kind: 'mismatch' } | { kind: 'in_progress' };

export const IDEMPOTENCY_FILE = 'idempotency.jsonl';

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, string>();
  private fd: number;

  constructor(dataDir: string, private readonly ttlMs = 7 * 24 * 3600 * 1000) {
    const file = join(dataDir, IDEMPOTENCY_FILE);
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const entry = JSON.parse(line) as Entry;
          if (Date.now() - entry.atMs < ttlMs) this.entries.set(entry.key, entry);
        } catch {
          // A torn last line from a crash mid-append: that write's response was never sent either.
        }
      }
    }
    writeFileAtomic(file, [...this.entries.values()].map((e) => `${JSON.stringify(e)}\n`).join(''), 0o600);
    this.fd = openSync(file, 'a', 0o600);
  }

  begin(key: string, fingerprint: string): Begin {
    const entry = this.entries.get(key);
    if (entry && Date.now() - entry.atMs < this.ttlMs) {
      return entry.fingerprint === fingerprint ? { kind: 'replay', response: entry.response } : { kind: 'mismatch' };
    }
    const running = this.inFlight.get(key);
    if (running !== undefined) return running === fingerprint ? { kind: 'in_progress' } : { kind: 'mismatch' };
    this.inFlight.set(key, fingerprint);
    return { kind: 'new' };
  }

  /** Remembers the response; it is durable before the client sees it. */
  complete(key: string, fingerprint: string, response: StoredResponse): void {
    const entry: Entry = { key, fingerprint, response, atMs: Date.now() };
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.fd);
    this.entries.set(key, entry);
    this.inFlight.delete(key);
  }

  /** Forgets a key whose write failed in a way worth retrying. */
  abandon(key: string): void {
    this.inFlight.delete(key);
  }

  close(): void {
    closeSync(this.fd);
  }
}
