// The product's command list. runtime/ owns the generic commands; system-specific ones (the
// sandbox, the agent) are composed in here so that runtime/ never names a system. Every command
// but init loads on first use (a test checks the summaries listed here match the real ones), so
// `--help` starts fast.
import { readFileSync } from 'node:fs';
import type { Command } from '../runtime/cli/command.ts';
import { dispatch, type ProgramInfo } from '../runtime/cli/dispatch.ts';
import { initCommand } from '../runtime/cli/init-command.ts';
import { lazyCommand } from '../runtime/cli/lazy-command.ts';
import { processIo, reportStrayErrors } from '../runtime/cli/process-io.ts';
import { secretsCommand } from '../runtime/cli/secrets-command.ts';

export const program: ProgramInfo = {
  name: 'ml-connector',
  version: (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version,
};

const checks = () => import('./checks.ts');

export const commands: readonly Command[] = [
  lazyCommand('validate', 'check pipelines, mapping tables and JSONata files (for CI)', async () => (await checks()).validate),
  lazyCommand('test', 'run the input → expected cases of mapping tables and JSONata files', async () => (await checks()).test),
  lazyCommand('read', "print what a pipeline's source yields (to see real data before writing mappings)", async () => (await checks()).read),
  initCommand(program, new URL('../templates/init/', import.meta.url)),
  lazyCommand('demo', 'run the embedded Keystone Building Supply example', async () => (await checks()).demo),
  secretsCommand(),
  // The engine's commands, with the registry the checking commands share.
  lazyCommand('run', 'run a pipeline once: read, map, compare with the sink, apply, commit', async () => (await import('../runtime/cli/run-command.ts')).runCommand((await checks()).registry)),
  lazyCommand('plan', 'show what a run would change in the sink, writing nothing', async () => (await import('../runtime/cli/plan-command.ts')).planCommand((await checks()).registry)),
  lazyCommand('serve', 'Run every pipeline of a folder: webhooks, cron, retries, health and metrics', async () => (await import('../runtime/cli/serve-command.ts')).serveCommand((await checks()).registry)),
  lazyCommand('replay', 'run quarantined records again through the current pipeline', async () => (await import('../runtime/cli/run-command.ts')).replayCommand((await checks()).registry)),
  lazyCommand('audit', "show a record's trail: read, mapped, written, quarantined", async () => (await import('../runtime/cli/state-commands.ts')).auditCommand()),
  lazyCommand('quarantine list', 'list quarantined records and their causes', async () => (await import('../runtime/cli/state-commands.ts')).quarantineListCommand()),
  lazyCommand('snapshot export', 'write the mirror and the last actual state, for plan --from-snapshot', async () => (await import('../runtime/cli/state-commands.ts')).snapshotExportCommand()),
  lazyCommand('connect', "connect a pipeline's source by a person's consent in a browser (OAuth)", async () => (await import('../runtime/cli/connect-command.ts')).connectCommand((await checks()).registry)),
  lazyCommand('coverage', 'compare the values a source offers today with the mapping tables (unmapped values, stale rows)', async () => (await import('../runtime/cli/coverage-command.ts')).coverageCommand((await checks()).registry)),
  lazyCommand('store status', 'show what the store holds per pipeline: queued jobs, the next due, retries, pending changes, quarantine', async () => (await import('../runtime/cli/store-command.ts')).storeStatusCommand()),
  lazyCommand('store migrate', "apply the PostgreSQL store's schema migrations (replicas also do it when they start)", async () => (await import('../runtime/cli/store-command.ts')).storeMigrateCommand()),
  lazyCommand('store export', 'write everything the store holds as NDJSON (to move it to another store with `store import`)', async () => (await import('../runtime/cli/store-transfer-command.ts')).storeExportCommand()),
  lazyCommand('store import', 'read a `store export` into the store given by --store (an empty one, unless --force)', async () => (await import('../runtime/cli/store-transfer-command.ts')).storeImportCommand()),
  lazyCommand('ping', "Check that a pipeline's source and sink can be reached (versions, accounts, certificates)", async () => (await import('../runtime/cli/ping-command.ts')).pingCommand((await checks()).registry)),
  lazyCommand('sandbox bamboohr', 'Run a local BambooHR stand-in (OAuth, employees, reports, webhooks, faults)', async () => (await import('../sandbox/bamboohr/command.ts')).bamboohrSandboxCommand),
  lazyCommand('agent', 'Run the Sage 100 agent (HTTPS in front of Sage 100, or its simulator)', async () => (await import('../agent/command.ts')).agentCommand),
  lazyCommand('agent keys', "Add, list or revoke the Sage 100 agent's API keys", async () => (await import('../agent/command.ts')).agentKeysCommand),
  lazyCommand('agent selftest', 'Probe Sage 100 (read-only) and write a site profile for the agent', async () => (await import('../agent/selftest/command.ts')).agentSelftestCommand),
];

export async function main(args: string[]): Promise<number> {
  reportStrayErrors(program.name, { debug: args.includes('--debug'), version: program.version });
  return dispatch(program, commands, args, processIo());
}
