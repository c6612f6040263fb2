// A console on a real 127.0.0.1 socket over a memory store, with a fake clock and secrets, for the
// API tests. The served pipelines are stand-ins: the API reads only their name, file and version.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OpenedPipeline } from '../../runtime/engine/open-pipeline.ts';
import type { ConsoleSource } from '../../runtime/console/api/source.ts';
import { createConsole } from '../../runtime/console/console-handler.ts';
import type { QuarantineEntry, Store } from '../../runtime/store/store.ts';
import { createMemoryStore } from '../../runtime/store/memory-store.ts';

export const SECRETS: Record<string, string> = {
  'console-operator-token': 'op-token-0123456789',
  'console-viewer-token': 'view-token-0123456789',
  'console-users': 'ada operator correct horse\nbob viewer battery staple',
};

export interface ConsoleHarness {
  url: string;
  store: Store;
  now: { ms: number };
  wakes: { count: number };
  close(): Promise<void>;
}

export interface ConsoleOptionsForTest {
  trustLoopback?: boolean;
  quarantine?: QuarantineEntry[];
  /** The served pipeline's stand-in (default: one with only a version). */
  opened?: OpenedPipeline;
  extra?: Pick<ConsoleSource, 'recentRuns' | 'webhookAck'>;
  /** Default: a fresh memory store (the bench passes a lowdb one). */
  store?: Store;
}

export async function startConsole(options: ConsoleOptionsForTest = {}): Promise<ConsoleHarness> {
  const store = options.store ?? createMemoryStore();
  if (options.quarantine) {
    await store.commit({ pipeline: 'people', runId: 'seed', mirror: { upsert: [], remove: [] }, desired: { upsert: [], remove: [] }, actual: { upsert: [], remove: [] }, audit: [], quarantine: { park: options.quarantine, release: [] }, pending: { set: [], clear: [] } });
  }
  const now = { ms: Date.parse('2026-11-28T09:00:00Z') };
  const wakes = { count: 0 };
  // The API reads only compiled.version of an opened pipeline; the rest is never touched here.
  const opened = options.opened ?? ({ compiled: { version: 'abc1234+d1' } } as unknown as OpenedPipeline);
  const handle = createConsole({
    source: { store, pipelines: () => new Map([['people', { file: 'pipelines/people.yaml', opened }]]), failures: () => new Map(), status: () => undefined, wake: () => void wakes.count++, ...options.extra },
    secrets: { get: async (name) => SECRETS[name] },
    trustLoopback: options.trustLoopback ?? false,
    sessionTtlMs: 60 * 60_000,
    loginAttemptsPerWindow: 5,
    clock: () => now.ms,
  });
  const server: Server = createServer((req, res) => {
    handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    }, () => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    now,
    wakes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function held(i: number, code = 'MLC_MAPPING_UNMAPPED', cause = `department 'Dept ${i % 7}' has no mapping row`): QuarantineEntry {
  return { pipeline: 'people', recordKey: String(1000 + i), code, cause, since: new Date(Date.parse('2026-11-28T08:00:00Z') + i).toISOString(), sourceKeys: [String(1000 + i)] };
}

/** Logs in and returns the cookie and CSRF token. */
export async function login(url: string, body: Record<string, string>): Promise<{ status: number; cookie: string; csrf: string; setCookie: string }> {
  const response = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = (await response.json()) as { csrf?: string };
  const setCookie = response.headers.get('set-cookie') ?? '';
  return { status: response.status, cookie: setCookie.split(';')[0] ?? '', csrf: data.csrf ?? '', setCookie };
}
