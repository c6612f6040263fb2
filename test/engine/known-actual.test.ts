// With a sink that refuses stale versions, a partial run writes over the state it remembers from its
// last write instead of reading first; a hand edit is still found (by the refusal), reported and not
// overwritten, and the next run reads the item again. Plans and complete runs always read.
import { afterEach, describe, expect, it } from 'vitest';
import { editRecord } from '../support/test-connectors.ts';
import { engineHarness, type EngineHarness } from '../support/engine-harness.ts';

let h: EngineHarness;
afterEach(async () => h?.close());

/** An active employee's key and the cost center they book to (department code - location). */
function someone(h: EngineHarness, department: string): { key: string; location: string } {
  const record = [...h.data.records.values()].find((r) => r.data.department === department && r.data.status === 'Active');
  if (!record) throw new Error(`the fixture has no active employee in ${department}`);
  return { key: record.key, location: String(record.data.location) };
}

const headcountOf = (h: EngineHarness, costCenter: string): unknown =>
  h.probe.effects.filter((e) => e.entity === 'headcount' && e.key === costCenter).at(-1)?.values.headcount;

describe('writing over the remembered state', () => {
  it('a move is written without reading the sink; every write names the version it goes over', async () => {
    h = engineHarness({ count: 40, conditional: true });
    await h.run('full');
    expect(h.probe.reads).toEqual(['department:all', 'headcount:all']);
    const mover = someone(h, 'Yard');
    const before = h.probe.reads?.length;
    editRecord(h.data, mover.key, { department: 'Sales' });
    const moved = await h.run('keys', { keys: [mover.key] });
    expect(h.probe.reads).toHaveLength(before ?? 0);
    expect(moved.changes.map((c) => `${c.action} ${c.entity}/${c.key}`).sort()).toEqual([`update headcount/SLS-${mover.location}`, `update headcount/YRD-${mover.location}`]);
    expect(moved.changes.every((c) => c.expectedVersion !== undefined)).toBe(true);
    expect(moved.summary).toMatchObject({ drift: 0, exitCode: 0 });
    expect(moved.summary.written.headcount?.update).toBe(2);
    // What the sink now holds is what the store remembers, version included.
    const remembered = (await h.store.actual.all('test-headcount')).find((a) => a.key === `SLS-${mover.location}`);
    expect(remembered?.values.headcount).toBe(headcountOf(h, `SLS-${mover.location}`));
    expect(remembered?.version).toBe(String(h.probe.effects.filter((e) => e.key === `SLS-${mover.location}`).length));
  });

  it('a hand edit is refused, reported and remembered; the next run reads the item and still leaves it alone', async () => {
    h = engineHarness({ count: 40, conditional: true });
    await h.run('full');
    const first = someone(h, 'Yard');
    const center = `SLS-${first.location}`;
    h.probe.effects.push({ idempotencyKey: 'by-hand', entity: 'headcount', key: center, action: 'update', values: { costCenter: center, headcount: 99 } });
    editRecord(h.data, first.key, { department: 'Sales' });
    const refused = await h.run('keys', { keys: [first.key] });
    expect(refused.summary).toMatchObject({ drift: 1, exitCode: 1 });
    expect(headcountOf(h, center)).toBe(99);
    const drift: (string | undefined)[] = [];
    for await (const e of h.store.audit.query({ pipeline: 'test-headcount', recordKey: `headcount/${center}` })) if (e.stage === 'drift') drift.push(e.detail);
    expect(drift).toEqual([expect.stringMatching(/version/)]);
    expect((await h.store.actual.all('test-headcount')).find((a) => a.key === center)?.values.headcount).toBe(99);

    const second = [...h.data.records.values()].find((r) => r.data.department === 'Yard' && r.data.status === 'Active' && r.data.location === first.location && r.key !== first.key);
    if (!second) throw new Error('the fixture needs two active Yard employees at one location');
    const reads = h.probe.reads?.length ?? 0;
    editRecord(h.data, second.key, { department: 'Sales' });
    const again = await h.run('keys', { keys: [second.key] });
    // The edited item is read (the rest is still remembered) and the hand edit found before any write.
    expect(h.probe.reads?.slice(reads)).toEqual([`headcount:${center}`]);
    expect(again.summary).toMatchObject({ drift: 1, exitCode: 1 });
    expect(again.changes.map((c) => c.key).sort()).toEqual([center, `YRD-${first.location}`]);
    expect(headcountOf(h, center)).toBe(99);
  });

  it('a plan and a complete run read what the sink holds', async () => {
    h = engineHarness({ count: 40, conditional: true });
    await h.run('full');
    const mover = someone(h, 'Yard');
    editRecord(h.data, mover.key, { department: 'Sales' });
    const reads = h.probe.reads?.length ?? 0;
    await h.run('keys', { keys: [mover.key], plan: true });
    expect(h.probe.reads?.slice(reads)).toEqual([`headcount:SLS-${mover.location},YRD-${mover.location}`]);
    await h.run('full');
    expect(h.probe.reads?.slice(reads + 1)).toEqual(['department:all', 'headcount:all']);
  });
});
