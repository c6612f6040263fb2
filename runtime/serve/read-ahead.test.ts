// The webhook read-ahead: a job takes the read its delivery started only when that read is of exactly
// its keys, through the same source, the newest for each key, not failed and not too old; otherwise
// it reads for itself. Each case counts the source's reads and checks what the job was given.
import { describe, expect, it } from 'vitest';
import type { ReadOptions, SourceConnector, SourcePage } from '../connectors/definition.ts';
import { ReadAhead, type ReadAheadOutcome } from './read-ahead.ts';

/** A source whose records carry the number of the read that returned them. */
function countingSource(options: { failFirst?: boolean } = {}): SourceConnector & { reads: string[][] } {
  const reads: string[][] = [];
  const source = {
    reads,
    async *readKeys(keys: readonly string[], { signal }: ReadOptions): AsyncIterable<SourcePage> {
      signal.throwIfAborted();
      reads.push([...keys]);
      const read = reads.length;
      if (options.failFirst && read === 1) throw new Error('503 from the source');
      yield { records: keys.map((key) => ({ key, data: { read } })) };
    },
  };
  return source as unknown as SourceConnector & { reads: string[][] };
}

/** Outcomes counted as serve counts them in /metrics. */
function counting(): { observe: (pipeline: string, outcome: ReadAheadOutcome) => void; counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  return { counts, observe: (_pipeline, outcome) => void (counts[outcome] = (counts[outcome] ?? 0) + 1) };
}

async function jobRead(readAhead: ReadAhead, pipeline: string, source: SourceConnector, keys: string[]): Promise<unknown[]> {
  const records: unknown[] = [];
  for await (const page of readAhead.source(pipeline, source).readKeys(keys, { signal: new AbortController().signal })) records.push(...page.records);
  return records;
}

