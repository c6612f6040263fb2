// plan-10k: time to plan 10,000 employees with nothing to change (after a run applied them), beside
// the time just to read them from the source, in one run. Also reports RSS with the mirror loaded
// (mirror-rss is the same figure measured on its own, see mirror-rss.bench.ts).
import { engineHarness } from '../test/support/engine-harness.ts';

const h = engineHarness({ count: 10_000 });
await h.run('full');
const opened = await import('../test/support/test-connectors.ts');
const source = await opened.testSourceDefinition(h.data).create({ count: 10_000, pageSize: 500 }, undefined as never);
let started = performance.now();
let read = 0;
for await (const page of source.readAll({ signal: new AbortController().signal })) read += page.records.length;
const readMs = performance.now() - started;
started = performance.now();
const plan = await h.run('full', { plan: true });
const planMs = performance.now() - started;
await h.close();
process.stdout.write(`${JSON.stringify({ bench: 'plan-10k', employees: read, changes: plan.changes.length, planMs: Math.round(planMs), readMs: Math.round(readMs), rssMb: Math.round(process.memoryUsage().rss / 1048576) })}\n`);
