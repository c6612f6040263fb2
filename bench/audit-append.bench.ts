// audit-append: cost of one durable commit of 10 audit events when the log already holds 1,000 and
// when it holds 100,000 events (append-only segments: the ratio should stay under 2).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLowdbStore } from '../runtime/store/lowdb-store.ts';
import type { AuditEvent, BatchCommit } from '../runtime/store/store.ts';

const batch = (n: number, size: number): BatchCommit => ({
  pipeline: 'bench',
  runId: 'bench',
  mirror: { upsert: [], remove: [] },
  desired: { upsert: [], remove: [] },
  actual: { upsert: [], remove: [] },
  audit: Array.from({ length: size }, (_, i): AuditEvent => ({ pipeline: 'bench', runId: 'bench', recordKey: String((n * size + i) % 5000), stage: 'mapped', at: new Date().toISOString(), pipelineVersion: 'v', after: { id: String(i), department: 'WHS', costCenter: 'WHS-01', name: 'Someone Somebody' } })),
  quarantine: { park: [], release: [] },
  pending: { set: [], clear: [] },
});

async function appendCost(existing: number): Promise<{ ms: number; queryMs: number; found: number }> {
  const store = await openLowdbStore(mkdtempSync(join(tmpdir(), 'mlc-bench-audit-')));
  for (let i = 0; i < existing / 1000; i++) await store.commit(batch(i, 1000));
  const runs = 50;
  const started = performance.now();
  for (let i = 0; i < runs; i++) await store.commit(batch(i, 10));
  const ms = (performance.now() - started) / runs;
  let found = 0;
  const queryStarted = performance.now();
  for await (const _ of store.audit.query({ recordKey: '42' })) found++;
  const queryMs = performance.now() - queryStarted;
  await store.close();
  return { ms: Number(ms.toFixed(3)), queryMs: Number(queryMs.toFixed(1)), found };
}

const at1k = await appendCost(1_000);
const at100k = await appendCost(100_000);
process.stdout.write(`${JSON.stringify({ bench: 'audit-append', msPerCommitAt1k: at1k.ms, msPerCommitAt100k: at100k.ms, ratio: Number((at100k.ms / at1k.ms).toFixed(2)), target: '< 2', recordQueryMsAt1k: at1k.queryMs, recordQueryMsAt100k: at100k.queryMs, eventsFoundAt100k: at100k.found })}\n`);
