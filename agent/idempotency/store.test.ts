// The idempotency log on disk: survives reopening, tolerates a torn last line, forgets expired keys,
// and stays truthful when the disk is full (issue 16, findings 2 and 3).
import { appendFileSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support.ts';
import { fileLog, type LogFile } from './log-file.ts';
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

  it('a result that cannot be logged is still answered the same way, and its intent survives a restart', () => {
    const dir = tempDir();
    const disk = fullDiskLog();
    const store = new IdempotencyStore(dir.path, { log: disk.open });
    expect(store.begin('k', 'f')).toEqual({ kind: 'new' });
    store.recordIntent('k', 'f', request);
    disk.full = true;
    expect(() => store.complete('k', 'f', response)).toThrow(/ENOSPC/);
    // Not "in progress" forever, and not run a second time: the answer given is the one replayed.
    expect(store.begin('k', 'f')).toEqual({ kind: 'replay', response });
    store.close();
    const reopened = new IdempotencyStore(dir.path);
    expect(reopened.begin('k', 'f')).toMatchObject({ kind: 'unanswered', intent: { key: 'k', request } });
    reopened.close();
    dir.remove();
  });

  it('an intent that cannot be recorded releases its key; a torn line costs only itself', () => {
    const dir = tempDir();
    const disk = fullDiskLog();
    const store = new IdempotencyStore(dir.path, { log: disk.open });
    store.begin('a', 'f');
    disk.full = true;
    expect(() => store.recordIntent('a', 'f', request)).toThrow(/ENOSPC/);
    expect(store.begin('a', 'f')).toEqual({ kind: 'new' });
    disk.full = false;
    store.recordIntent('a', 'f', request);
    store.complete('a', 'f', response);
    store.close();
    const lines = readFileSync(join(dir.path, IDEMPOTENCY_FILE), 'utf8').split('\n');
    expect(lines.some((l) => l.startsWith('{"t":"intent","key":"a"') && !l.endsWith('}'))).toBe(true);
    expect(new IdempotencyStore(dir.path).begin('a', 'f')).toEqual({ kind: 'replay', response });
    dir.remove();
  });
});

const request = { method: 'PUT', path: '/v1/companies/KBS/segments/03/values/X', body: '{"description":"X"}', ifNoneMatch: '*' };

/** The real log file, except that while `full` is set an append writes half its text and fails. */
function fullDiskLog(): { full: boolean; open(file: string): LogFile } {
  const disk = {
    full: false,
    open: (file: string): LogFile =>
      fileLog(file, (fd, text) => {
        if (!disk.full) return void writeSync(fd, text);
        writeSync(fd, text.slice(0, Math.floor(text.length / 2)));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }),
  };
  return disk;
}
