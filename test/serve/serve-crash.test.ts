// kill -9 of `serve` in the middle of a webhook burst, at instants drawn from fixed seeds: every
// delivery it acknowledged was stored before the 2xx (its dedupe key is in the store), the restarted
// service drains every job, and the sink holds no effect twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLowdbStore } from '../../runtime/store/lowdb-store.ts';
import { deliveryDedupeKey } from '../../runtime/triggers/handle-webhook.ts';
import { repoRoot } from '../support/cli.ts';
import { copyFixture } from '../support/engine-harness.ts';
import { readEffects } from '../support/test-connectors.ts';
import { signTest } from '../support/test-webhook.ts';

const KEY = 'hook-secret';

function prepare(): { dir: string; effects: string } {
  const dir = copyFixture();
  const effects = join(mkdtempSync(join(tmpdir(), 'mlc-serve-crash-')), 'effects.jsonl');
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(
    file,
    readFileSync(file, 'utf8')
      .replace('config: { separator: "-" }', `config: { separator: "-", stateFile: ${JSON.stringify(effects)} }`)
      .replace('triggers:\n', 'triggers:\n  - { type: webhook, path: /hooks/test, signingKey: "${secret:hook-key}" }\n'),
  );
  return { dir, effects };
}

function startServe(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'test/support/engine-cli.mjs'), 'serve', dir, '--port', '0', '--data', join(dir, 'state')], {
    cwd: dir,
    env: { PATH: process.env.PATH, ML_CONNECTOR_SECRET_HOOK_KEY: KEY, LOG_LEVEL: 'silent' },
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
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

interface Delivery {
  body: string;
  timestamp: string;
}

async function send(url: string, delivery: Delivery): Promise<number> {
  try {
    const response = await fetch(`${url}/hooks/test`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test-timestamp': delivery.timestamp, 'x-test-signature': signTest(delivery.body, KEY, delivery.timestamp) }, body: delivery.body });
    return response.status;
  } catch {
    return 0; // the process was killed mid-request: not acknowledged
  }
}

const exited = (child: ChildProcess): Promise<void> => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('serve killed with -9 during a webhook burst', () => {
  it.concurrent.each([[7], [19]])('seed %i: 0 acknowledged deliveries lost, every job drained, 0 duplicate effects', async (seed) => {
    const { dir, effects } = prepare();
    const killAfter = 10 + ((seed * 7919) % 40);
    const deliveries: Delivery[] = Array.from({ length: 60 }, (_, i) => ({ body: JSON.stringify({ ids: [1 + ((i * 13) % 150)], n: i }), timestamp: String(Math.floor(Date.now() / 1000)) }));
    const first = await startServe(dir);
    const acked: Delivery[] = [];
    for (const [i, delivery] of deliveries.entries()) {
      if (i === killAfter) first.child.kill('SIGKILL');
      if ((await send(first.url, delivery)) === 202) acked.push(delivery);
    }
    await exited(first.child);
    expect(acked.length).toBeGreaterThanOrEqual(killAfter - 1);

    // Every acknowledged delivery was durable before its 202: enqueueing it again is a duplicate.
    const store = await openLowdbStore(join(dir, 'state'));
    let missing = 0;
    for (const d of acked) {
      const again = await store.jobs.enqueue({ pipeline: 'test-headcount', kind: 'keys', keys: [] }, { dedupeKey: `webhook:${deliveryDedupeKey('test-headcount', new Date(Number(d.timestamp) * 1000), Buffer.from(d.body))}` });
      if (again.created) missing += 1;
    }
    await store.close();
    expect(missing).toBe(0);

    const second = await startServe(dir);
    let queued = -1;
    for (let i = 0; i < 400 && queued !== 0; i += 1) {
      const ready = (await fetch(`${second.url}/readyz`).then((r) => r.json())) as { pipelines: Record<string, { queued: number }> };
      queued = ready.pipelines['test-headcount']?.queued ?? -1;
      if (queued !== 0) await new Promise((r) => setTimeout(r, 50));
    }
    second.child.kill('SIGTERM');
    await exited(second.child);
    expect(queued).toBe(0);
    const keys = readEffects(effects).map((e) => e.idempotencyKey);
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length);
  }, 60_000);
});
