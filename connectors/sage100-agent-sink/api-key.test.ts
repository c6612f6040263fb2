// The sink resolves its API key once, not per request (resolving reads and decrypts the secret store),
// and reads it again only when the agent answers 401: a key rotated in the store is picked up by the
// next request, and a revoked key nobody replaced still fails as an authentication error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change, ConnectorContext, SinkConnector } from '../../runtime/index.ts';
import { createFakeContext, type FakeContext } from '../../test/support/fake-context.ts';
import { startSinkAgent, type SinkAgent } from '../../test/support/sage100-agent.ts';
import { sage100AgentSink } from './index.ts';

const signal = new AbortController().signal;

function subAccount(code: string): Change {
  return { entity: 'subAccount', key: `department:${code}`, action: 'create', after: { segment: 'department', code, description: `Dept ${code}`, active: true }, idempotencyKey: `api-key:${code}` };
}

describe('sage100-agent-sink API key', () => {
  let agent: SinkAgent;
  beforeAll(async () => {
    agent = await startSinkAgent();
  });
  afterAll(() => agent.stop());

  /** A sink using `key`, whose context counts the key's resolutions. */
  async function countingSink(key = agent.t.clientKey): Promise<{ sink: SinkConnector; fake: FakeContext; resolved: () => number }> {
    const fake = createFakeContext({ secrets: { ...agent.secrets(), 'agent-key': key } });
    let count = 0;
    const secrets: ConnectorContext['secrets'] = {
      ...fake.context.secrets,
      resolve: (reference) => {
        if (reference === '${secret:agent-key}') count++;
        return fake.context.secrets.resolve(reference);
      },
    };
    const sink = await sage100AgentSink.create(Object.freeze(agent.config()), { ...fake.context, secrets });
    return { sink, fake, resolved: () => count };
  }

  const statusesSince = (from: number): number[] => agent.requests.slice(from).map((r) => r.status);

  it('resolves the key once for many reads and writes', async () => {
    const { sink, resolved } = await countingSink();
    try {
      for (let i = 0; i < 3; i++) await sink.readActual('subAccount', ['department:KA1'], { signal });
      const results = await sink.apply([subAccount('KA1'), subAccount('KA2'), subAccount('KA3')], { signal, drift: 'report' });
      expect(results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
      expect(resolved()).toBe(1);
    } finally {
      await sink.close?.();
    }
  });

  it('reads the key again after a 401 and sends the request once more with the rotated key', async () => {
    const first = agent.t.agent.keys.add('rotating client');
    const { sink, fake, resolved } = await countingSink(first.key);
    try {
      await sink.readActual('subAccount', ['department:KB1'], { signal });
      // Rotation: a new key at the agent, stored for the runtime, the old one revoked.
      const rotated = agent.t.agent.keys.add('rotated client').key;
      fake.secrets.set('agent-key', rotated);
      expect(agent.t.agent.keys.revoke(first.id)).toBe(true);
      const from = agent.requests.length;
      const results = await sink.apply([subAccount('KB1')], { signal, drift: 'report' });
      expect(results.map((r) => r.status)).toEqual(['applied']);
      expect(statusesSince(from)).toEqual([401, 201]);
      expect(resolved()).toBe(2);
      // The rotated key is held from now on: no more 401s, no more resolutions.
      const after = agent.requests.length;
      await sink.readActual('subAccount', ['department:KB1'], { signal });
      expect(statusesSince(after).length).toBeGreaterThan(0);
      expect(statusesSince(after).every((s) => s === 200)).toBe(true);
      expect(resolved()).toBe(2);
    } finally {
      await sink.close?.();
    }
  });

  it('fails as an authentication error when the key was revoked and not replaced', async () => {
    const revoked = agent.t.agent.keys.add('short-lived client');
    const { sink, resolved } = await countingSink(revoked.key);
    try {
      await sink.readActual('subAccount', ['department:KC1'], { signal });
      agent.t.agent.keys.revoke(revoked.id);
      await expect(sink.readActual('subAccount', ['department:KC1'], { signal })).rejects.toMatchObject({ code: 'MLC_REMOTE_AUTH' });
      expect(resolved()).toBe(2);
    } finally {
      await sink.close?.();
    }
  });
});
