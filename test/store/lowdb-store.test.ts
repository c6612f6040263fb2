// The embedded default store: the shared contract, then what only a durable store must show —
// state survives a reopen, a damaged file refuses to start (naming it), a torn audit tail or the
// audit of a commit that never happened is cut off, one writer per directory, segments rotate.
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLowdbStore } from '../../runtime/store/lowdb-store.ts';
import type { Store } from '../../runtime/store/store.ts';
import { auditEvent, describeStoreContract, emptyBatch } from './store-contract.ts';

const dirs = new WeakMap<Store, string>();
const fresh = (): string => mkdtempSync(join(tmpdir(), 'mlc-store-'));
async function open(dir = fresh(), options = {}): Promise<Store> {
  const store = await openLowdbStore(dir, options);
  dirs.set(store, dir);
  return store;
}

describeStoreContract('lowdb', {
  open: () => open(),
  reopen: async (store) => {
    const dir = dirs.get(store) as string;
    await store.close();
    return open(dir);
  },
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('lowdb store: durability', () => {
  it('a corrupt or truncated state file refuses to start, naming the file and the fix', async () => {
    for (const damage of ['{"format":1,"commitSeq":3,"pipel', '', '\u0000\u0000\u0000']) {
      const dir = fresh();
      writeFileSync(join(dir, 'state.json'), damage);
      const error = await openLowdbStore(dir).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'MLC_STORE_CORRUPT', errorClass: 'config' });
      expect((error as Error).message).toContain(join(dir, 'state.json'));
      expect((error as Error).message).toMatch(/move it aside/);
    }
  });

  it('a state file of another shape is refused too', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'state.json'), '{"hello": "world"}');
    await expect(openLowdbStore(dir)).rejects.toMatchObject({ code: 'MLC_STORE_CORRUPT' });
  });

  it('one writer per directory; a lock left by a dead process is taken over; readers need no lock', async () => {
    const dir = fresh();
    const store = await open(dir);
    await expect(openLowdbStore(dir)).rejects.toMatchObject({ code: 'MLC_STORE_LOCKED' });
    const reader = await openLowdbStore(dir, { readOnly: true });
    await reader.close();
    await store.close();
    writeFileSync(join(dir, 'lock'), '999999999');
    const again = await open(dir);
    await again.close();
    // A lock naming this process's own pid that this process does not hold: left by an earlier
    // process with the same pid (pid 1 in a restarted container).
    writeFileSync(join(dir, 'lock'), String(process.pid));
    const restarted = await open(dir);
    await restarted.close();
  });

  it('cuts off a torn audit line and the audit of a commit the state never recorded', async () => {
    const dir = fresh();
    const store = await open(dir);
    await store.commit({ ...emptyBatch('p'), audit: [auditEvent('1', 'read')] });
    await store.close();
    const segment = join(dir, 'audit', readdirSync(join(dir, 'audit')).find((n) => n.endsWith('.jsonl')) as string);
    appendFileSync(segment, `${JSON.stringify({ s: 2, e: auditEvent('2', 'read') })}\n{"s":2,"e":{"pipel`);
    const reopened = await open(dir);
    expect((await collect(reopened.audit.query({}))).map((e) => e.recordKey)).toEqual(['1']);
    await reopened.commit({ ...emptyBatch('p'), audit: [auditEvent('3', 'read')] });
    expect((await collect(reopened.audit.query({}))).map((e) => e.recordKey)).toEqual(['1', '3']);
    expect(readFileSync(segment, 'utf8').trim().split('\n')).toHaveLength(2);
    await reopened.close();
  });

  it('a state directory that cannot be written fails the commit clearly and leaves nothing half-committed', async () => {
    const dir = fresh();
    const store = await open(dir);
    await store.commit({ ...emptyBatch('p'), checkpoint: 1, audit: [auditEvent('1', 'read')] });
    // The write goes through a temp file beside state.json; a directory in its place makes it fail
    // the way a read-only or full disk does (chmod alone would not stop root, who runs CI here).
    const temp = join(dir, `.state.json.${process.pid}.tmp`);
    mkdirSync(temp);
    await expect(store.commit({ ...emptyBatch('p'), checkpoint: 2, audit: [auditEvent('2', 'read')] })).rejects.toMatchObject({ code: 'MLC_STORE_UNWRITABLE' });
    expect(await store.checkpoints.get('p')).toBe(1);
    expect((await collect(store.audit.query({}))).map((e) => e.recordKey)).toEqual(['1']);
    rmSync(temp, { recursive: true });
    await store.commit({ ...emptyBatch('p'), checkpoint: 3, audit: [auditEvent('3', 'read')] });
    await store.close();
    const reopened = await open(dir);
    expect(await reopened.checkpoints.get('p')).toBe(3);
    expect((await collect(reopened.audit.query({}))).map((e) => e.recordKey)).toEqual(['1', '3']);
    await reopened.close();
  });

  it('audit segments rotate with an index; queries by record read across segments', async () => {
    const dir = fresh();
    const store = await open(dir, { maxSegmentBytes: 2000 });
    for (let i = 0; i < 40; i++) await store.commit({ ...emptyBatch('p'), audit: [auditEvent(String(i % 4), 'read', `2026-11-28T10:00:${String(i).padStart(2, '0')}.000Z`)] });
    await store.close();
    const files = readdirSync(join(dir, 'audit'));
    expect(files.filter((f) => f.endsWith('.idx.json')).length).toBeGreaterThan(1);
    const reopened = await open(dir, { maxSegmentBytes: 2000 });
    expect(await collect(reopened.audit.query({ recordKey: '2' }))).toHaveLength(10);
    expect(await collect(reopened.audit.query({}))).toHaveLength(40);
    await reopened.close();
  });
});