describe('webhook read-ahead', () => {
  it('a job takes the read its delivery started: one read of the source, not two', async () => {
    const source = countingSource();
    const seen = counting();
    const readAhead = new ReadAhead(() => source, { observe: seen.observe });
    readAhead.start('p', ['7', '3']);
    expect(await jobRead(readAhead, 'p', source, ['3', '7'])).toEqual([
      { key: '3', data: { read: 1 } },
      { key: '7', data: { read: 1 } },
    ]);
    expect(source.reads).toEqual([['3', '7']]);
    // Taken once: the next job for the same keys reads for itself.
    expect(await jobRead(readAhead, 'p', source, ['3', '7'])).toEqual([
      { key: '3', data: { read: 2 } },
      { key: '7', data: { read: 2 } },
    ]);
    expect(seen.counts).toEqual({ started: 1, taken: 1 });
  });

  it('a job of other keys (coalesced with another delivery) reads for itself', async () => {
    const source = countingSource();
    const seen = counting();
    const readAhead = new ReadAhead(() => source, { observe: seen.observe });
    readAhead.start('p', ['1']);
    await jobRead(readAhead, 'p', source, ['1', '2']);
    expect(source.reads).toEqual([['1'], ['1', '2']]);
    expect(seen.counts).toEqual({ started: 1 });
  });

  it('a newer delivery for a key replaces the older read: a job never takes a read older than its delivery', async () => {
    const source = countingSource();
    const readAhead = new ReadAhead(() => source);
    readAhead.start('p', ['1', '2']);
    await new Promise((resolve) => setImmediate(resolve));
    readAhead.start('p', ['2']);
    // The first delivery's job: its read of 2 is older than the second delivery, so it reads afresh.
    expect(await jobRead(readAhead, 'p', source, ['1', '2'])).toEqual([
      { key: '1', data: { read: 3 } },
      { key: '2', data: { read: 3 } },
    ]);
    // The second delivery's job takes its own read.
    expect(await jobRead(readAhead, 'p', source, ['2'])).toEqual([{ key: '2', data: { read: 2 } }]);
  });

  it('a burst of deliveries for one record starts one read; the job they coalesce into reads for itself', async () => {
    const source = countingSource();
    const seen = counting();
    const readAhead = new ReadAhead(() => source, { observe: seen.observe });
    for (let i = 0; i < 10; i += 1) readAhead.start('p', ['1']);
    expect(await jobRead(readAhead, 'p', source, ['1'])).toEqual([{ key: '1', data: { read: 2 } }]);
    expect(source.reads).toEqual([['1'], ['1']]);
    expect(seen.counts).toEqual({ started: 1, skipped: 9 });
    // Once that read is over, the next delivery starts its own.
    readAhead.start('p', ['1']);
    expect(await jobRead(readAhead, 'p', source, ['1'])).toEqual([{ key: '1', data: { read: 3 } }]);
  });

  it('a delivery that could not start a read (too many under way) leaves no older read to take', async () => {
    const source = countingSource();
    const seen = counting();
    const readAhead = new ReadAhead(() => source, { maxInFlight: 1, observe: seen.observe });
    // A delivery for 2 is read ahead; nobody has taken it yet when the next delivery for 2 comes.
    readAhead.start('p', ['2']);
    await new Promise((resolve) => setImmediate(resolve));
    // A read of 1 is under way (the limit): the delivery for 2 starts none, and the older read of 2 is
    // not for it to take.
    readAhead.start('p', ['1']);
    readAhead.start('p', ['2']);
    expect(await jobRead(readAhead, 'p', source, ['2'])).toEqual([{ key: '2', data: { read: 3 } }]);
    expect(source.reads).toEqual([['2'], ['1'], ['2']]);
    expect(seen.counts).toEqual({ started: 2, skipped: 1 });
  });

  it('a reload in between (another source instance) is not served the old source\'s read', async () => {
    const before = countingSource();
    const after = countingSource();
    let current: SourceConnector = before;
    const readAhead = new ReadAhead(() => current);
    readAhead.start('p', ['1']);
    current = after;
    expect(await jobRead(readAhead, 'p', after, ['1'])).toEqual([{ key: '1', data: { read: 1 } }]);
    expect([before.reads.length, after.reads.length]).toEqual([1, 1]);
  });

  it('a read that failed is read again by the job; one nobody took is dropped after keepMs', async () => {
    const failing = countingSource({ failFirst: true });
    const seen = counting();
    const readAhead = new ReadAhead(() => failing, { observe: seen.observe });
    readAhead.start('p', ['1']);
    expect(await jobRead(readAhead, 'p', failing, ['1'])).toEqual([{ key: '1', data: { read: 2 } }]);
    expect(seen.counts).toEqual({ started: 1, failed: 1 });

    let now = 0;
    const source = countingSource();
    const aging = new ReadAhead(() => source, { keepMs: 5_000, now: () => now });
    aging.start('p', ['1']);
    now = 5_001;
    expect(await jobRead(aging, 'p', source, ['1'])).toEqual([{ key: '1', data: { read: 2 } }]);
  });

  it('a failed read pauses the pipeline\'s read-ahead for its Retry-After (or 30 s); so does the worker putting a job off', async () => {
    let now = 0;
    const throttled = Object.assign(countingSource(), {
      async *readKeys(keys: readonly string[]): AsyncIterable<SourcePage> {
        throttled.reads.push([...keys]);
        if (keys.length > 0) throw Object.assign(new Error('429 Too Many Requests'), { retryAfterMs: 10_000 });
        yield* [];
      },
    });
    const seen = counting();
    const readAhead = new ReadAhead(() => throttled, { now: () => now, observe: seen.observe });
    readAhead.start('p', ['1']);
    await new Promise((resolve) => setImmediate(resolve));
    now = 9_999;
    readAhead.start('p', ['2']);
    expect(throttled.reads).toEqual([['1']]);
    expect(seen.counts).toEqual({ started: 1, skipped: 1 });
    now = 10_001;
    readAhead.start('p', ['3']);
    expect(throttled.reads).toEqual([['1'], ['3']]);

    const source = countingSource();
    const other = new ReadAhead(() => source, { now: () => now });
    other.pause('p', now + 60_000);
    other.start('p', ['1']);
    other.start('q', ['1']);
    expect(source.reads).toEqual([['1']]);
  });

  it('other pipelines and other methods of the source are untouched', async () => {
    const source = countingSource();
    const readAhead = new ReadAhead(() => source);
    readAhead.start('other', ['1']);
    expect(await jobRead(readAhead, 'p', source, ['1'])).toEqual([{ key: '1', data: { read: 2 } }]);
    const wrapped = readAhead.source('p', source) as SourceConnector & { reads: string[][] };
    expect(wrapped.reads).toBe(source.reads);
  });

  it('closed: reads under way are stopped and none is started', async () => {
    const source = countingSource();
    const seen = counting();
    const readAhead = new ReadAhead(() => source, { observe: seen.observe });
    readAhead.close();
    readAhead.start('p', ['1']);
    expect(seen.counts).toEqual({});
    expect(await jobRead(readAhead, 'p', source, ['1'])).toEqual([{ key: '1', data: { read: 1 } }]);
  });
});
