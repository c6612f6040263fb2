// Remembered writes, by Idempotency-Key, so that a repeat (also after a crash or restart) gets the
// first result instead of a second effect. Two records per write in an append-only JSON-lines log:
// the *intent* (key, request digest and the request itself), fsync'd before Sage is touched, and the
// *outcome* (the response) after, written without an fsync of its own (the next intent's fsync, or
// closing, makes it durable): a process crash keeps it, and a power cut that loses it leaves an
// intent without an outcome, which is already handled. Such an intent is a write whose first run
// was never answered: on start it is reconciled against Sage (reconcile.ts), and a retry of its key
// finds out whether it was applied instead of conflicting with its own effect. Compacted (expired
// entries dropped) when opened and then at most every `compactEveryMs`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileLog, type LogFile } from './log-file.ts';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What is needed to run the write again: the route's method and path, the body and conditions. */
export interface IntentRequest {
  method: string;
  path: string;
  /** Canonical JSON of the body ('' for none). */
  body: string;
  ifMatch?: string;
  ifNoneMatch?: string;
}

interface Outcome {
  t?: 'outcome';
  key: string;
  /** SHA-256 of method, path, conditions and body: what makes "the same request". */
  fingerprint: string;
  response: StoredResponse;
  atMs: number;
}

export interface Intent {
  t: 'intent';
  key: string;
  fingerprint: string;
  request: IntentRequest;
  atMs: number;
}

export type Begin =
  | { kind: 'new' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' }
  /** A durable intent whose first run was never answered: reconcile before anything else. */
  | { kind: 'unanswered'; intent: Intent };

export const IDEMPOTENCY_FILE = 'idempotency.jsonl';

export interface IdempotencyOptions {
  /** How long a result is remembered. Default 7 days. */
  ttlMs?: number;
  /** Least time between compactions while running. Default 1 hour. */
  compactEveryMs?: number;
  /** The log's storage; tests pass one that fails like a full disk. */
  log?: (file: string) => LogFile;
}

export class IdempotencyStore {
  private readonly outcomes = new Map<string, Outcome>();
  private readonly intents = new Map<string, Intent>();
  private readonly inFlight = new Map<string, string>();
  private readonly ttlMs: number;
  private readonly compactEveryMs: number;
  private readonly log: LogFile;
  private lastCompactMs = 0;

  constructor(dataDir: string, options: IdempotencyOptions = {}) {
    this.ttlMs = options.ttlMs ?? 7 * 24 * 3600 * 1000;
    this.compactEveryMs = options.compactEveryMs ?? 3600 * 1000;
    const file = join(dataDir, IDEMPOTENCY_FILE);
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          this.load(JSON.parse(line) as Outcome | Intent);
        } catch {
          // A torn last line from a crash mid-append: that step was never acknowledged either.
        }
      }
    }
    this.log = (options.log ?? fileLog)(file);
    this.compact();
  }

  private load(record: Outcome | Intent): void {
    if (Date.now() - record.atMs >= this.ttlMs) return;
    if (record.t === 'intent') {
      if (!this.outcomes.has(record.key)) this.intents.set(record.key, record);
      return;
    }
    this.outcomes.set(record.key, record);
    this.intents.delete(record.key);
  }

  /** Entries held in memory, answered or not (expired ones included until the next compaction). */
  get size(): number {
    return this.outcomes.size + this.intents.size;
  }

  /** Intents never answered, oldest first (what start-up reconciliation works through). */
  unanswered(): Intent[] {
    return [...this.intents.values()].sort((a, b) => a.atMs - b.atMs);
  }

  begin(key: string, fingerprint: string): Begin {
    const outcome = this.outcomes.get(key);
    if (outcome && Date.now() - outcome.atMs < this.ttlMs) {
      return outcome.fingerprint === fingerprint ? { kind: 'replay', response: outcome.response } : { kind: 'mismatch' };
    }
    const running = this.inFlight.get(key);
    if (running !== undefined) return running === fingerprint ? { kind: 'in_progress' } : { kind: 'mismatch' };
    const intent = this.intents.get(key);
    if (intent && intent.fingerprint !== fingerprint) return { kind: 'mismatch' };
    this.inFlight.set(key, fingerprint);
    return intent ? { kind: 'unanswered', intent } : { kind: 'new' };
  }

  /**
   * Makes the intent durable before the write touches Sage. Throws (and releases the key) when it
   * cannot be: the write must then not run.
   */
  recordIntent(key: string, fingerprint: string, request: IntentRequest): void {
    const intent: Intent = { t: 'intent', key, fingerprint, request, atMs: Date.now() };
    try {
      this.log.append(`${JSON.stringify(intent)}\n`);
    } catch (error) {
      this.inFlight.delete(key);
      throw error;
    }
    this.intents.set(key, intent);
  }

  /**
   * Remembers the answer. It is kept in memory even when the log cannot be written (then the
   * durable intent lets start-up reconciliation find the effect again); the error is rethrown for
   * the caller to log, after the key is released.
   */
  complete(key: string, fingerprint: string, response: StoredResponse): void {
    const outcome: Outcome = { key, fingerprint, response, atMs: Date.now() };
    this.outcomes.set(key, outcome);
    this.inFlight.delete(key);
    // No fsync of its own: it would hold up the agent's next answer for a record whose loss the
    // intent already covers.
    this.log.append(`${JSON.stringify(outcome)}\n`, { durable: false });
    this.intents.delete(key);
    if (outcome.atMs - this.lastCompactMs >= this.compactEveryMs) {
      try {
        this.compact();
      } catch {
        // The outcome above is written; compaction is tried again after the next write.
      }
    }
  }

  /** Releases a key without an answer to remember (a retryable failure); its intent stays. */
  abandon(key: string): void {
    this.inFlight.delete(key);
  }

  /** Drops expired entries and rewrites the log with the live ones (atomically). */
  compact(): void {
    const now = Date.now();
    for (const [key, o] of this.outcomes) if (now - o.atMs >= this.ttlMs) this.outcomes.delete(key);
    for (const [key, i] of this.intents) if (now - i.atMs >= this.ttlMs) this.intents.delete(key);
    const records = [...this.intents.values(), ...this.outcomes.values()].sort((a, b) => a.atMs - b.atMs);
    this.lastCompactMs = now;
    this.log.rewrite(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  close(): void {
    this.log.close();
  }
}
