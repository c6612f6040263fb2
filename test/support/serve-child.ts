// `serve` in a child process for the kill -9 tests: started through the engine test CLI (the test
// connectors), resolved with its URL once it prints its ready line.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLowdbStore } from '../../runtime/store/lowdb-store.ts';
import { deliveryDedupeKey } from '../../runtime/triggers/handle-webhook.ts';
import { repoRoot } from './cli.ts';
import { copyFixture } from './engine-harness.ts';
import { signTest } from './test-webhook.ts';

export const HOOK_KEY = 'hook-secret';

/** The engine fixture with a webhook trigger on /hooks/test (signing key secret `hook-key`) and a sink writing to a file. */
export function webhookFixture(): { dir: string; effects: string } {
  const dir = copyFixture();
  const effects = join(mkdtempSync(join(tmpdir(), 'mlc-serve-')), 'effects.jsonl');
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(
    file,
    readFileSync(file, 'utf8')
      .replace('config: { separator: "-" }', `config: { separator: "-", stateFile: ${JSON.stringify(effects)} }`)
      .replace('triggers:\n', 'triggers:\n  - { type: webhook, path: /hooks/test, signingKey: "${secret:hook-key}" }\n'),
  );
  return { dir, effects };
}

export interface Delivery {
  body: string;
  timestamp: string;
}

/** Sends a delivery signed with HOOK_KEY; 0 when no answer came (the process was killed mid-request). */
export async function sendSigned(url: string, delivery: Delivery): Promise<number> {
  try {
    const response = await fetch(`${url}/hooks/test`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-timestamp': delivery.timestamp, 'x-test-signature': signTest(delivery.body, HOOK_KEY, delivery.timestamp) }, body: delivery.body });
    return response.status;
  } catch {
    return 0;
  }
}

export interface ServeChild {
  child: ChildProcess;
  url: string;
}

export function startServeChild(dir: string, env: Record<string, string>): Promise<ServeChild> {
  const child = spawn(process.execPath, [join(repoRoot, 'test/support/engine-cli.mjs'), 'serve', dir, '--port', '0', '--data', join(dir, 'state')], {
    cwd: dir,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (c: Buffer) => void (err += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
    child.once('exit', (code, signal) => reject(new Error(`serve exited with ${code ?? signal}: ${err}`)));
  });
}

export const exited = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

/** Polls /readyz until the pipeline has no queued job; bounded (returns the last count seen). */
export async function drained(url: string, pipeline: string, attempts = 600): Promise<number> {
  let queued = -1;
  for (let i = 0; i < attempts && queued !== 0; i += 1) {
    const ready = (await fetch(`${url}/readyz`).then((r) => r.json())) as { pipelines: Record<string, { queued: number }> };
    queued = ready.pipelines[pipeline]?.queued ?? -1;
    if (queued !== 0) await new Promise((r) => setTimeout(r, 50));
  }
  return queued;
}

/** How many acknowledged deliveries the stopped service's store does not hold (enqueueing one again would create it). */
export async function notStored(dataDir: string, acked: readonly Delivery[]): Promise<number> {
  const store = await openLowdbStore(dataDir);
  let missing = 0;
  try {
    for (const d of acked) {
      const dedupeKey = `webhook:${deliveryDedupeKey('test-headcount', new Date(Number(d.timestamp) * 1000), Buffer.from(d.body))}`;
      if ((await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'keys', keys: [] }, { dedupeKey })).created) missing += 1;
    }
  } finally {
    await store.close();
  }
  return missing;
}
