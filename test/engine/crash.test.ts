// kill -9 of `run --once` over 10,000 records, at each named crash point and at random instants
// (fixed seeds), then a rerun: 0 records lost, 0 duplicate effects at the sink (it records every
// idempotency key it is sent), and the committed checkpoint never ahead of what the sink applied.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';
import { copyFixture } from '../support/engine-harness.ts';
import { duplicateEffects, finalState, seeded } from '../support/crash-model.ts';
import { readEffects, type SinkEffect } from '../support/test-connectors.ts';

const COUNT = 10_000;

interface Child {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function runChild(dir: string, env: Record<string, string> = {}, killAfterMs?: number): Promise<Child> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'test/support/engine-cli.mjs'), 'run', 'pipeline.yaml', '--once', '--mode', 'full', '--data', 'state'], { cwd: dir, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

function setup(): { dir: string; effectsFile: string } {
  const dir = copyFixture();
  const effectsFile = join(dir, 'sink-effects.jsonl');
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('config: { count: 200, pageSize: 50 }', `config: { count: ${COUNT}, pageSize: 500 }`).replace('config: { separator: "-" }', `config: { separator: "-", stateFile: ${JSON.stringify(effectsFile)} }`));
  return { dir, effectsFile };
}

interface StateFile {
  pipelines: Record<string, { checkpoint?: number; mirror: Record<string, unknown>; desired: Record<string, { entity: string; key: string; values: unknown }> }>;
}

/** What the committed state claims the sink holds must be in the sink (the checkpoint is never ahead). */
function committedAhead(dir: string, effects: readonly SinkEffect[]): string[] {
  const file = join(dir, 'state', 'state.json');
  if (!existsSync(file)) return [];
  const state = (JSON.parse(readFileSync(file, 'utf8')) as StateFile).pipelines['test-headcount'];
  if (!state) return [];
  const sink = new Map(effects.map((e) => [`${e.entity}/${e.key}`, JSON.stringify(e.values)]));
  return Object.values(state.desired).filter((d) => sink.get(`${d.entity}/${d.key}`) !== JSON.stringify(d.values)).map((d) => `${d.entity}/${d.key}`);
}

describe('kill -9 during run --once over 10,000 records', () => {
  let reference: Map<string, string>;

  // An uninterrupted run: the model every crashed run must end at.
  beforeAll(async () => {
    const { dir, effectsFile } = setup();
    const run = await runChild(dir);
    expect(run.code, run.stderr).toBe(0);
    const effects = readEffects(effectsFile);
    reference = finalState(effects);
    expect(duplicateEffects(effects)).toBe(0);
    const state = (JSON.parse(readFileSync(join(dir, 'state', 'state.json'), 'utf8')) as StateFile).pipelines['test-headcount'];
    // 0 lost: every active employee (1 in 17 is inactive) is in the mirror, and the checkpoint is the source's end.
    expect(Object.keys(state?.mirror ?? {})).toHaveLength(COUNT - Math.floor(COUNT / 17));
    expect(state?.checkpoint).toBe(COUNT);
  }, 240_000);

  async function crashThenRerun(env: Record<string, string>, killAfterMs?: number): Promise<void> {
    const { dir, effectsFile } = setup();
    const crashed = await runChild(dir, env, killAfterMs);
    if (killAfterMs === undefined) expect(crashed.signal).toBe('SIGKILL');
    expect(committedAhead(dir, readEffects(effectsFile))).toEqual([]);
    const rerun = await runChild(dir);
    expect(rerun.code, rerun.stderr).toBe(0);
    const effects = readEffects(effectsFile);
    expect(duplicateEffects(effects)).toBe(0);
    expect(finalState(effects)).toEqual(reference);
    expect(committedAhead(dir, effects)).toEqual([]);
  }

  // Each case is a crashed run and its rerun in child processes, run side by side. The generous
  // timeouts are for a loaded CI machine (about 25 s for the file on an idle 2-core one), not a bound.
  for (const point of ['after-read:3', 'after-steps', 'after-apply', 'during-commit']) {
    it.concurrent(`killed at ${point}: the rerun ends at the model with 0 duplicate effects, checkpoint never ahead`, () => crashThenRerun({ ML_CONNECTOR_CRASH_AT: point }), 240_000);
  }
  for (const seed of [42]) {
    const at = Math.floor(1500 + seeded(seed)() * 5000);
    it.concurrent(`killed at a random instant (seed ${seed}: ${at} ms): same guarantees`, () => crashThenRerun({}, at), 240_000);
  }
});
