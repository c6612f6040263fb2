// The Sage 100 sink through the agent (sim backend, HTTPS on 127.0.0.1): apply a desired state for N
// cost centers (a department value, a labor account and a headcount figure each), then plan the same
// state again: the requests that second plan costs (target: at most one bulk read per entity) and its
// time, and changes applied per second by the first run. Prints one JSON line.
import { plan, startSinkAgent } from '../test/support/sage100-agent.ts';
import { sinkEntities } from '../connectors/sage100-agent-sink/entities.ts';
import type { Change, DesiredItem } from '../runtime/connectors/definition.ts';

const COST_CENTERS = Number(process.env.BENCH_COST_CENTERS ?? 1000);
const signal = new AbortController().signal;

function department(i: number): string {
  return `Q${i.toString(36).toUpperCase().padStart(2, '0')}`;
}

const desired: Record<string, DesiredItem[]> = { subAccount: [], account: [], headcount: [] };
for (let i = 0; i < COST_CENTERS; i += 1) {
  const code = department(i);
  const costCenter = { division: '10', department: code, location: '01' };
  desired.subAccount!.push({ entity: 'subAccount', key: `department:${code}`, values: { segment: 'department', code, description: `Cost center ${i}`, active: true } });
  desired.account!.push({ entity: 'account', key: `6000-10-${code}-01`, values: { mainAccount: '6000', segments: costCenter, description: `Salaries ${code}`, active: true } });
  desired.headcount!.push({ entity: 'headcount', key: `10-${code}-01@2026-11`, values: { costCenter, period: '2026-11', headcount: 1 + (i % 7) } });
}

const agent = await startSinkAgent();
try {
  const { sink } = await agent.sink();
  const entities = sinkEntities(agent.config());
  const runOnce = async (): Promise<{ changes: Change[]; readRequests: Record<string, number>; planMs: number; applyMs: number; failed: number }> => {
    const readRequests: Record<string, number> = {};
    const changes: Change[] = [];
    let planMs = 0;
    let applyMs = 0;
    let failed = 0;
    for (const entity of entities) {
      const items = desired[entity.name] ?? [];
      const before = agent.requests.length;
      const planStart = performance.now();
      const actual = await sink.readActual(entity.name, items.map((i) => i.key), { signal });
      const planned = plan(entity, items, actual);
      planMs += performance.now() - planStart;
      readRequests[entity.name] = agent.requests.length - before;
      const applyStart = performance.now();
      const results = await sink.apply(planned, { signal, drift: 'report' });
      applyMs += performance.now() - applyStart;
      failed += results.filter((r) => r.status !== 'applied').length;
      changes.push(...planned);
    }
    return { changes, readRequests, planMs, applyMs, failed };
  };
  const first = await runOnce();
  const writesBefore = agent.effects().length;
  const second = await runOnce();
  const round = (n: number): number => Math.round(n * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'sage100-apply',
      costCenters: COST_CENTERS,
      firstRunChanges: first.changes.length,
      firstRunFailed: first.failed,
      changesPerSecond: round(first.changes.length / (first.applyMs / 1000)),
      noChangePlanReadRequests: second.readRequests,
      noChangePlanRequests: Object.values(second.readRequests).reduce((a, b) => a + b, 0),
      noChangePlanMs: round(second.planMs),
      noChangeChanges: second.changes.length,
      noChangeWrites: agent.effects().length - writesBefore,
    })}\n`,
  );
  await sink.close?.();
} finally {
  await agent.stop();
}
