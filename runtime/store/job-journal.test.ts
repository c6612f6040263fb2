import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readJournal } from './job-journal.ts';
import { openLowdbStore } from './lowdb-store.ts';
import type { Store } from './store.ts';

describe('the embedded store job journal', () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  const fresh = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'mlc-journal-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('makes a burst of concurrent enqueues durable in one journal line, without rewriting the state document', async () => {
    const dir = fresh();
    const store = await openLowdbStore(dir);
    stores.push(store);
    await store.state.set('s', 'k', 1); // the state document exists
    const before = statSync(join(dir, 'state.json')).mtimeMs;
    // The first goes alone; the ones that arrive while its append is in flight share the next one.
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.jobs.enqueue({ pipeline: 'p', kind: 'keys', keys: [String(i)] }, { dedupeKey: `d${i}` })));
    expect(results.every((r) => r.created)).toBe(true);
    const lines = readJournal(join(dir, 'jobs.journal'));
    expect(lines.flatMap((l) => l.jobs.map((j) => j.keys?.[0]))).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(statSync(join(dir, 'state.json')).mtimeMs).toBe(before);
  });

  it('replays journaled jobs the state document does not hold after a kill, and dedupes them', async () => {
    const dir = fresh();
    const first = await openLowdbStore(dir);
    await first.jobs.enqueue({ pipeline: 'p', kind: 'keys', keys: ['1'] }, { dedupeKey: 'a' });
    await first.jobs.enqueue({ pipeline: 'p', kind: 'changed' }, { dedupeKey: 'b' });
    // No close: as after kill -9 (the lock file names a live pid, so copy the data as a restart would find it).
    const copy = fresh();
    for (const name of ['state.json', 'jobs.journal']) {
      try {
        appendFileSync(join(copy, name), readFileSync(join(dir, name)));
      } catch {
        // no state document yet: only the journal holds the jobs
      }
    }
    stores.push(first);
    const second = await openLowdbStore(copy);
    stores.push(second);
    expect((await second.jobs.list('p')).map((j) => [j.kind, j.keys ?? []])).toEqual([
      ['keys', ['1']],
      ['changed', []],
    ]);
    expect((await second.jobs.enqueue({ pipeline: 'p', kind: 'keys', keys: ['1'] }, { dedupeKey: 'a' })).created).toBe(false);
    // A new job gets a fresh id past the replayed ones.
    const next = await second.jobs.enqueue({ pipeline: 'p', kind: 'keys', keys: ['2'] }, { dedupeKey: 'c' });
    expect((await second.jobs.list('p')).map((j) => j.id)).toContain(next.id);
    expect(new Set((await second.jobs.list('p')).map((j) => j.id)).size).toBe(3);
  });

  it('takes a claim without writing the state document; the completion writes it, with the job gone', async () => {
    const dir = fresh();
    const store = await openLowdbStore(dir);
    stores.push(store);
    await store.jobs.enqueue({ pipeline: 'p', kind: 'keys', keys: ['1'] }, { dedupeKey: 'a' });
    await store.state.set('s', 'k', 1); // a document write, which takes the journal in
    const written = readFileSync(join(dir, 'state.json'), 'utf8');
    const claimed = await store.jobs.claim('w', 60_000);
    expect(claimed?.keys).toEqual(['1']);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe(written);
    // Taken in memory all the same: the pipeline is busy until the job is done.
    await store.jobs.enqueue({ pipeline: 'p', kind: 'keys', keys: ['2'] }, { dedupeKey: 'b' });
    expect(await store.jobs.claim('w', 60_000)).toBeUndefined();
    await store.jobs.complete(claimed?.id ?? '');
    const after = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { jobs: { keys: string[] }[] };
    expect(after.jobs.map((j) => j.keys)).toEqual([['2']]);
  });

  it('skips a torn last line, and lines a later state document already holds', async () => {
    const dir = fresh();
    const store = await openLowdbStore(dir);
    await store.jobs.enqueue({ pipeline: 'p', kind: 'keys', keys: ['1'] }, { dedupeKey: 'a' });
    // A claim stays in memory (the journal still holds the enqueue); the completion, like any other
    // change, writes the whole document, which takes the journal in and empties it.
    const claimed = await store.jobs.claim('w', 60_000);
    expect(readFileSync(join(dir, 'jobs.journal'), 'utf8')).not.toBe('');
    await store.jobs.complete(claimed?.id ?? '');
    expect(readFileSync(join(dir, 'jobs.journal'), 'utf8')).toBe('');
    await store.jobs.enqueue({ pipeline: 'p', kind: 'keys', keys: ['2'] }, { dedupeKey: 'b' });
    await store.close();
    appendFileSync(join(dir, 'jobs.journal'), '\n{"seq":99,"jobs":[{"id":"job-x"');
    const reopened = await openLowdbStore(dir);
    stores.push(reopened);
    expect((await reopened.jobs.list('p')).map((j) => j.keys)).toEqual([['2']]);
  });
});
