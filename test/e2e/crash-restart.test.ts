// The runtime killed with -9 in the middle of the backfill and started again, against the BambooHR
// sandbox and the Sage 100 agent: the final Sage 100 state is what BambooHR says, and the planned
// writes took effect once each — the killed run and the restarted one together made exactly as many
// writes as the plan of an uninterrupted backfill has changes (the agent's own request log counts the
// writes that changed Sage, replays of a key excluded). Two deterministic points: the crash point
// after the sink answered every write but before the commit (everything written, nothing remembered),
// and a kill once the agent has answered a fixed number of writes (part written).
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';
import { startE2e, type E2e } from './harness.ts';
import { headcountModel } from './model.ts';

/** `run --once --mode full` as a real process; `killAfterWrites` kills it once the agent has answered that many writes. */
async function runChild(e2e: E2e, env: Record<string, string>, killAfterWrites?: number): Promise<NodeJS.Signals | number | null> {
  const child = spawn(process.execPath, [`${repoRoot}bin/ml-connector.mjs`, 'run', e2e.pipelineFile, '--once', '--mode', 'full'], { cwd: e2e.workspace.work, env: { ...e2e.workspace.env, ...env }, stdio: 'ignore' });
  const ended = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const watch = setInterval(() => {
    if (killAfterWrites !== undefined && e2e.agentWrites().length >= killAfterWrites) child.kill('SIGKILL');
  }, 2);
  // Bounded: the example's backfill takes seconds; a minute on a loaded machine at most.
  const limit = setTimeout(() => child.kill('SIGTERM'), 60_000);
  try {
    return await ended;
  } finally {
    clearInterval(watch);
    clearTimeout(limit);
  }
}

const ledger = async (e2e: E2e): Promise<Record<string, number>> => Object.fromEntries((await e2e.view()).headcount.filter((h) => h.headcount > 0).map((h) => [h.costCenter, h.headcount]));

async function plannedChanges(e2e: E2e): Promise<number> {
  const plan = await e2e.command('plan', [e2e.pipelineFile, '--mode', 'full', '--format', 'json']);
  return (JSON.parse(plan.out.slice(plan.out.indexOf('{'))) as { changes: unknown[] }).changes.length;
}

describe('the runtime killed with -9 mid-backfill and restarted', () => {
  let e2e: E2e | undefined;
  afterEach(async () => {
    await e2e?.close();
    e2e = undefined;
  });

  it.each([
    ['at the crash point after the sink answered, before the commit', { ML_CONNECTOR_CRASH_AT: 'after-apply' }, undefined],
    ['once the agent has answered 40 writes', {}, 40],
  ] as const)('%s: Sage 100 ends as BambooHR says, each planned write applied once', async (_name, env, killAfter) => {
    e2e = await startE2e();
    const planned = await plannedChanges(e2e);
    expect(planned).toBeGreaterThan(killAfter ?? 0);

    expect(await runChild(e2e, env, killAfter)).toBe('SIGKILL');
    const beforeRestart = e2e.agentWrites().length;
    if (killAfter === undefined) expect(beforeRestart).toBe(planned);
    else expect(beforeRestart).toBeGreaterThanOrEqual(killAfter);
    expect(beforeRestart).toBeLessThanOrEqual(planned);

    await e2e.runOnce('full');
    expect(await ledger(e2e)).toEqual(Object.fromEntries(headcountModel(e2e.standIns, e2e.workspace)));
    expect(e2e.agentWrites().length).toBe(planned);
    expect(await plannedChanges(e2e)).toBe(0);
  }, 120_000);
});
