// The bad inputs, each over real HTTPS against the agent (sim backend): what the sink refuses
// before any request, what it quarantines, what stops the pipeline, and what it leaves for later.
import { readFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change, ChangeResult } from '../../runtime/index.ts';
import { generateCertificateAuthority, generateClientCertificate, generateSelfSigned, startFront, startSinkAgent, type SinkAgent } from '../../test/support/sage100-agent.ts';

const signal = new AbortController().signal;

function subAccountChange(code: string, description: string, n = 0): Change {
  return {
    entity: 'subAccount',
    key: `department:${code}`,
    action: 'create',
    after: { segment: 'department', code, description, active: true },
    idempotencyKey: `bad-input:subAccount:department:${code}:${n}`,
  };
}

function failure(result: ChangeResult | undefined): { code: string; errorClass: string; message: string; retryAfterMs?: number } {
  if (result?.status !== 'failed') throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return { code: result.error.code, errorClass: result.error.errorClass, message: result.error.message, ...(result.error.retryAfterMs !== undefined ? { retryAfterMs: result.error.retryAfterMs } : {}) };
}

describe('sage100-agent-sink bad input (agent, sim, HTTPS)', () => {
  let agent: SinkAgent;
  beforeAll(async () => {
    agent = await startSinkAgent();
  });
  afterAll(async () => {
    await agent.stop();
  });

  it('a code too long, or with characters its segment forbids, is refused before any request, naming the rule', async () => {
    const { sink } = await agent.sink();
    const before = agent.requests.length;
    const results = await sink.apply(
      [
        subAccountChange('WHSE', 'Too long for AAA'),
        subAccountChange('W-1', 'A dash'),
        { ...subAccountChange('X', 'Division'), key: 'division:1A', after: { segment: 'division', code: '1A', description: 'Not numeric' } },
      ],
      { signal, drift: 'report' },
    );
    expect(agent.requests.length).toBe(before);
    expect(results.map((r) => failure(r).code)).toEqual(['MLC_SINK_CODE_FORMAT', 'MLC_SINK_CODE_FORMAT', 'MLC_SINK_CODE_FORMAT']);
    expect(results.map((r) => failure(r).errorClass)).toEqual(['bad-record', 'bad-record', 'bad-record']);
    expect(failure(results[0]).message).toMatch(/segment 'department' \(at most 3 characters\)/);
    expect(failure(results[1]).message).toMatch(/alphanumeric: letters and digits only/);
    expect(failure(results[2]).message).toMatch(/segment 'division' \(numeric: digits only/);
    await sink.close?.();
  });

  it("a description longer than its column is quarantined with the agent's field and rule", async () => {
    const { sink } = await agent.sink();
    const [result] = await sink.apply([subAccountChange('LNG', 'x'.repeat(41))], { signal, drift: 'report' });
    expect(failure(result)).toMatchObject({ code: 'MLC_REMOTE_REJECTED', errorClass: 'bad-record' });
    expect(failure(result).message).toMatch(/validation_failed: .*field description \(maxLength\)/);
    await sink.close?.();
  });

  it('an unknown company: check names it, a write stops the pipeline (config)', async () => {
    const { sink } = await agent.sink(agent.config({ company: 'XYZ' }));
    const check = await sink.check!({ signal });
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/^unknown company: the agent does not serve 'XYZ' \(it serves KBS\)/);
    const [result] = await sink.apply([subAccountChange('NEW', 'New')], { signal, drift: 'report' });
    expect(failure(result)).toMatchObject({ code: 'MLC_REMOTE_UNKNOWN_SCOPE', errorClass: 'config' });
    await expect(sink.readActual('account', 'all', { signal })).rejects.toMatchObject({ code: 'MLC_REMOTE_UNKNOWN_SCOPE' });
    await sink.close?.();
  });

  it('a wrong API key: "key refused", config class, not retried', async () => {
    const { sink, fake } = await agent.sink(undefined, { secrets: { 'agent-key': 'mlc_not-a-key' } });
    const check = await sink.check!({ signal });
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/^key refused: .*unauthorized/);
    const [result] = await sink.apply([subAccountChange('KEY', 'Key')], { signal, drift: 'report' });
    expect(failure(result)).toMatchObject({ code: 'MLC_REMOTE_AUTH', errorClass: 'config' });
    expect(fake.sleeps).toEqual([]);
    await sink.close?.();
  });

  it('a record locked for good: bounded retries with Retry-After, that change left for later, all others applied', async () => {
    const { sink, fake } = await agent.sink(agent.config({ writeAttempts: 3 }));
    // Sage locks records that exist: three updates, the middle one held open by another user for good.
    const keys = ['department:ADM', 'department:OPS', 'department:SLS'];
    const actual = await sink.readActual('subAccount', keys, { signal });
    const update = (key: string, n: number): Change => {
      const found = actual.find((a) => a.key === key)!;
      return { entity: 'subAccount', key, action: 'update', before: found.values, after: { ...found.values, description: `Locked test ${n}` }, idempotencyKey: `lock:${key}:${n}`, ...(found.version ? { expectedVersion: found.version } : {}) };
    };
    agent.t.agent.sim!.lock({ company: 'KBS', table: 'GL_SubAccount', key: ['03', 'OPS'] }, null);
    const results = await sink.apply(keys.map((k) => update(k, 1)), { signal, drift: 'report' });
    expect(results.map((r) => r.status)).toEqual(['applied', 'failed', 'applied']);
    expect(failure(results[1])).toMatchObject({ code: 'MLC_REMOTE_UNAVAILABLE', errorClass: 'transient' });
    expect(failure(results[1]).message).toMatch(/record_locked/);
    expect(failure(results[1]).retryAfterMs).toBeGreaterThan(0);
    // Two waits between three attempts, each the agent's Retry-After.
    expect(fake.sleeps).toEqual([failure(results[1]).retryAfterMs, failure(results[1]).retryAfterMs]);
    agent.t.agent.sim!.unlock({ company: 'KBS', table: 'GL_SubAccount', key: ['03', 'OPS'] });
    const [later] = await sink.apply([update('department:OPS', 1)], { signal, drift: 'report' });
    expect(later?.status).toBe('applied');
    await sink.close?.();
  });

  it('the connection dropped mid-response: the retry carries the same Idempotency-Key, one effect', async () => {
    const pair = { cert: readFileSync(join(agent.t.dir, 'agent-cert.pem'), 'utf8'), key: readFileSync(join(agent.t.dir, 'agent-key.pem'), 'utf8') };
    let dropped = 0;
    const front = await startFront({ url: agent.t.agent.url, ca: agent.t.agent.certificate }, pair, (method) => (method === 'PUT' && dropped++ === 0 ? 'drop' : 'pass'));
    try {
      const { sink, fake } = await agent.sink(agent.config({ url: front.url }));
      const before = agent.effects().length;
      const [result] = await sink.apply([subAccountChange('DRP', 'Dropped once')], { signal, drift: 'report' });
      expect(result?.status).toBe('applied');
      expect(fake.sleeps.length).toBe(1);
      const puts = agent.requests.filter((r) => r.path.endsWith('/values/DRP'));
      expect(puts.map((r) => `${r.status} ${r.replayed ? 'replayed' : 'new'}`)).toEqual(['201 new', '201 replayed']);
      expect(agent.effects().length - before).toBe(1);
      await sink.close?.();
    } finally {
      await front.close();
    }
  });

  it('a 10 MB response is refused without reading it into memory', async () => {
    const pair = { cert: readFileSync(join(agent.t.dir, 'agent-cert.pem'), 'utf8'), key: readFileSync(join(agent.t.dir, 'agent-key.pem'), 'utf8') };
    const huge = Buffer.from(`{"items":[${'"x",'.repeat(2_621_440)}"x"],"nextCursor":null}`);
    expect(huge.length).toBeGreaterThan(10 * 1024 * 1024);
    const front = await startFront({ url: agent.t.agent.url, ca: agent.t.agent.certificate }, pair, (_method, path) => (path.includes('/accounts') ? { body: huge } : 'pass'));
    try {
      const { sink } = await agent.sink(agent.config({ url: front.url }));
      await expect(sink.readActual('account', 'all', { signal })).rejects.toMatchObject({ code: 'MLC_REMOTE_RESPONSE_TOO_LARGE', errorClass: 'config' });
      await sink.close?.();
    } finally {
      await front.close();
    }
  });

  it('a man in the middle with a same-name certificate is refused, showing both fingerprints (CA trust and pin alone)', async () => {
    const impostor = await generateSelfSigned('ml-connector-agent', ['localhost', '127.0.0.1']);
    const front = await startFront({ url: agent.t.agent.url, ca: agent.t.agent.certificate }, impostor);
    const before = agent.requests.length;
    try {
      const configs = [
        agent.config({ url: front.url }),
        agent.config({ url: front.url, tls: { fingerprint256: agent.t.agent.fingerprint256 } }),
        agent.config({ url: front.url, tls: { ca: '${secret:agent-ca}', fingerprint256: agent.t.agent.fingerprint256 } }),
      ];
      let accepted = 0;
      for (const config of configs) {
        const { sink } = await agent.sink(config);
        const check = await sink.check!({ signal });
        if (check.ok) accepted += 1;
        expect(check.detail).toMatch(/^certificate mismatch: /);
        expect(check.detail.replace(/:/g, '')).toContain(agent.t.agent.fingerprint256);
        expect(check.facts?.certificateSha256).toBeDefined();
        expect(check.facts?.certificateSha256).not.toBe(agent.t.agent.fingerprint256);
        expect(check.detail.replace(/:/g, '')).toContain(String(check.facts?.certificateSha256));
        await sink.close?.();
      }
      expect(accepted).toBe(0);
      expect(agent.requests.length).toBe(before);
    } finally {
      await front.close();
    }
  });
});

