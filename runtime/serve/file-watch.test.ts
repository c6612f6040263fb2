import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchFiles } from './file-watch.ts';

describe('watchFiles', () => {
  afterEach(() => void vi.useRealTimers());

  function setup() {
    const dir = mkdtempSync(join(tmpdir(), 'mlc-watch-'));
    const file = join(dir, 'a.yaml');
    writeFileSync(file, 'one');
    const listeners: (() => void)[] = [];
    let changes = 0;
    const watchDir = (_dir: string, listener: () => void) => (listeners.push(listener), { close: () => {} });
    return { dir, file, listeners, watchDir, changes: () => changes, onChange: async () => void changes++ };
  }

  it('debounces a burst of events into one check, and calls onChange only when the content moved', async () => {
    vi.useFakeTimers();
    const s = setup();
    const watch = await watchFiles({ files: async () => [s.file], dirs: [s.dir], onChange: s.onChange, watchDir: s.watchDir, debounceMs: 300, pollMs: 60_000 });
    // An event with no content change (a touch): no reload.
    s.listeners[0]?.();
    await vi.advanceTimersByTimeAsync(300);
    expect(s.changes()).toBe(0);
    writeFileSync(s.file, 'two');
    for (let i = 0; i < 10; i++) s.listeners[0]?.();
    await vi.advanceTimersByTimeAsync(299);
    expect(s.changes()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(s.changes()).toBe(1));
    watch.stop();
  });

  it('catches a change no event announced through the periodic hash', async () => {
    vi.useFakeTimers();
    const s = setup();
    const watch = await watchFiles({ files: async () => [s.file], dirs: [s.dir], onChange: s.onChange, watchDir: s.watchDir, pollMs: 1_000 });
    writeFileSync(s.file, 'changed without an event');
    await vi.advanceTimersByTimeAsync(999);
    expect(s.changes()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(s.changes()).toBe(1));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(s.changes()).toBe(1);
    watch.stop();
  });

  it('watches the folder of a file that a reload brought in', async () => {
    const s = setup();
    const other = mkdtempSync(join(tmpdir(), 'mlc-watch-'));
    const files = [s.file];
    const dirs: string[] = [];
    const watch = await watchFiles({ files: async () => files, dirs: [s.dir], onChange: async () => void (files.length === 1 && files.push(join(other, 'm.yaml'))), watchDir: (d) => (dirs.push(d), { close: () => {} }), pollMs: 60_000 });
    writeFileSync(s.file, 'three');
    expect(await watch.check()).toBe(true);
    expect(dirs).toEqual([s.dir, other]);
    // The newly used file counts as a change once (its content was not in the hash), then all is still.
    expect(await watch.check()).toBe(true);
    expect(await watch.check()).toBe(false);
    watch.stop();
  });

  it('sees an edit made while a reload was running', async () => {
    const s = setup();
    let reloads = 0;
    const watch = await watchFiles({
      files: async () => [s.file],
      dirs: [s.dir],
      onChange: async () => {
        reloads++;
        if (reloads === 1) writeFileSync(s.file, 'edited during the reload');
      },
      watchDir: s.watchDir,
      debounceMs: 1,
      pollMs: 60_000,
    });
    writeFileSync(s.file, 'first edit');
    expect(await watch.check()).toBe(true);
    expect(await watch.check()).toBe(true);
    expect(await watch.check()).toBe(false);
    expect(reloads).toBe(2);
    watch.stop();
  });
});
