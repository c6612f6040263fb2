// Remembered results of writes, by Idempotency-Key, persisted so that a repeat after an agent restart
// still returns the first result instead of writing twice. An append-only JSON-lines file, fsync'd
// per entry; compacted (expired entries dropped, in memory and on disk) when opened and then at most
// every `compactEveryMs` while running, so a service that runs for months stays bounded by the TTL.
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

export interface IdempotencyOptions {
  /** How long a result is remembered. Default 7 days. */
  ttlMs?: number;
  /** Least time between compactions while running. Default 1 hour. */
  compactEveryMs?: number;
}

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, string>();
  private readonly file: string;
  private readonly ttlMs: number;
  private readonly compactEveryMs: number;
  private fd: number | undefined;
  private lastCompactMs = 0;

  constructor(dataDir: string, options: IdempotencyOptions = {}) {
    this.ttlMs = options.ttlMs ?? 7 * 24 * 3600 * 1000;
    this.compactEveryMs = options.compactEveryMs ?? 3600 * 1000;
    this.file = join(dataDir, IDEMPOTENCY_FILE);
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const entry = JSON.parse(line) as Entry;
          if (Date.now() - entry.atMs < this.ttlMs) this.entries.set(entry.key, entry);
        } catch {
          // A torn last line from a crash mid-append: that write's response was never sent either.
        }
      }
    }
    this.compact();
  }

  /** Entries held in memory (expired ones included until the next compaction). */
  get size(): number {
    return this.entries.size;
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

  /** Remembers the response; it is durable before the client sees it. Throws if it could not be. */
  complete(key: string, fingerprint: string, response: StoredResponse): void {
    const entry: Entry = { key, fingerprint, response, atMs: Date.now() };
    try {
      if (this.fd === undefined) throw new Error('the idempotency log is closed');
      writeSync(this.fd, `${JSON.stringify(entry)}\n`);
      fsyncSync(this.fd);
      this.entries.set(key, entry);
    } finally {
      // Even when the log cannot be written, the key must not stay "in progress" until a restart.
      this.inFlight.delete(key);
    }
    if (entry.atMs - this.lastCompactMs >= this.compactEveryMs) {
      try {
        this.compact();
      } catch {
        // The entry above is durable; compaction is tried again after the next write.
      }
    }
  }

  /** Forgets a key whose write failed in a way worth retrying. */
  abandon(key: string): void {
    this.inFlight.delete(key);
  }

  /** Drops expired entries and rewrites the log with the live ones (atomically). */
  compact(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (now - entry.atMs >= this.ttlMs) this.entries.delete(key);
    // Closed first: Windows may refuse to replace a file that is open.
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    try {
      writeFileAtomic(this.file, [...this.entries.values()].map((e) => `${JSON.stringify(e)}\n`).join(''), 0o600);
    } finally {
      this.fd = openSync(this.file, 'a', 0o600);
      this.lastCompactMs = now;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
