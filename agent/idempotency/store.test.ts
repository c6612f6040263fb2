// The idempotency log on disk: survives reopening, tolerates a torn last line, forgets expired keys.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support.ts';
import { IDEMPOTENCY_FILE, IdempotencyStore } from './store.ts';

const response = { status: 201, headers: { etag: '"x"' }, body: '{"ok":true}' };

describe('idempotency store', () => {
  it('replays after reopening, refuses a different fingerprint, and reports a key in flight', () => {
    const dir = tempDir();
    const store = new IdempotencyStore(dir.path);
    expect(store.begin('k1', 'f1')).toEqual({ kind: 'new' });
    expect(store.begin('k1', 'f1')).toEqual({ kind: 'in_progress' });
    expect(store.begin('k1', 'f2')).toEqual({ kind: 'mismatch' });
    store.complete('k1', 'f1', response);
    store.close();
    appendFileSync(join(dir.path, IDEMPOTENCY_FILE), '{"key":"torn","finger');
    const reopened = new IdempotencyStore(dir.path);
    expect(reopened.begin('k1', 'f1')).toEqual({ kind: 'replay', response });
    expect(reopened.begin('k1', 'f2')).toEqual({ kind: 'mismatch' });
    expect(reopened.begin('torn', 'f')).toEqual({ kind: 'new' });
    reopened.abandon('torn');
    expect(reopened.begin('torn', 'f')).toEqual({ kind: 'new' });
    reopened.close();
    dir.remove();
  });

  it('drops expired entries when reopened (compaction)', async () => {
    const dir = tempDir();
    const store = new IdempotencyStore(dir.path, { ttlMs: 50 });
    store.begin('old', 'f');
    store.complete('old', 'f', response);
    store.close();
    await new Promise((resolve) => setTimeout(resolve, 80));
    const reopened = new IdempotencyStore(dir.path, { ttlMs: 50 });
    expect(reopened.begin('old', 'f')).toEqual({ kind: 'new' });
    reopened.close();
    expect(readFileSync(join(dir.path, IDEMPOTENCY_FILE), 'utf8')).toBe('');
    dir.remove();
  });

  it('drops expired entries while running too, from memory and from the file', async () => {
    const dir = tempDir();
    const store = new IdempotencyStore(dir.path, { ttlMs: 50, compactEveryMs: 0 });
    store.begin('old', 'f');
    store.complete('old', 'f', response);
    await new Promise((resolve) => setTimeout(resolve, 80));
    store.begin('new', 'f');
    store.complete('new', 'f', response);
    expect(store.size).toBe(1);
    const lines = readFileSync(join(dir.path, IDEMPOTENCY_FILE), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { key: string }).key)).toEqual(['new']);
    // Appends after a compaction land in the new file.
    store.begin('after', 'f');
    store.complete('after', 'f', response);
    store.close();
    expect(new IdempotencyStore(dir.path).begin('after', 'f')).toMatchObject({ kind: 'replay' });
    dir.remove();
  });

  it('a result that cannot be logged does not leave its key "in progress" forever', () => {
    const dir = tempDir();
    const store = new IdempotencyStore(dir.path);
    store.begin('k', 'f');
    store.close();
    expect(() => store.complete('k', 'f', response)).toThrow(/closed/);
    expect(store.begin('k', 'f')).toEqual({ kind: 'new' });
    dir.remove();
  });
});
