import { describe, expect, it } from 'vitest';
import type { ActualItem, DesiredItem, EntitySpec } from '../connectors/definition.ts';
import { diff, idempotencyKeyFor, type Scope } from './diff.ts';

const entities: EntitySpec[] = [
  { name: 'segment', applyOrder: 1, deactivatable: true, compared: ['description', 'active'] },
  { name: 'account', applyOrder: 2, deactivatable: true, compared: ['description'] },
  { name: 'headcount', applyOrder: 3, deactivatable: false, compared: ['headcount'] },
];
const key = idempotencyKeyFor('p', 'run-1');
const d = (entity: string, k: string, values: DesiredItem['values']): DesiredItem => ({ entity, key: k, values });
const a = (entity: string, k: string, values: ActualItem['values'], active = true, version = 'v1'): ActualItem => ({ entity, key: k, values, active, version });
const run = (desired: DesiredItem[], actual: ActualItem[], scope: Scope) => diff(desired, actual, entities, { scope, idempotencyKey: key }).map((c) => `${c.action} ${c.entity}/${c.key}`);

describe('diff: desired × actual × scope → changes', () => {
  const table: { name: string; desired: DesiredItem[]; actual: ActualItem[]; scope: Scope; expected: string[] }[] = [
    { name: 'nothing on either side', desired: [], actual: [], scope: 'complete', expected: [] },
    { name: 'missing item is created', desired: [d('segment', 'WHS', { description: 'Warehouse' })], actual: [], scope: 'partial', expected: ['create segment/WHS'] },
    { name: 'equal item: no change', desired: [d('segment', 'WHS', { description: 'Warehouse' })], actual: [a('segment', 'WHS', { description: 'Warehouse' })], scope: 'complete', expected: [] },
    { name: 'a compared field differs: update', desired: [d('segment', 'WHS', { description: 'Warehouse 2' })], actual: [a('segment', 'WHS', { description: 'Warehouse' })], scope: 'partial', expected: ['update segment/WHS'] },
    { name: 'an uncompared field differs: no change', desired: [d('account', '1', { description: 'x', note: 'new' })], actual: [a('account', '1', { description: 'x', note: 'old' })], scope: 'complete', expected: [] },
    { name: 'key order does not matter', desired: [d('headcount', 'c', { headcount: 2, costCenter: { a: '1', b: '2' } })], actual: [a('headcount', 'c', { costCenter: { b: '2', a: '1' }, headcount: 2 })], scope: 'complete', expected: [] },
    { name: 'inactive item wanted again is reactivated', desired: [d('segment', 'WHS', { description: 'Warehouse' })], actual: [a('segment', 'WHS', { description: 'Warehouse' }, false)], scope: 'partial', expected: ['update segment/WHS'] },
    { name: 'partial run never deactivates the absent', desired: [], actual: [a('segment', 'OLD', { description: 'Old' })], scope: 'partial', expected: [] },
    { name: 'complete run deactivates the absent', desired: [], actual: [a('segment', 'OLD', { description: 'Old' })], scope: 'complete', expected: ['deactivate segment/OLD'] },
    { name: 'complete run leaves an already inactive item alone', desired: [], actual: [a('segment', 'OLD', { description: 'Old' }, false)], scope: 'complete', expected: [] },
    { name: 'complete run never deactivates a non-deactivatable entity', desired: [], actual: [a('headcount', 'c', { headcount: 3 })], scope: 'complete', expected: [] },
    {
      name: 'writes in apply order; deactivations after, in reverse apply order',
      desired: [d('headcount', 'c', { headcount: 1 }), d('account', '1', { description: 'a' }), d('segment', 'B', { description: 'b' })],
      actual: [a('segment', 'Z', { description: 'z' }), a('account', '9', { description: 'z' })],
      scope: 'complete',
      expected: ['create segment/B', 'create account/1', 'create headcount/c', 'deactivate account/9', 'deactivate segment/Z'],
    },
  ];
  for (const row of table) it(row.name, () => expect(run(row.desired, row.actual, row.scope)).toEqual(row.expected));

  it('re-applying the same desired state gives zero changes', () => {
    const desired = [d('segment', 'WHS', { description: 'Warehouse' }), d('headcount', '10-WHS-01', { headcount: 4 })];
    const changes = diff(desired, [], entities, { scope: 'complete', idempotencyKey: key });
    const applied: ActualItem[] = changes.map((c) => ({ entity: c.entity, key: c.key, values: c.after ?? {}, active: true }));
    expect(diff(desired, applied, entities, { scope: 'complete', idempotencyKey: key })).toEqual([]);
  });

  it('carries before, after and the version read for a conditional write', () => {
    const [change] = diff([d('segment', 'WHS', { description: 'New' })], [a('segment', 'WHS', { description: 'Old' }, true, 'etag-7')], entities, { scope: 'partial', idempotencyKey: key });
    expect(change).toMatchObject({ before: { description: 'Old', active: true }, after: { description: 'New' }, expectedVersion: 'etag-7' });
  });

  it('idempotency keys are stable within a batch and depend on what is written and by which batch', () => {
    const keyOf = (description: string, idempotencyKey = key) => diff([d('segment', 'WHS', { description })], [], entities, { scope: 'partial', idempotencyKey })[0]?.idempotencyKey;
    const once = keyOf('W');
    expect(keyOf('W', idempotencyKeyFor('p', 'run-1'))).toBe(once);
    // The same values written again by a later batch (a value going back and forth) is a new write.
    const later = keyOf('W', idempotencyKeyFor('p', 'run-2'));
    expect(new Set([once, keyOf('X'), keyOf('W', idempotencyKeyFor('q', 'run-1')), later]).size).toBe(4);
  });

  it('an item for an entity the sink does not have is a defect, not a silent skip', () => {
    expect(() => diff([d('nope', 'x', {})], [], entities, { scope: 'partial', idempotencyKey: key })).toThrow(/entity the sink does not have/);
  });
});
