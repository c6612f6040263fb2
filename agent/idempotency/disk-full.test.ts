// Issue 16, finding 2: with the disk full, a write answered "failed, retryable" must leave no effect,
// and its retry (same key) must apply it once space is back: never "412 already exists" for a record
// that only ever existed in memory, never a 412 remembered for the key.
import { writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../fs-atomic.ts';
import { startTestAgent } from '../test-support.ts';
import { fileLog } from './log-file.ts';

const WRITES = 50;
const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
const path = (i: number): string => `/v1/companies/KBS/segments/03/values/F${String(i).padStart(2, '0')}`;

describe('a full disk', () => {
  it('under the simulator: every failed write leaves no effect, and its retry applies it once', async () => {
    const disk = { full: false };
    const t = await startTestAgent({
      sim: {
        persist: (file, content) => {
          if (disk.full) throw enospc();
          writeFileAtomic(file, content);
        },
      },
    });
    disk.full = true;
    const statuses = new Map<number, number>();
    for (let i = 0; i < WRITES; i++) {
      const r = await t.call('PUT', path(i), { body: { description: `Full disk ${i}` }, idempotencyKey: `full-${i}`, headers: { 'if-none-match': '*' } });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      expect(r.data.error.retryable).toBe(true);
    }
    const phantoms = async (): Promise<number> => {
      let found = 0;
      for (let i = 0; i < WRITES; i++) if ((await t.call('GET', path(i))).status !== 404) found++;
      return found;
    };
    const phantomsBefore = await phantoms();
    await t.restart();
    const phantomsAfterRestart = await phantoms();
    disk.full = false;
    let applied = 0;
    for (let i = 0; i < WRITES; i++) {
      const r = await t.call('PUT', path(i), { body: { description: `Full disk ${i}` }, idempotencyKey: `full-${i}`, headers: { 'if-none-match': '*' } });
      if (r.status === 201) applied++;
    }
    await t.restart();
    const replay = await t.call('PUT', path(7), { body: { description: 'Full disk 7' }, idempotencyKey: 'full-7', headers: { 'if-none-match': '*' } });
    console.info(JSON.stringify({ diskFullWrites: WRITES, answered: Object.fromEntries(statuses), phantomEffects: phantomsBefore + phantomsAfterRestart, appliedOnRetry: applied }));
    expect({ statuses: [...statuses.keys()], phantomsBefore, phantomsAfterRestart, applied }).toEqual({ statuses: [503], phantomsBefore: 0, phantomsAfterRestart: 0, applied: WRITES });
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await t.call('GET', path(7))).data.description).toBe('Full disk 7');
    expect(t.violations).toEqual([]);
    await t.stop();
  });

  it('for the idempotency log: the write is refused before Sage is touched', async () => {
    const disk = { full: false };
    const t = await startTestAgent({
      idempotency: {
        log: (file) =>
          fileLog(file, (fd, text) => {
            if (disk.full) throw enospc();
            writeSync(fd, text);
          }),
      },
    });
    disk.full = true;
    const refused = await t.call('PUT', path(90), { body: { description: 'No room' }, idempotencyKey: 'log-full', headers: { 'if-none-match': '*' } });
    expect(refused.status).toBe(503);
    expect(refused.data.error).toMatchObject({ code: 'storage_unavailable', retryable: true });
    expect((await t.call('GET', path(90))).status).toBe(404);
    disk.full = false;
    expect((await t.call('PUT', path(90), { body: { description: 'No room' }, idempotencyKey: 'log-full', headers: { 'if-none-match': '*' } })).status).toBe(201);
    expect(t.violations).toEqual([]);
    await t.stop();
  });
});
