// A webhook's read, started as soon as the delivery is verified: the source is read for the keys it
// names while the delivery is made durable and the worker claims its job, instead of after both (a
// few milliseconds of every change). The job then takes that read instead of making its own — only
// when it is the read of exactly the job's keys, through the very source the job runs with (a reload
// in between starts afresh), and it has not failed; otherwise the job reads as it always did.
// A read started after a delivery was received shows the record at least as new as that delivery
// announced, which is all a keyed job promises; a later delivery for the same key starts a newer
// read, which replaces the older one. Reads that no job takes (a duplicate delivery, a job coalesced
// with others) are dropped after a few seconds. At most one runs per record at a time (a delivery for
// a record whose read is still under way starts none: its job reads for itself), and at most
// `maxInFlight` in all, so a burst of deliveries for one employee costs at most one read more than the
// worker's one coalesced read. While the source throttles
// or fails (a read-ahead failed, or the worker put a job off for a retry), nothing is read ahead for
// that pipeline until the wait it was given is over: deliveries then wait with their jobs.
import type { ReadOptions, SourceConnector, SourcePage } from '../connectors/definition.ts';

interface Started {
  source: SourceConnector;
  /** The keys read, sorted. */
  keys: string[];
  pages: Promise<SourcePage[]>;
  startedAt: number;
}

/**
 * started: a delivery's read began; skipped: one of its records was being read already, too many
 * were under way, or the pipeline's read-ahead is paused (the job reads for itself);
 * taken: a job used one; failed: a job found its read had failed and read again.
 */
export type ReadAheadOutcome = 'started' | 'skipped' | 'taken' | 'failed';

export interface ReadAheadOptions {
  /** Reads under way at once; past it a delivery's job reads for itself. */
  maxInFlight?: number;
  /** How long a read no job has taken is kept. */
  keepMs?: number;
  now?: () => number;
  /** Told of each outcome (serve counts them in mlc_webhook_read_ahead_total). */
  observe?: (pipeline: string, outcome: ReadAheadOutcome) => void;
}

export class ReadAhead {
  private readonly started = new Map<string, Started>();
  /** The reads under way, by the records they read (kept even when a newer delivery made them untakeable). */
  private readonly reading = new Map<string, Started>();
  /** Pipeline → until when (ms) nothing is read ahead for it. */
  private readonly paused = new Map<string, number>();
  private readonly stopping = new AbortController();
  private readonly maxInFlight: number;
  private readonly keepMs: number;
  private readonly now: () => number;
  private readonly observe: (pipeline: string, outcome: ReadAheadOutcome) => void;
  private inFlight = 0;

  constructor(
    private readonly sourceOf: (pipeline: string) => SourceConnector | undefined,
    options: ReadAheadOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 16;
    this.keepMs = options.keepMs ?? 5_000;
    this.now = options.now ?? Date.now;
    this.observe = options.observe ?? (() => undefined);
  }

