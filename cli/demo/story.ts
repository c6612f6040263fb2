// The demo's story, step by step, each a small function that prints what it does in plain words:
// authorize, backfill, the move from Warehouse to Yard, the webhook, the ledger before and after, and
// the moved employee's audit trail.
import type { CliIo, Command } from '../../runtime/cli/command.ts';
import { runConnect } from '../../runtime/cli/connect-command.ts';
import type { ConnectorRegistry } from '../../runtime/connectors/registry.ts';
import { openStore } from '../../runtime/store/open-store.ts';
import type { AuditEvent } from '../../runtime/store/store.ts';
import type { JsonObject } from '../../runtime/connectors/definition.ts';
import { call } from './https-call.ts';
import type { CostCenter } from './ledger-view.ts';
import { currentRoster, mappingCodes } from './roster-model.ts';
import type { StandIns } from './stand-ins.ts';
import { PIPELINE_FILE, type Workspace } from './workspace.ts';

export const PIPELINE_NAME = 'keystone-bamboohr-to-sage100';
export const WEBHOOK_PATH = '/hooks/keystone/bamboohr';

const workIo = (io: CliIo, workspace: Workspace): CliIo => ({ ...io, cwd: workspace.work, env: workspace.env });

/** The real OAuth flow; the "browser" follows the sandbox's consent page, which allows at once. */
export async function authorize(io: CliIo, workspace: Workspace, standIns: StandIns, registry: ConnectorRegistry): Promise<void> {
  const result = await runConnect({
    name: 'bamboohr',
    pipelinePath: PIPELINE_FILE,
    registry,
    io: { ...workIo(io, workspace), stdout: () => {}, stderr: () => {} },
    flags: {},
    timeoutMs: 60_000,
    async openUrl(url) {
      io.stdout(`  consent page: ${url.split('?')[0]}?… (a real BambooHR asks a person to Allow; the sandbox allows at once)\n`);
      const consent = await call(url, { ca: standIns.sandboxPem });
      if (!consent.location) throw new Error(`the sandbox's consent page answered ${consent.status} without a redirect`);
      await call(consent.location);
    },
  });
  if ('problems' in result) throw new Error(result.problems);
  io.stdout(`  the refresh token is stored, encrypted, as secret '${result.stored}' (scopes: ${String(result.facts?.scopes ?? '')})\n`);
}

/** Registers the webhook as an integrator does in BambooHR's settings; BambooHR returns its signing key once. */
export async function createWebhook(standIns: StandIns, receiverUrl: string): Promise<string> {
  const basic = Buffer.from(`${standIns.sandbox.credentials().apiKey}:x`).toString('base64');
  const answer = await call(`${standIns.sandbox.companyUrl()}/api/v1/webhooks`, {
    method: 'POST',
    ca: standIns.sandboxPem,
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ name: 'ml-connector', url: receiverUrl, format: 'json', monitorFields: ['department', 'division', 'location', 'status'], postFields: { department: 'department' } }),
  });
  const key = (JSON.parse(answer.body) as { privateKey?: string }).privateKey;
  if (answer.status >= 300 || !key) throw new Error(`the sandbox refused the webhook (${answer.status}): ${answer.body.slice(0, 200)}`);
  return key;
}

export async function backfill(io: CliIo, workspace: Workspace, run: Command): Promise<number> {
  return run.run([PIPELINE_FILE, '--once', '--mode', 'full'], workIo(io, workspace));
}

export interface Mover {
  id: string;
  name: string;
  from: CostCenter;
  to: CostCenter;
}

/** An active Warehouse employee, with the cost centers before and after the move (codes from the mapping tables). */
export function pickMover(standIns: StandIns, workspace: Workspace): Mover {
  const yard = mappingCodes(workspace, 'departments').get('yard');
  for (const e of currentRoster(standIns, workspace)) {
    if (e.department !== 'Warehouse' || !e.center || !yard) continue;
    return { id: e.id, name: e.name, from: e.center, to: { ...e.center, department: yard } };
  }
  throw new Error('the sandbox has no active Warehouse employee to move');
}

export async function waitFor(what: string, condition: () => Promise<boolean>, signal: AbortSignal, attempts = 240): Promise<void> {
  for (let i = 0; i < attempts; i += 1) {
    signal.throwIfAborted();
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`gave up waiting for ${what} after ${Math.round((attempts * 250) / 1000)} s (see .demo/serve.log)`);
}

function changed(before: JsonObject | undefined, after: JsonObject | undefined): string {
  if (!after) return '';
  const fields = Object.keys(after).filter((k) => JSON.stringify(before?.[k]) !== JSON.stringify(after[k]) && typeof after[k] !== 'object');
  return fields.map((k) => `${k} ${before?.[k] === undefined ? '' : `${JSON.stringify(before[k])} → `}${JSON.stringify(after[k])}`).join(', ');
}

function trailLine(e: AuditEvent): string {
  const at = `  ${e.at.slice(11, 19)}  ${e.stage.padEnd(11)}`;
  if (e.stage === 'written') return `${at} ${(e.detail ?? '').split(' ')[0]} ${e.recordKey}: ${changed(e.before, e.after)}\n`;
  if (e.stage === 'read') return `${at} employee ${e.recordKey} read from BambooHR\n`;
  return `${at}${e.step ? ` [${e.step}]` : ''}${e.detail ? ` ${e.detail}` : ''}\n`;
}

/** The moved employee's trail, in plain words: from the webhook to the ledger writes. */
export async function trail(workspace: Workspace, recordKey: string): Promise<string> {
  const store = await openStore({ dataDir: workspace.state, cwd: workspace.work, readOnly: true });
  try {
    let text = '';
    for await (const e of store.audit.query({ pipeline: PIPELINE_NAME, recordKey })) text += trailLine(e);
    return text || '  (no events)\n';
  } finally {
    await store.close();
  }
}
