// The run path end to end with the test connectors and the memory store: the two rules, per-change
// results, quarantine and replay, plan writing nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MlcError } from '../../runtime/errors.ts';
import { editRecord } from '../support/test-connectors.ts';
import { engineHarness, type EngineHarness } from '../support/engine-harness.ts';

let h: EngineHarness;
afterEach(async () => h?.close());

const effectsOf = (h: EngineHarness) => h.probe.effects.map((e) => `${e.action} ${e.entity}/${e.key}`);

describe('run path', () => {
  it('a full run writes the desired state; running it again writes nothing', async () => {
    h = engineHarness();
    const first = await h.run('full');
    expect(first.summary).toMatchObject({ read: 200, exitCode: 0, checkpointMoved: true });
    expect(first.summary.written.department?.create).toBe(5);
    expect(first.summary.written.headcount?.create).toBe(15);
    expect(await h.store.checkpoints.get('test-headcount')).toBe(200);
    const again = await h.run('full');
    expect(again.changes).toEqual([]);
    expect(again.summary.unchanged).toBe(first.summary.kept);
    expect(h.probe.effects).toHaveLength(20);
  });

  it('reports how long each phase took, in order, and a plan stops before the writes', async () => {
    h = engineHarness({ count: 20 });
    const phases: [string, number][] = [];
    await h.run('full', { onPhase: (phase, ms) => phases.push([phase, ms]) });
    expect(phases.map(([phase]) => phase)).toEqual(['read', 'steps', 'actual', 'apply', 'commit']);
    expect(phases.every(([, ms]) => Number.isFinite(ms) && ms >= 0)).toBe(true);
    const planned: string[] = [];
    await h.run('full', { plan: true, onPhase: (phase) => planned.push(phase) });
    expect(planned).toEqual(['read', 'steps', 'actual']);
  });

  it('a changed-since run touches only what changed; a partial run never deactivates', async () => {
    h = engineHarness({ count: 20 });
    await h.run('full');
    const before = h.probe.effects.length;
    // Everyone in Yard moves to Sales: Yard is no longer wanted, but only a complete run may deactivate it.
    for (const record of h.data.records.values()) if (record.data.department === 'Yard') editRecord(h.data, record.key, { department: 'Sales' });
    const partial = await h.run('changed-since');
    expect(partial.changes.every((c) => c.action !== 'deactivate')).toBe(true);
    expect(partial.changes.every((c) => c.entity === 'headcount')).toBe(true);
    expect(await h.store.checkpoints.get('test-headcount')).toBe(h.data.changes.length);
    const complete = await h.run('full');
    expect(complete.changes.map((c) => `${c.action} ${c.entity}/${c.key}`)).toEqual(['deactivate department/YRD']);
    expect(h.probe.effects.length).toBe(before + partial.changes.length + 1);
  });

  it("a mover's trail names both headcount writes: the center they left (down) and the one they joined (up)", async () => {
    h = engineHarness({ count: 20 });
    await h.run('full');
    const mover = [...h.data.records.values()].find((r) => r.data.department === 'Yard' && r.data.active !== false);
    if (!mover) throw new Error('the fixture has no active Yard employee');
    const written = async (): Promise<string[]> => {
      const trail: string[] = [];
      for await (const e of h.store.audit.query({ pipeline: 'test-headcount', recordKey: mover.key })) if (e.stage === 'written') trail.push(e.recordKey);
      return trail;
    };
    const before = await written();
    editRecord(h.data, mover.key, { department: 'Sales' });
    const moved = await h.run('changed-since');
    const headcounts = moved.changes.filter((c) => c.entity === 'headcount').map((c) => `headcount/${c.key}`);
    expect(headcounts).toHaveLength(2);
    const after = await written();
    expect(after.slice(before.length).sort()).toEqual([...headcounts].sort());
  });

  it('an employee moving to an unmapped department is quarantined, the mirror keeps the last good version, and replay heals it after the row is added', async () => {
    h = engineHarness({ count: 20 });
    await h.run('full');
    const good = await h.store.mirror.get('test-headcount', '2');
    editRecord(h.data, '2', { department: 'Showroom' });
    const run = await h.run('changed-since');
    expect(run.summary.quarantined).toEqual({ MLC_MAPPING_UNMAPPED: 1 });
    expect(run.summary.exitCode).toBe(1);
    expect(run.changes).toEqual([]);
    expect(await h.store.mirror.get('test-headcount', '2')).toEqual(good);
    const [entry] = await h.store.quarantine.list({ code: 'MLC_MAPPING_UNMAPPED' });
    expect(entry).toMatchObject({ recordKey: '2', cause: expect.stringContaining("department 'Showroom'") });

    const table = join(h.dir, 'departments.yaml');
    writeFileSync(table, `${readFileSync(table, 'utf8')}  - { from: Showroom, to: SHW, description: Showroom }\n`);
    const replay = await h.run('keys', { keys: ['2'], replay: true });
    expect(replay.summary.exitCode).toBe(0);
    expect(replay.changes.map((c) => `${c.action} ${c.entity}/${c.key}`)).toEqual(['create department/SHW', 'update headcount/DRV-03', 'create headcount/SHW-03']);
    expect(await h.store.quarantine.list({})).toEqual([]);
    const trail = [];
    for await (const event of h.store.audit.query({ recordKey: '2' })) trail.push(event.stage);
    expect(trail).toEqual(expect.arrayContaining(['read', 'mapped', 'quarantined', 'released', 'written']));
  });

  it('a locked item is retried within the retry policy, then kept pending with its attempts and Retry-After, and applied by a later run', async () => {
    h = engineHarness({ count: 20 });
    h.probe.fault = (change) => (change.key === 'WHS' ? new MlcError('MLC_REMOTE_UNAVAILABLE', 'record locked', { retryAfterMs: 50 }) : undefined);
    const run = await h.run('full');
    expect(run.summary.pending).toBe(1);
    expect(run.summary.exitCode).toBe(1);
    expect(await h.store.pending.list('test-headcount')).toEqual([expect.objectContaining({ key: 'WHS', attempts: 3, retryAfterMs: 50 })]);
    expect(h.sleeps).toEqual([50, 50]);
    h.probe.fault = undefined;
    const next = await h.run('changed-since');
    expect(next.changes.map((c) => `${c.action} ${c.entity}/${c.key}`)).toEqual(['create department/WHS']);
    expect(await h.store.pending.list('test-headcount')).toEqual([]);
  });

  it('a rejected change is quarantined alone; a config error stops the run with nothing committed', async () => {
    h = engineHarness({ count: 20 });
    h.probe.fault = (change) => (change.key === 'SLS' ? new MlcError('MLC_REMOTE_REJECTED', 'description too long') : undefined);
    const run = await h.run('full');
    expect(run.summary.quarantined).toEqual({ MLC_REMOTE_REJECTED: 1 });
    expect((await h.store.quarantine.list({}))[0]).toMatchObject({ recordKey: 'department/SLS', sourceKeys: expect.arrayContaining(['3']) });
    // Held in quarantine: the next run does not send it again until it is replayed.
    const next = await h.run('full');
    expect(next.summary.held).toBe(1);
    expect(h.probe.keysSeen.filter((k) => k === run.changes.find((c) => c.key === 'SLS')?.idempotencyKey)).toHaveLength(1);

    h.probe.fault = () => new MlcError('MLC_REMOTE_AUTH', 'bad key');
    editRecord(h.data, '1', { location: '03' });
    const checkpoint = await h.store.checkpoints.get('test-headcount');
    await expect(h.run('changed-since')).rejects.toMatchObject({ code: 'MLC_REMOTE_AUTH' });
    expect(await h.store.checkpoints.get('test-headcount')).toBe(checkpoint);
  });

  it('plan computes the changes and writes nothing', async () => {
    h = engineHarness({ count: 20 });
    const plan = await h.run('full', { plan: true });
    expect(plan.changes.length).toBeGreaterThan(0);
    expect(effectsOf(h)).toEqual([]);
    expect(await h.store.mirror.all('test-headcount')).toEqual([]);
    expect(await h.store.checkpoints.get('test-headcount')).toBeUndefined();
  });

  it('a record that is not an object is quarantined alone', async () => {
    h = engineHarness({ count: 20 });
    h.data.records.set('5', { key: '5', data: ['not', 'an', 'object'] as unknown as Record<string, never> });
    const run = await h.run('full');
    expect(run.summary.quarantined).toEqual({ MLC_RECORD_NOT_OBJECT: 1 });
    expect(run.summary.kept).toBe(20 - 1 - 1);
  });
});
