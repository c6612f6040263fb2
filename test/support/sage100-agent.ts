// For the Sage 100 sink's tests and bench: the agent with the sim backend over real HTTPS on 127.0.0.1,
// its request log (the write log that proves "one effect"), a sink config for it, and a small plan
// (desired vs actual by compared fields) standing in for the runtime's diff.
import { createHash } from 'node:crypto';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { startTestAgent, tempDir, type TestAgent } from '../../agent/test-support.ts';
import type { AgentOptions } from '../../agent/index.ts';
import type { ActualItem, Change, DesiredItem, EntitySpec, SinkConnector } from '../../runtime/connectors/definition.ts';
import { createLogger } from '../../runtime/lib/log.ts';
import { sage100AgentSink } from '../../connectors/sage100-agent-sink/index.ts';
import type { Sage100AgentSinkConfig } from '../../connectors/sage100-agent-sink/config.ts';
export { generateCertificateAuthority, generateClientCertificate, generateSelfSigned } from '../../runtime/lib/self-signed.ts';
import { createFakeContext, type FakeContext, type FakeContextOptions } from './fake-context.ts';

export interface AgentRequest {
  method: string;
  path: string;
  status: number;
  code?: string;
  replayed?: boolean;
}

export interface SinkAgent {
  t: TestAgent;
  /** Every request the agent answered, in order. */
  requests: AgentRequest[];
  /** Writes that took effect (not replays, not refusals, not admin calls). */
  effects(): AgentRequest[];
  /** Resolves once the agent has answered this many writes that took effect (counted from its start). */
  whenEffects(count: number): Promise<void>;
  config(overrides?: Partial<Sage100AgentSinkConfig>): Sage100AgentSinkConfig;
  secrets(): Record<string, string>;
  sink(config?: Sage100AgentSinkConfig, context?: FakeContextOptions): Promise<{ sink: SinkConnector; fake: FakeContext }>;
  stop(): Promise<void>;
}

export const KBS_FORMAT: Sage100AgentSinkConfig['accountFormat'] = {
  separator: '-',
  segments: [
    { name: 'main', length: 4, type: 'numeric' },
    { name: 'division', length: 2, type: 'numeric' },
    { name: 'department', length: 3, type: 'alphanumeric' },
    { name: 'location', length: 2, type: 'numeric' },
  ],
};

export async function startSinkAgent(options: Partial<AgentOptions> = {}): Promise<SinkAgent> {
  const requests: AgentRequest[] = [];
  const waiters: Array<{ count: number; resolve(): void }> = [];
  const isEffect = (r: AgentRequest): boolean => (r.method === 'PUT' || r.method === 'POST') && !r.path.includes('/_admin/') && r.status < 300 && !r.replayed;
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg !== 'request') continue;
        requests.push(entry as unknown as AgentRequest);
        const effects = requests.filter(isEffect).length;
        for (const waiter of waiters.filter((w) => w.count <= effects)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
      done();
    },
  });
  const logger = createLogger({ name: 'agent', level: 'info', destination });
  const t = await startTestAgent({ logger, ...options }, tempDir('sage-sink-'));
  const self: SinkAgent = {
    t,
    requests,
    effects: () => requests.filter(isEffect),
    whenEffects: (count) =>
      new Promise<void>((resolve) => {
        if (requests.filter(isEffect).length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
    config: (overrides = {}) => ({
      url: t.agent.url,
      tls: { ca: '${secret:agent-ca}' },
      auth: { apiKey: '${secret:agent-key}' },
      company: 'KBS',
      accountFormat: KBS_FORMAT,
      ...overrides,
    }),
    secrets: () => ({ 'agent-ca': t.agent.certificate, 'agent-key': t.clientKey }),
    async sink(config = self.config(), context = {}) {
      const fake = createFakeContext({ ...context, secrets: { ...self.secrets(), ...context.secrets } });
      const sink = await sage100AgentSink.create(Object.freeze(config), fake.context);
      return { sink, fake };
    },
    stop: () => t.stop(),
  };
  return self;
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** The runtime's diff in miniature: creates and updates by compared fields, keyed idempotency. */
export function plan(entity: EntitySpec, desired: readonly DesiredItem[], actual: readonly ActualItem[], pipeline = 'test-pipeline'): Change[] {
  const byKey = new Map(actual.map((a) => [a.key, a]));
  const changes: Change[] = [];
  for (const item of desired) {
    const found = byKey.get(item.key);
    const idempotencyKey = `${pipeline}:${entity.name}:${item.key}:${digest(item.values)}`;
    if (!found) {
      changes.push({ entity: entity.name, key: item.key, action: 'create', after: item.values, idempotencyKey });
      continue;
    }
    const differs = entity.compared.some((field) =>
      field === 'active' ? found.active !== (item.values.active !== false) : JSON.stringify(found.values[field]) !== JSON.stringify(item.values[field]),
    );
    if (differs) changes.push({ entity: entity.name, key: item.key, action: 'update', before: found.values, after: item.values, idempotencyKey, ...(found.version ? { expectedVersion: found.version } : {}) });
  }
  return changes;
}

export type FrontVerdict = 'pass' | 'drop' | { body: Buffer };

/**
 * An HTTPS front on 127.0.0.1 that forwards to the agent: with the agent's own key pair it is the agent
 * as the sink sees it (and can drop a connection mid-response, or send a huge body); with another key
 * pair of the same name it is a man in the middle.
 */
export async function startFront(upstream: { url: string; ca: string }, pair: { cert: string; key: string }, decide: (method: string, path: string, n: number) => FrontVerdict = () => 'pass'): Promise<{ url: string; close(): Promise<void> }> {
  let n = 0;
  const server = createHttpsServer({ cert: pair.cert, key: pair.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      n += 1;
      const verdict = decide(req.method ?? 'GET', req.url ?? '/', n);
      if (typeof verdict === 'object') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': verdict.body.length });
        res.end(verdict.body);
        return;
      }
      const headers = { ...req.headers };
      delete headers.host;
      const forward = httpsRequest(`${upstream.url}${req.url}`, { method: req.method, headers, ca: upstream.ca, agent: false }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (c: Buffer) => body.push(c));
        answer.on('end', () => {
          const all = Buffer.concat(body);
          if (verdict === 'drop') {
            // The agent did the work; the sink sees the connection die halfway through the answer.
            res.writeHead(answer.statusCode ?? 500, { ...answer.headers, 'content-length': String(all.length) });
            res.write(all.subarray(0, Math.floor(all.length / 2)), () => res.socket?.destroy());
            return;
          }
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          res.end(all);
        });
      });
      forward.on('error', () => res.socket?.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
