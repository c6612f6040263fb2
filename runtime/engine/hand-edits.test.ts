import { describe, expect, it } from 'vitest';
import type { ActualItem, DesiredItem, DriftPolicy, EntitySpec } from '../connectors/definition.ts';
import { itemId } from '../store/store.ts';
import { diff, idempotencyKeyFor } from './diff.ts';
import { splitHandEdits } from './hand-edits.ts';

const entities: EntitySpec[] = [{ name: 'segment', applyOrder: 1, deactivatable: true, compared: ['description', 'active'] }];
const d = (key: string, description: string): DesiredItem => ({ entity: 'segment', key, values: { description } });
const a = (key: string, description: string, active = true): ActualItem => ({ entity: 'segment', key, values: { description }, active, version: `v-${description}` });

/** committed = what the sink was last given; desired = what the run wants now; actual = what it read. */
function split(committed: DesiredItem[], desired: DesiredItem[], actual: ActualItem[], policy: DriftPolicy, sent: DesiredItem[] = []) {
  const changes = diff(desired, actual, entities, { scope: 'partial', idempotencyKey: idempotencyKeyFor('p', 'r') });
  const result = splitHandEdits(changes, new Map(committed.map((c) => [itemId(c.entity, c.key), c])), actual, entities, policy, new Map(sent.map((s) => [itemId(s.entity, s.key), s.values])));
  return { apply: result.apply.map((c) => `${c.action} ${c.key}`), edited: result.edited.map((e) => `${e.change.key}: ${e.detail}`) };
}

describe('hand edits: the sink no longer holds what it was last given', () => {
  it('report: an edited item is held back and reported; a plain change goes through', () => {
    const out = split([d('DRV', 'Drivers'), d('WHS', 'Warehouse')], [d('DRV', 'Drivers'), d('WHS', 'Warehouse 2')], [a('DRV', 'Drivers (by hand)'), a('WHS', 'Warehouse')], 'report');
    expect(out).toEqual({ apply: ['update WHS'], edited: ['DRV: changed in the sink by hand; reported, not overwritten (policy report)'] });
  });

  it('report: an item deleted or deactivated by hand is reported, not recreated or reactivated', () => {
    const out = split([d('DRV', 'Drivers'), d('YRD', 'Yard')], [d('DRV', 'Drivers'), d('YRD', 'Yard')], [a('YRD', 'Yard', false)], 'report');
    expect(out.apply).toEqual([]);
    expect(out.edited).toEqual([expect.stringMatching(/^DRV: deleted in the sink by hand/), expect.stringMatching(/^YRD: changed in the sink by hand/)]);
  });

  it('repair: the edited item is written back, and says so', () => {
    const out = split([d('DRV', 'Drivers')], [d('DRV', 'Drivers')], [a('DRV', 'Drivers (by hand)')], 'repair');
    expect(out).toEqual({ apply: ['update DRV'], edited: ['DRV: changed in the sink by hand; written back (policy repair)'] });
  });

  it('ignore: nothing is looked at; an item never given to the sink is never a hand edit', () => {
    expect(split([d('DRV', 'Drivers')], [d('DRV', 'Drivers')], [a('DRV', 'Drivers (by hand)')], 'ignore')).toEqual({ apply: ['update DRV'], edited: [] });
    expect(split([], [d('NEW', 'New')], [a('NEW', 'Old')], 'report')).toEqual({ apply: ['update NEW'], edited: [] });
  });

  it('report: values an earlier batch sent without an answer (its pending change) are our write, not a hand edit', () => {
    // Given "Drivers"; "Drivers 2" was sent, the sink took it but the answer was lost; now "Drivers 3" is wanted.
    const out = split([d('DRV', 'Drivers')], [d('DRV', 'Drivers 3')], [a('DRV', 'Drivers 2')], 'report', [d('DRV', 'Drivers 2')]);
    expect(out).toEqual({ apply: ['update DRV'], edited: [] });
    expect(split([d('DRV', 'Drivers')], [d('DRV', 'Drivers 3')], [a('DRV', 'Drivers (by hand)')], 'report', [d('DRV', 'Drivers 2')]).apply).toEqual([]);
  });
});
