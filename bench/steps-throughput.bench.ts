// steps-throughput: records/s through filter + 3 maps + transform (JSONata in the isolated worker,
// a page of 500 records per message), beside a hand-written function doing the same work, in one run.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonObject } from '../runtime/connectors/definition.ts';
import { IsolatedEvaluator } from '../runtime/lib/jsonata-isolated.ts';
import { loadMappingTable, type MappingTable } from '../runtime/load/mapping-table.ts';
import { expressionBindings } from '../runtime/steps/bindings.ts';
import { expressionStep, mapStep } from '../runtime/steps/record-steps.ts';
import { employee } from '../test/support/test-connectors.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const COUNT = 10_000;
const PAGE = 500;
const table = (await loadMappingTable(join(root, 'test/fixtures/engine/departments.yaml'), 'departments.yaml')).table as MappingTable;
const records = Array.from({ length: COUNT }, (_, i) => employee(i + 1).data);
const evaluator = new IsolatedEvaluator();
const context = { pipeline: 'bench', runId: 'bench', bindings: expressionBindings([table], { separator: '-' }, new Date()) };
const steps = [
  expressionStep({ id: 'f', type: 'filter', source: 'status = "Active"', timeoutMs: 1000, evaluator }),
  mapStep({ id: 'm1', table, from: 'department', to: 'segments.department', onMissing: 'quarantine' }),
  mapStep({ id: 'm2', table, from: 'department', to: 'segments.copy', onMissing: 'quarantine' }),
  mapStep({ id: 'm3', table, from: 'department', to: 'segments.third', onMissing: 'quarantine' }),
  expressionStep({ id: 't', type: 'transform', source: '{"id": id, "costCenter": segments.department & $sink.separator & location}', timeoutMs: 1000, evaluator }),
];

async function viaSteps(): Promise<number> {
  let kept = 0;
  for (let i = 0; i < COUNT; i += PAGE) {
    let page: JsonObject[] = records.slice(i, i + PAGE);
    for (const step of steps) {
      const outcomes = await step.runBatch(page, context);
      page = outcomes.flatMap((o) => (o.kind === 'keep' ? [o.record] : []));
    }
    kept += page.length;
  }
  return kept;
}

function byHand(): number {
  let kept = 0;
  for (const r of records) {
    if (r.status !== 'Active') continue;
    const code = table.lookup(String(r.department))?.to;
    if (!code) continue;
    const segments = { department: code, copy: table.lookup(String(r.department))?.to, third: table.lookup(String(r.department))?.to };
    const out = { id: r.id, costCenter: `${segments.department}-${String(r.location)}` };
    if (out.id !== undefined) kept++;
  }
  return kept;
}

await viaSteps(); // warm the worker
let started = performance.now();
const kept = await viaSteps();
const stepsMs = performance.now() - started;
started = performance.now();
for (let i = 0; i < 10; i++) byHand();
const handMs = (performance.now() - started) / 10;
await evaluator.close();
process.stdout.write(`${JSON.stringify({ bench: 'steps-throughput', records: COUNT, kept, recordsPerSecond: Math.round(COUNT / (stepsMs / 1000)), handWrittenRecordsPerSecond: Math.round(COUNT / (handMs / 1000)), ratio: Number((stepsMs / handMs).toFixed(1)) })}\n`);