describe('sage100-agent-sink mutual TLS (agent, sim, HTTPS)', () => {
  it('a client certificate from the configured CA is accepted; one from another CA is refused', async () => {
    const ca = await generateCertificateAuthority('KBS integration CA');
    const good = await generateClientCertificate(ca, 'ml-connector runtime');
    const foreign = await generateClientCertificate(await generateCertificateAuthority('Somebody else CA'), 'ml-connector runtime');
    const agent = await startSinkAgent({ clientCa: ca.cert });
    try {
      const config = agent.config({ auth: { mtls: { cert: '${secret:client-cert}', key: '${secret:client-key}' } } });
      const ok = await agent.sink(config, { secrets: { 'client-cert': good.cert, 'client-key': good.key } });
      expect((await ok.sink.check!({ signal })).ok).toBe(true);
      await ok.sink.close?.();
      const refused = await agent.sink(config, { secrets: { 'client-cert': foreign.cert, 'client-key': foreign.key } });
      const check = await refused.sink.check!({ signal });
      expect(check.ok).toBe(false);
      expect(check.detail).toMatch(/^(unreachable|key refused): /);
      await refused.sink.close?.();
    } finally {
      await agent.stop();
    }
  });
});

describe('sage100-agent-sink across an agent restart (sim, HTTPS)', () => {
  it('an agent restarted mid-batch: every change ends applied or pending, and each took effect exactly once', async () => {
    const port = await freePort();
    const agent = await startSinkAgent({ port });
    try {
      // Real waits (backoff from 500 ms) so the client can outlast the restart.
      const { sink } = await agent.sink(undefined, { realSleep: true });
      const changes = Array.from({ length: 20 }, (_, i) => subAccountChange(`R${String(i).padStart(2, '0')}`, `Restart ${i}`));
      const running = sink.apply(changes, { signal, drift: 'report' });
      await agent.whenEffects(5);
      await agent.t.restart();
      const results = await running;
      expect(results.every((r) => r.status === 'applied' || (r.status === 'failed' && r.error.errorClass === 'transient'))).toBe(true);
      const pending = results.filter((r) => r.status === 'failed').map((r) => r.change);
      const retried = await sink.apply(pending, { signal, drift: 'report' });
      expect(retried.map((r) => r.status)).toEqual(pending.map(() => 'applied'));
      const effects = agent.effects().filter((r) => /\/values\/R\d\d$/.test(r.path));
      expect(effects.length).toBe(20);
      expect(new Set(effects.map((r) => r.path)).size).toBe(20);
      expect((await sink.readActual('subAccount', changes.map((c) => c.key), { signal })).length).toBe(20);
      await sink.close?.();
    } finally {
      await agent.stop();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
