// One sandbox and one sim agent per test file, the example pipeline pointed at them (with its own copy
// of the mapping tables, so a test can add a row), connected by the real OAuth flow, and the real
// commands (run, replay, quarantine list) run in-process against real HTTP and HTTPS.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registry } from '../../cli/checks.ts';
import { demoLayout, storeDemoSecrets, writeDemoPipeline, type DemoLayout } from '../../cli/demo/demo-pipeline.ts';
import { freePort } from '../../cli/demo/free-port.ts';
import { sageReader, type SageReader, type SageView } from '../../cli/demo/sage-view.ts';
import { startStandIns, type StandIns } from '../../cli/demo/stand-ins.ts';
import { runConnect } from '../../runtime/cli/connect-command.ts';
import { replayCommand, runCommand } from '../../runtime/cli/run-command.ts';
import { quarantineListCommand } from '../../runtime/cli/state-commands.ts';
import { repoRoot } from '../support/cli.ts';

export interface E2e {
  standIns: StandIns;
  layout: DemoLayout;
  sage: SageReader;
  period: string;
  /** Runs a command in-process; returns its exit code and what it printed. */
  command(name: 'run' | 'replay' | 'quarantine', args: string[]): Promise<{ code: number; out: string }>;
  runOnce(mode?: 'full' | 'changed-since'): Promise<{ code: number; out: string }>;
  view(): Promise<SageView>;
  headcount(center: string): Promise<number | undefined>;
  close(): Promise<void>;
}

export async function startE2e(options: { employees?: number } = {}): Promise<E2e> {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-e2e-'));
  cpSync(join(repoRoot, 'mappings'), join(dir, 'mappings'), { recursive: true });
  const standIns = await startStandIns({ dir, ...options });
  const layout = demoLayout(repoRoot, dir, { PATH: process.env.PATH, LOG_LEVEL: 'silent' }, join(dir, 'mappings'));
  const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
  standIns.sandbox.admin.setRedirectUris('keystone', [redirectUri]);
  writeDemoPipeline(layout, standIns, redirectUri);
  await storeDemoSecrets(layout, {
    'bamboohr-client-secret': standIns.sandbox.credentials().oauth.clientSecret,
    'bamboohr-webhook-key': 'not-used-by-these-tests',
    'sage-agent-ca': standIns.agent.certificate,
    'sage-agent-key': standIns.agentKey,
  });
  const stop = new AbortController();
  const io = (out: string[]) => ({ stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t), env: layout.env, cwd: repoRoot, stopSignal: stop.signal });
  const connected = await runConnect({
    name: 'bamboohr',
    pipelinePath: layout.pipelineFile,
    registry,
    io: io([]),
    flags: {},
    timeoutMs: 20_000,
    openUrl: async (url) => {
      const consent = await fetch(url, { redirect: 'manual' });
      await fetch(consent.headers.get('location') ?? '');
    },
  });
  if ('problems' in connected) throw new Error(connected.problems);
  const sage = sageReader(standIns.agent, standIns.agentKey);
  const period = new Date().toISOString().slice(0, 7);
  const commands = { run: runCommand(registry), replay: replayCommand(registry), quarantine: quarantineListCommand() };
  const self: E2e = {
    standIns,
    layout,
    sage,
    period,
    async command(name, args) {
      const out: string[] = [];
      const code = await commands[name].run(args, io(out));
      return { code, out: out.join('') };
    },
    runOnce: (mode = 'changed-since') => self.command('run', [layout.pipelineFile, '--once', '--mode', mode]),
    view: () => sage.read(period),
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
  const row = employee?.jobInfo.at(-1);
  const name = (alias: 'department' | 'division' | 'location', optionId: number | null | undefined) => company.lists[alias].options.find((o) => o.id === optionId)?.name ?? '';
  return { department: name('department', row?.departmentId), division: name('division', row?.divisionId), location: name('location', row?.locationId) };
}
