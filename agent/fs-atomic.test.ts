import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './fs-atomic.ts';

describe('writeFileAtomic', () => {
  const dirs: string[] = [];
  const dir = (): string => {
    const made = mkdtempSync(join(tmpdir(), 'fs-atomic-'));
    dirs.push(made);
    return made;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  for (const sync of [true, false]) {
    it(`replaces the content through a temp file that does not stay behind (sync ${sync})`, () => {
      const d = dir();
      const file = join(d, 'tables.json');
      writeFileAtomic(file, 'old', 0o600, { sync });
      writeFileAtomic(file, 'new', 0o600, { sync });
      expect(readFileSync(file, 'utf8')).toBe('new');
      expect(readdirSync(d)).toEqual(['tables.json']);
      if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    });
  }
});
