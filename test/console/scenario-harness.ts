// The demo's whole product for the console's browser scenario: the BambooHR sandbox and the Sage 100
// agent (sim) over HTTPS, the example pipeline connected by the real OAuth flow and backfilled, the
// sandbox's signed webhook registered, and `serve` running in-process on 127.0.0.1 with the console.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registry } from '../../cli/checks.ts';
import { startServe, type Serving } from '../../cli/demo-command.ts';
import { startStandIns, type StandIns } from '../../cli/demo/stand-ins.ts';
import { authorize, backfill, createWebhook, pickMover, WEBHOOK_PATH, type Mover } from '../../cli/demo/story.ts';
import { pointAtStandIns, prepareWorkspace, type Workspace } from '../../cli/demo/workspace.ts';
import { runCommand } from '../../runtime/cli/run-command.ts';
import { freePort } from '../../runtime/util/free-port.ts';
import { repoRoot } from '../support/cli.ts';

export const OPERATOR_TOKEN = 'scenario-operator-token-0123456789';

export interface Scenario {
  standIns: StandIns;
  workspace: Workspace;
  serving: Serving;
  /** An active Warehouse employee the test may move (with the cost centers before and after). */
  mover: Mover;
  /** Another active employee whose cost center keeps people after they leave it (no full run would deactivate it). */
  colleague: string;
  addMappingRow(table: string, row: string): void;
  close(): Promise<void>;
}

function colleagueOf(standIns: StandIns, moverId: string): string {
  const today = new Date().toISOString().slice(0, 10);
  const centers = new Map<string, string[]>();
  for (const e of Object.values(standIns.sandbox.admin.company('keystone').employees)) {
    if (e.deleted || e.status !== 'Active' || String(e.id) === moverId) continue;
    const job = e.jobInfo.filter((r) => r.date <= today).sort((a, b) => (a.date < b.date ? 1 : -1))[0];
    if (!job?.departmentId) continue;
    const center = `${job.divisionId}-${job.departmentId}-${job.locationId}`;
    centers.set(center, [...(centers.get(center) ?? []), String(e.id)]);
  }
  const [largest] = [...centers.values()].sort((a, b) => b.length - a.length);
  if (!largest || largest.length < 2) throw new Error('the sandbox has no cost center with two people');
  return largest[0] as string;
}

export async function startScenario(): Promise<Scenario> {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-console-scenario-'));
  const stop = new AbortController();
  const io = { stdout: () => {}, stderr: () => {}, env: { PATH: process.env.PATH, ML_CONNECTOR_DEMO_DIR: dir, LOG_LEVEL: 'silent' }, cwd: repoRoot, stopSignal: stop.signal };
  const workspace = prepareWorkspace(repoRoot, io);
  const standIns = await startStandIns(workspace.root);
  let serving: Serving | undefined;
  try {
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    standIns.sandbox.admin.setRedirectUris('keystone', [redirectUri]);
    pointAtStandIns(workspace, standIns, redirectUri);
    await workspace.storeSecret('bamboohr-client-secret', standIns.sandbox.credentials().oauth.clientSecret);
    await workspace.storeSecret('sage-agent-key', standIns.agentKey);
    await workspace.storeSecret('console-operator-token', OPERATOR_TOKEN);
    await authorize(io, workspace, standIns, registry);
    const port = await freePort();
    await workspace.storeSecret('bamboohr-webhook-key', await createWebhook(standIns, `http://127.0.0.1:${port}${WEBHOOK_PATH}`));
    await backfill(io, workspace, runCommand(registry));
    serving = await startServe(registry, workspace, port, stop.signal);
    const running = serving;
    const mover = pickMover(standIns, workspace);
    return {
      standIns,
      workspace,
      serving: running,
      mover,
      colleague: colleagueOf(standIns, mover.id),
      addMappingRow: (table, row) => appendFileSync(join(workspace.work, 'mappings', `${table}.yaml`), `  - ${row}\n`),
      async close() {
        await running.stop();
        stop.abort();
        await standIns.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await serving?.stop();
    await standIns.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
