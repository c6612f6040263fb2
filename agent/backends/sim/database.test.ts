// The simulator's tables files: saved to two files in turn, numbered, so a kill in the middle of a
// save (a file cut off) leaves the save before it, and a failed save leaves nothing to misread.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support.ts';
import { readSimTables, SimDatabase, simTableFiles } from './database.ts';

const dirs: { remove(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function fresh(): string {
  const dir = tempDir('sim-db-');
  dirs.push(dir);
  return dir.path;
}

/** Changes one row of the seeded tables and saves: what a simulated write does. */
function describeSub(db: SimDatabase, description: string): void {
  const row = Object.values(db.companies.KBS?.tables.GL_SubAccount ?? {})[0] as Record<string, string>;
  row.SubAccountDesc = description;
  db.save();
}

const firstDescription = (db: SimDatabase): string => (Object.values(db.companies.KBS?.tables.GL_SubAccount ?? {})[0] as Record<string, string>).SubAccountDesc ?? '';

describe('simulator tables files', () => {
  it('saves to the two files in turn, and a start reads the newer', () => {
    const dir = fresh();
    const [first, second] = simTableFiles(dir);
    const db = new SimDatabase({ dataDir: dir });
    describeSub(db, 'One');
    describeSub(db, 'Two');
    const seqs = [first, second].map((file) => (JSON.parse(readFileSync(file, 'utf8')) as { seq: number }).seq);
    // The seed was save 1 (file one), then 2 (file two), then 3 (file one again).
    expect(seqs).toEqual([3, 2]);
    expect(firstDescription(new SimDatabase({ dataDir: dir }))).toBe('Two');
    expect(readSimTables(dir).index).toBe(0);
  });

  it('a save cut off by a kill leaves the save before it', () => {
    const dir = fresh();
    const db = new SimDatabase({ dataDir: dir });
    describeSub(db, 'Kept');
    describeSub(db, 'Cut off');
    // The last save went to file one; a kill halfway through its write leaves half a file.
    const [first] = simTableFiles(dir);
    const whole = readFileSync(first, 'utf8');
    writeFileSync(first, whole.slice(0, whole.length / 2));
    const reopened = new SimDatabase({ dataDir: dir });
    expect(firstDescription(reopened)).toBe('Kept');
    // And the next save goes over the cut-off file, not over the one it started from.
    describeSub(reopened, 'After');
    expect(firstDescription(new SimDatabase({ dataDir: dir }))).toBe('After');
  });

  // A disk that fills up part of the way through the write, and a write that lands whole but whose
  // close then fails: either way the save failed, and the next start must not read it.
  it.each([
    ['cut short', (content: string) => content.slice(0, 100)],
    ['whole, then failing', (content: string) => content],
  ])('a failed save (%s) rolls the tables back and leaves nothing newer to read at the next start', (_, written) => {
    const dir = fresh();
    const disk = { full: false };
    const db = new SimDatabase({
      dataDir: dir,
      persist: (file, content) => {
        writeFileSync(file, disk.full ? written(content) : content);
        if (disk.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    });
    describeSub(db, 'Saved');
    disk.full = true;
    expect(() => describeSub(db, 'Lost')).toThrow(/ENOSPC/);
    expect(firstDescription(db)).toBe('Saved');
    expect(firstDescription(new SimDatabase({ dataDir: dir }))).toBe('Saved');
  });

  it('a file that does not read, with no other to fall back on, is an error, not a reseed', () => {
    const dir = fresh();
    const [first] = simTableFiles(dir);
    writeFileSync(first, '{"companies": ');
    expect(() => new SimDatabase({ dataDir: dir })).toThrow(SyntaxError);
  });
});
