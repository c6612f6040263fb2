// The sink's writes of one apply call overlap (a few at once) over real HTTPS against the agent, and
// the results keep the changes' order even when one in the middle is refused. Overlap is counted from
// undici's own request events (requests started and not yet answered), not from time.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../runtime/index.ts';
import { startSinkAgent, type SinkAgent } from '../../test/support/sage100-agent.ts';
import { APPLY_CONCURRENCY } from './sink.ts';

const signal = new AbortController().signal;
const DEPARTMENTS = ['CA1', 'CA2', 'CA3', 'CA4', 'CA5', 'CA6'];

function subAccount(code: string, key = `department:${code}`): Change {
  return { entity: 'subAccount', key, action: 'create', after: { segment: 'department', code, description: `Dept ${code}`, active: true }, idempotencyKey: `concurrency:${key}` };
}

describe('sage100-agent-sink apply concurrency', () => {
  let agent: SinkAgent;
  beforeAll(async () => {
    agent = await startSinkAgent();
  });
  afterAll(() => agent.stop());

  it(`keeps up to ${APPLY_CONCURRENCY} writes in flight and answers in the changes' order, a refused one in the middle included`, async () => {
    const { sink } = await agent.sink();
    // A Sage call takes a while, so the writes are still open when the next ones start.
    agent.t.agent.sim?.setFaults({ latencyMs: 30 });
    let open = 0;
    let most = 0;
    const started = (): void => {
      open++;
      most = Math.max(most, open);
    };
    const ended = (): void => void open--;
    subscribe('undici:request:create', started);
    subscribe('undici:request:trailers', ended);
    subscribe('undici:request:error', ended);
    try {
      // The fourth change names a code longer than the segment: refused before any request, as bad-record.
      const changes = [...DEPARTMENTS.slice(0, 3).map((c) => subAccount(c)), subAccount('TOOLONG'), ...DEPARTMENTS.slice(3).map((c) => subAccount(c))];
      const results = await sink.apply(changes, { signal, drift: 'report' });
      expect(results.map((r) => r.change.key)).toEqual(changes.map((c) => c.key));
      expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'failed', 'applied', 'applied', 'applied']);
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(APPLY_CONCURRENCY);
      expect(open).toBe(0);
      const actual = await sink.readActual('subAccount', DEPARTMENTS.map((c) => `department:${c}`), { signal });
      expect(actual.map((a) => a.key).sort()).toEqual(DEPARTMENTS.map((c) => `department:${c}`).sort());
    } finally {
      unsubscribe('undici:request:create', started);
      unsubscribe('undici:request:trailers', ended);
      unsubscribe('undici:request:error', ended);
      agent.t.agent.sim?.setFaults({ latencyMs: 0 });
      await sink.close?.();
    }
  });
});