  /** Starts reading `keys` of `pipeline` now (a verified delivery named them). */
  start(pipeline: string, keys: readonly string[]): void {
    this.forgetOld();
    const source = this.sourceOf(pipeline);
    const sorted = [...new Set(keys)].sort();
    const paused = (this.paused.get(pipeline) ?? 0) > this.now();
    // One read under way per record: a burst of deliveries for one employee starts one, and the job
    // they coalesce into reads for itself, so the burst costs at most one read more than without.
    const busy = sorted.some((key) => this.reading.has(slot(pipeline, key)));
    if (!source || paused || busy || this.inFlight >= this.maxInFlight || this.stopping.signal.aborted) {
      // Not read ahead: an older read of these keys started before this delivery, so no job may take it.
      for (const key of sorted) this.started.delete(slot(pipeline, key));
      if (source && !this.stopping.signal.aborted) this.observe(pipeline, 'skipped');
      return;
    }
    if (sorted.length === 0) return;
    this.inFlight++;
    this.observe(pipeline, 'started');
    const pages = collect(source.readKeys(sorted, { signal: this.stopping.signal })).finally(() => {
      this.inFlight--;
      for (const key of sorted) if (this.reading.get(slot(pipeline, key)) === started) this.reading.delete(slot(pipeline, key));
    });
    // Nobody may ever take it: its failure must not be an unhandled rejection. It pauses the read-ahead
    // for as long as the source asked (Retry-After) or, without an answer, half a minute.
    pages.catch((error: unknown) => {
      if (this.stopping.signal.aborted) return;
      const retryAfterMs = (error as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
      this.pause(pipeline, this.now() + (typeof retryAfterMs === 'number' && retryAfterMs > 0 ? retryAfterMs : FAILURE_PAUSE_MS));
    });
    const started: Started = { source, keys: sorted, pages, startedAt: this.now() };
    for (const key of sorted) {
      this.started.set(slot(pipeline, key), started);
      this.reading.set(slot(pipeline, key), started);
    }
  }

  /** `source` as a keyed job of `pipeline` reads it: through the read started for exactly its keys, when there is one. */
  source(pipeline: string, source: SourceConnector): SourceConnector {
    const readKeys = (keys: readonly string[], options: ReadOptions): AsyncIterable<SourcePage> => this.readKeys(pipeline, source, keys, options);
    return new Proxy(source, {
      get: (target, property) => {
        if (property === 'readKeys') return readKeys;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** Nothing is read ahead for `pipeline` before `untilMs` (the worker put a job off: the source throttles or fails). */
  pause(pipeline: string, untilMs: number): void {
    if (untilMs > (this.paused.get(pipeline) ?? 0)) this.paused.set(pipeline, untilMs);
  }

  /** Stops the reads under way; none is started after. */
  close(): void {
    this.stopping.abort();
    this.started.clear();
    this.reading.clear();
  }

  private async *readKeys(pipeline: string, source: SourceConnector, keys: readonly string[], options: ReadOptions): AsyncIterable<SourcePage> {
    const taken = this.take(pipeline, source, keys);
    if (taken) {
      let pages: SourcePage[] | undefined;
      try {
        pages = await untilAborted(taken.pages, options.signal);
      } catch (error) {
        if (options.signal.aborted) throw error;
        this.observe(pipeline, 'failed');
      }
      if (pages) {
        this.observe(pipeline, 'taken');
        yield* pages;
        return;
      }
    }
    yield* source.readKeys(keys, options);
  }

  /** The read started for exactly these keys through this source, removed so that no other job takes it. */
  private take(pipeline: string, source: SourceConnector, keys: readonly string[]): Started | undefined {
    this.forgetOld();
    const wanted = [...new Set(keys)].sort();
    const started = wanted.length > 0 ? this.started.get(slot(pipeline, wanted[0] as string)) : undefined;
    if (!started || started.source !== source || started.keys.length !== wanted.length || started.keys.some((key, i) => key !== wanted[i])) return undefined;
    for (const key of started.keys) if (this.started.get(slot(pipeline, key)) === started) this.started.delete(slot(pipeline, key));
    // A newer delivery for one of the keys replaced this read for that key: the job must see the newer state.
    if (wanted.some((key) => this.started.has(slot(pipeline, key)))) return undefined;
    return started;
  }

  private forgetOld(): void {
    const oldest = this.now() - this.keepMs;
    for (const [key, started] of this.started) if (started.startedAt < oldest) this.started.delete(key);
  }
}

const slot = (pipeline: string, key: string): string => `${pipeline}\u0000${key}`;

/** How long a failed read-ahead that gave no Retry-After pauses its pipeline's. */
const FAILURE_PAUSE_MS = 30_000;

async function collect(pages: AsyncIterable<SourcePage>): Promise<SourcePage[]> {
  const all: SourcePage[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
