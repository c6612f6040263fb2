// kill -9 of `serve` in the middle of a backfill (a full job over 3,000 records), at the engine's named
// crash points (one of them a page drawn from a fixed seed) and at an instant drawn from a fixed seed,
// then a restart: the job is claimed again, the sink ends exactly where an uninterrupted
// backfill ends, and no change reaches it twice.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openLowdbStore } from '../../runtime/store/lowdb-store.ts';
import { duplicateEffects, finalState, seeded } from '../support/crash-model.ts';
import { copyFixture } from '../support/engine-harness.ts';
import { drained, exited, startServeChild } from '../support/serve-child.ts';
import { readEffects } from '../support/test-connectors.ts';

const COUNT = 3_000;
const PIPELINE = 'test-headcount';

async function prepare(): Promise<{ dir: string; effects: string }> {
  const dir = copyFixture();
  const effects = join(dir, 'sink-effects.jsonl');
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('config: { count: 200, pageSize: 50 }', `config: { count: ${COUNT}, pageSize: 250 }`).replace('config: { separator: "-" }', `config: { separator: "-", stateFile: ${JSON.stringify(effects)} }`));
  writeFileSync(effects, '');
  // The backfill, queued as `serve` finds it after an operator's `run --mode full` request or a cron tick.
  const store = await openLowdbStore(join(dir, 'state'));
  await store.jobs.enqueue({ pipeline: PIPELINE, kind: 'full' });
  await store.close();
  return { dir, effects };
}

/** Serves until the queue is empty, then stops it cleanly. */
async function serveToEnd(dir: string): Promise<number> {
  const served = await startServeChild(dir, {});
  const queued = await drained(served.url, PIPELINE);
  served.child.kill('SIGTERM');
  await exited(served.child);
  return queued;
}

describe('serve killed with -9 during a backfill', () => {
  let reference: Map<string, string>;

  beforeAll(async () => {
    const { dir, effects } = await prepare();
    expect(await serveToEnd(dir)).toBe(0);
    reference = finalState(readEffects(effects));
    expect(reference.size).toBeGreaterThan(0);
  }, 120_000);

  async function crashThenRestart(crash: { at?: string; afterMs?: number }): Promise<void> {
    const { dir, effects } = await prepare();
    const first = await startServeChild(dir, crash.at ? { ML_CONNECTOR_CRASH_AT: crash.at } : {});
    if (crash.afterMs !== undefined) {
      await new Promise((r) => setTimeout(r, crash.afterMs));
      first.child.kill('SIGKILL');
    }
    await exited(first.child);
    expect(first.child.signalCode).toBe('SIGKILL');
    expect(await serveToEnd(dir)).toBe(0);
    const written = readEffects(effects);
    expect(duplicateEffects(written)).toBe(0);
    expect(finalState(written)).toEqual(reference);
  }

  const page = 1 + Math.floor(seeded(5)() * (COUNT / 250));
  for (const at of [`after-read:${page}`, 'after-steps', 'after-apply', 'during-commit']) {
    it.concurrent(`killed at ${at}: the restarted service ends at the uninterrupted state, 0 duplicate effects`, () => crashThenRestart({ at }), 120_000);
  }
  for (const seed of [11]) {
    // An instant, not a point: where it lands depends on the machine's speed; the guarantees may not.
    const afterMs = 200 + Math.floor(seeded(seed)() * 2_000);
    it.concurrent(`killed at a seeded instant (seed ${seed}: ${afterMs} ms after it is ready): same guarantees`, () => crashThenRestart({ afterMs }), 120_000);
  }
});
