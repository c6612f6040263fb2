// One sandbox and one sim agent per test file, the example pipeline pointed at them (with its own copy
// of the mapping tables, so a test can add a row), connected by the real OAuth flow, and the real
// commands (run, replay, quarantine list) run in-process against real HTTP and HTTPS.
import { mkdtempSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registry } from '../../cli/checks.ts';
import { startStandIns, type StandIns } from '../../cli/demo/stand-ins.ts';
import { authorize } from '../../cli/demo/story.ts';
import { PIPELINE_FILE, pointAtStandIns, prepareWorkspace, type Workspace } from '../../cli/demo/workspace.ts';
import { planCommand } from '../../runtime/cli/plan-command.ts';
import { replayCommand, runCommand } from '../../runtime/cli/run-command.ts';
import { auditCommand, quarantineListCommand } from '../../runtime/cli/state-commands.ts';
import { createLogger } from '../../runtime/lib/log.ts';
import { freePort } from '../../runtime/util/free-port.ts';
import { repoRoot } from '../support/cli.ts';
import { sageReader, type SageReader, type SageView } from './sage-state.ts';

export interface E2e {
  standIns: StandIns;
  workspace: Workspace;
  /** The pipeline copy and its mapping tables (a test may add a row). */
  pipelineFile: string;
  mappingsDir: string;
  sage: SageReader;
  period: string;
  /** Runs a command in-process; returns its exit code and what it printed. */
  command(name: 'run' | 'plan' | 'replay' | 'quarantine' | 'audit', args: string[]): Promise<{ code: number; out: string }>;
  runOnce(mode?: 'full' | 'changed-since'): Promise<{ code: number; out: string }>;
  view(): Promise<SageView>;
  /** Writes the agent answered that took effect in Sage 100 (not replays of a key, not refusals), in order. */
  agentWrites(): AgentWrite[];
  headcount(center: string): Promise<number | undefined>;
  close(): Promise<void>;
}

export interface AgentWrite {
  method: string;
  path: string;
  status: number;
}

/** The agent's request log lines, kept as the writes that took effect. */
function agentWriteLog(): { logger: ReturnType<typeof createLogger>; writes: AgentWrite[] } {
  const writes: AgentWrite[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        const entry = JSON.parse(line) as { msg?: string; method?: string; path?: string; status?: number; replayed?: boolean };
        const write = entry.method === 'PUT' || entry.method === 'POST';
        if (entry.msg === 'request' && write && !entry.path?.includes('/_admin/') && (entry.status ?? 500) < 300 && !entry.replayed) writes.push({ method: entry.method as string, path: entry.path as string, status: entry.status as number });
      }
      done();
    },
  });
  return { logger: createLogger({ name: 'agent', level: 'info', destination }), writes };
}

export async function startE2e(): Promise<E2e> {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-e2e-'));
  const stop = new AbortController();
  const quiet = { stdout: () => {}, stderr: () => {}, env: { PATH: process.env.PATH, ML_CONNECTOR_DEMO_DIR: dir, LOG_LEVEL: 'silent' }, cwd: repoRoot, stopSignal: stop.signal };
  // The demo's own workspace: the example and its mappings copied, state and secrets in `dir`.
  const workspace = prepareWorkspace(repoRoot, quiet);
  const log = agentWriteLog();
  const standIns = await startStandIns(workspace.root, { agentLogger: log.logger });
  const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
  standIns.sandbox.admin.setRedirectUris('keystone', [redirectUri]);
  pointAtStandIns(workspace, standIns, redirectUri);
  await workspace.storeSecret('bamboohr-client-secret', standIns.sandbox.credentials().oauth.clientSecret);
  await workspace.storeSecret('sage-agent-key', standIns.agentKey);
  await workspace.storeSecret('bamboohr-webhook-key', 'not-used-by-these-tests');
  await authorize(quiet, workspace, standIns, registry);
  const io = (out: string[]) => ({ ...quiet, env: workspace.env, cwd: workspace.work, stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t) });
  const sage = sageReader(standIns.agent, standIns.agentKey);
  const period = new Date().toISOString().slice(0, 7);
  const commands = { run: runCommand(registry), plan: planCommand(registry), replay: replayCommand(registry), quarantine: quarantineListCommand(), audit: auditCommand() };
  const self: E2e = {
    standIns,
    workspace,
    pipelineFile: PIPELINE_FILE,
    mappingsDir: join(workspace.work, 'mappings'),
    sage,
    period,
    async command(name, args) {
      const out: string[] = [];
      const code = await commands[name].run(args, io(out));
      return { code, out: out.join('') };
    },
    runOnce: (mode = 'changed-since') => self.command('run', [PIPELINE_FILE, '--once', '--mode', mode]),
    view: () => sage.read(period),
    agentWrites: () => [...log.writes],
    async headcount(center) {
      return (await sage.read(period)).headcount.find((h) => h.costCenter === center)?.headcount;
    },
    async close() {
      stop.abort();
      await sage.close();
      await standIns.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}

/** The cost center (division-department-location) of an employee as Sage 100 codes it, from the sandbox. */
export function sandboxEmployee(e2e: E2e, id: string): { department: string; division: string; location: string } {
  const company = e2e.standIns.sandbox.admin.company('keystone');
  const employee = company.employees[id];
  const today = new Date().toISOString().slice(0, 10);
  const row = employee?.jobInfo.filter((r) => r.date <= today).sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : b.id - a.id))[0];
  const name = (alias: 'department' | 'division' | 'location', optionId: number | null | undefined) => company.lists[alias].options.find((o) => o.id === optionId)?.name ?? '';
  return { department: name('department', row?.departmentId), division: name('division', row?.divisionId), location: name('location', row?.locationId) };
}
