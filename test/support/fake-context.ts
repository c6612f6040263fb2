// A connector context for tests: real HTTP client and TLS handling, secrets from a map, state in
// memory, log lines collected, and waits recorded instead of slept (retries are counted, not timed).
import { Writable } from 'node:stream';
import { createConnectorContext, memoryState } from '../../runtime/connectors/context-factory.ts';
import type { ConnectorContext } from '../../runtime/connectors/context.ts';
import { createLogger } from '../../runtime/lib/log.ts';

export interface FakeContext {
  context: ConnectorContext;
  /** Secrets by name, as `${secret:name}` resolves them; `store` writes here. */
  secrets: Map<string, string>;
  /** Every log line as parsed JSON. */
  logs: Record<string, unknown>[];
  /** Every wait the HTTP client asked for, in ms. */
  sleeps: number[];
  abort(reason?: unknown): void;
}

export interface FakeContextOptions {
  secrets?: Record<string, string>;
  env?: Record<string, string>;
  pipeline?: string;
  connector?: string;
  /** Really wait (for tests against servers that check the waits); default: record and return at once. */
  realSleep?: boolean;
  random?: () => number;
  clock?: () => Date;
}

const REFERENCE = /^\$\{(secret|env):([^}]+)\}$/;

export function createFakeContext(options: FakeContextOptions = {}): FakeContext {
  const secrets = new Map(Object.entries(options.secrets ?? {}));
  const logs: Record<string, unknown>[] = [];
  const sleeps: number[] = [];
  const controller = new AbortController();
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const context = createConnectorContext({
    pipeline: options.pipeline ?? 'test-pipeline',
    connector: options.connector ?? 'test-connector',
    runId: 'test-run',
    logger: createLogger({ name: 'test', level: 'debug', destination }),
    secrets: {
      async resolve(reference) {
        const match = REFERENCE.exec(reference);
        if (!match) return reference;
        const [, kind, name = ''] = match;
        const value = kind === 'secret' ? secrets.get(name) : options.env?.[name];
        if (value === undefined) throw new Error(`test context has no ${kind} '${name}'`);
        return value;
      },
      async store(name, value) {
        secrets.set(name, value);
      },
    },
    state: memoryState(),
    signal: controller.signal,
    ...(options.clock ? { clock: options.clock } : {}),
    random: options.random ?? (() => 0.5),
    ...(options.realSleep
      ? {}
      : {
          sleep: async (ms: number) => {
            sleeps.push(ms);
          },
        }),
  });
  return { context, secrets, logs, sleeps, abort: (reason) => controller.abort(reason) };
}
