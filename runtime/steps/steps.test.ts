// Record and roster steps over the real isolated evaluator: outcomes keep / drop / quarantine with a
// cause, runaway and throwing expressions failing their record only, odd mapping values.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntitySpec } from '../connectors/definition.ts';
import { IsolatedEvaluator } from '../lib/jsonata-isolated.ts';
import { loadMappingTable, type MappingTable } from '../load/mapping-table.ts';
import { aggregateStep } from './aggregate.ts';
import { expressionBindings } from './bindings.ts';
import { expressionStep, mapStep } from './record-steps.ts';

const evaluator = new IsolatedEvaluator();
afterAll(() => evaluator.close());
let table: MappingTable;
const context = () => ({ pipeline: 'p', runId: 'r', bindings: expressionBindings([table], { accountFormat: { separator: '-' } }, new Date('2026-11-28T00:00:00Z')) });

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-steps-'));
  writeFileSync(join(dir, 'departments.yaml'), 'name: departments\ntarget: { segment: department }\ndefault: ZZZ\nrows:\n  - { from: Warehouse, to: WHS, description: Warehouse }\n  - { from: Sales, to: SLS, description: Sales }\n');
  const loaded = await loadMappingTable(join(dir, 'departments.yaml'), 'departments.yaml');
  table = loaded.table as MappingTable;
});

describe('map step', () => {
  it('looks values up regardless of case and surrounding spaces, writing to a dotted path', async () => {
    const step = mapStep({ id: 'dept', table, from: 'department', to: 'segments.department', onMissing: 'quarantine' });
    const [outcome] = await step.runBatch([{ department: '  wAREhouse ' }], context());
    expect(outcome).toEqual({ kind: 'keep', record: { department: '  wAREhouse ', segments: { department: 'WHS' } } });
  });

  it('onMissing: quarantine (with cause), default, skip, fail', async () => {
    const record = { department: 'Showroom' };
    const outcome = async (onMissing: 'quarantine' | 'default' | 'skip' | 'fail') => (await mapStep({ id: 'd', table, from: 'department', to: 'code', onMissing }).runBatch([record], context()))[0];
    expect(await outcome('quarantine')).toMatchObject({ kind: 'quarantine', code: 'MLC_MAPPING_UNMAPPED', reason: expect.stringContaining("department 'Showroom'") });
    expect(await outcome('default')).toEqual({ kind: 'keep', record: { department: 'Showroom', code: 'ZZZ' } });
    expect(await outcome('skip')).toEqual({ kind: 'drop', reason: 'skipped' });
    await expect(outcome('fail')).rejects.toMatchObject({ code: 'MLC_MAPPING_FAILED', errorClass: 'config' });
  });
});

describe('filter and transform steps', () => {
  it('a filter keeps a record only when the expression is true', async () => {
    const step = expressionStep({ id: 'f', type: 'filter', source: 'status = "Active"', timeoutMs: 1000, evaluator });
    const outcomes = await step.runBatch([{ status: 'Active' }, { status: 'Inactive' }, {}], context());
    expect(outcomes.map((o) => o.kind)).toEqual(['keep', 'drop', 'drop']);
  });

  it('a transform that throws, returns a non-object or runs away quarantines that record only', async () => {
    const source = 'kind = "throw" ? $error("boom") : kind = "scalar" ? 42 : kind = "loop" ? ($f := function($n){ $f($n + 1) }; $f(0)) : { "name": name, "sep": $sink.accountFormat.separator, "desc": $tables.departments.descriptions.WHS }';
    const step = expressionStep({ id: 't', type: 'transform', source, timeoutMs: 200, evaluator });
    const outcomes = await step.runBatch([{ kind: 'throw' }, { kind: 'scalar' }, { kind: 'loop' }, { name: 'Ana' }], context());
    expect(outcomes.map((o) => (o.kind === 'quarantine' ? o.code : o.kind))).toEqual(['MLC_EXPRESSION_FAILED', 'MLC_EXPRESSION_OUTPUT', 'MLC_EXPRESSION_FAILED', 'keep']);
    expect(outcomes[3]).toEqual({ kind: 'keep', record: { name: 'Ana', sep: '-', desc: 'Warehouse' } });
  });
});

describe('aggregate step', () => {
  const entities: EntitySpec[] = [{ name: 'headcount', applyOrder: 1, deactivatable: false, compared: ['headcount'], valuesSchema: { type: 'object', required: ['headcount'], additionalProperties: false, properties: { headcount: { type: 'integer', minimum: 0 } } } }];
  const roster = [{ key: '1', record: { cc: 'A' } }, { key: '2', record: { cc: 'A' } }, { key: '3', record: { cc: 'B' } }];

  it('emits desired items with their source keys', async () => {
    const source = '($r := $; [$distinct($r.cc).($c := $; {"entity": "headcount", "key": $c, "values": {"headcount": $count($r[cc = $c])}, "sourceKeys": $r[cc = $c].id})])';
    const step = aggregateStep({ id: 'hc', source, timeoutMs: 1000, evaluator, entities });
    const items = await step.run(roster.map((r) => ({ key: r.key, record: { ...r.record, id: r.key } })), context());
    expect(items).toEqual([
      { entity: 'headcount', key: 'A', values: { headcount: 2 }, lineage: { sourceKeys: ['1', '2'], step: 'hc' } },
      { entity: 'headcount', key: 'B', values: { headcount: 1 }, lineage: { sourceKeys: ['3'], step: 'hc' } },
    ]);
  });

  it('keeps lineage as a set: sorted, each key once, however the expression gathered it', async () => {
    const source = '{"entity": "headcount", "key": "all", "values": {"headcount": 3}, "sourceKeys": ["3", "1", "3", "2"]}';
    const [item] = await aggregateStep({ id: 'hc', source, timeoutMs: 1000, evaluator, entities }).run(roster, context());
    expect(item?.lineage?.sourceKeys).toEqual(['1', '2', '3']);
  });

  it('refuses what the sink would not accept, naming the problem', async () => {
    const run = (source: string) => aggregateStep({ id: 'hc', source, timeoutMs: 1000, evaluator, entities }).run(roster, context());
    await expect(run('[{"entity": "nope", "key": "x", "values": {}}]')).rejects.toThrow(/entity "nope" is not one of the sink's: headcount/);
    await expect(run('[{"entity": "headcount", "key": "x", "values": {"headcount": -1}}]')).rejects.toThrow(/values\/headcount must be >= 0/);
    await expect(run('[{"entity": "headcount", "values": {"headcount": 1}}]')).rejects.toThrow(/has no key/);
    await expect(run('[1, 2]')).rejects.toMatchObject({ code: 'MLC_AGGREGATE_OUTPUT' });
  });
});
