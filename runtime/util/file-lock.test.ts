import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLockBusy, withFileLock } from './file-lock.ts';

describe('file lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mlc-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the body holding the lock and removes it afterwards, also when the body throws', async () => {
    const file = join(dir, 'f.json');
    expect(await withFileLock(file, async () => existsSync(`${file}.lock`))).toBe(true);
    await expect(withFileLock(file, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('breaks a lock left by a process that no longer runs, or by an earlier holder of its own pid', async () => {
    const file = join(dir, 'f.json');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    for (const owner of [gone, process.pid, 'garbage']) {
      writeFileSync(`${file}.lock`, `${owner}\n`);
      expect(await withFileLock(file, async () => 'ran', { attempts: 0 })).toBe('ran');
    }
  });

  it('waits for a live holder and gives up after its attempts', async () => {
    const file = join(dir, 'f.json');
    writeFileSync(`${file}.lock`, `${process.ppid}\n`);
    let ran = false;
    await expect(withFileLock(file, async () => (ran = true), { attempts: 3, waitMs: 1 })).rejects.toBeInstanceOf(FileLockBusy);
    expect(ran).toBe(false);
    expect(existsSync(`${file}.lock`)).toBe(true);
  });
});
