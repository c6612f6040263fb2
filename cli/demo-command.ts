// `ml-connector demo` (npm start): the whole product on one machine. It checks the embedded Keystone
// example as CI would, starts the BambooHR sandbox and the Sage 100 agent (sim) on loopback over
// HTTPS, connects with the real OAuth flow, backfills, then moves one employee from Warehouse to Yard
// in the sandbox: BambooHR's signed webhook reaches `serve`, which updates Sage 100. It prints the
// ledger before and after and the employee's trail, then keeps serving (or stops, with --once).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs } from '../runtime/cli/args.ts';
import { EXIT, UsageError, type CliIo, type Command } from '../runtime/cli/command.ts';
import { serveCommand } from '../runtime/cli/serve-command.ts';
import { runCommand } from '../runtime/cli/run-command.ts';
import type { ConnectorRegistry } from '../runtime/connectors/registry.ts';
import { freePort } from '../runtime/util/free-port.ts';
import { openLedger, readLedger, renderBeforeAfter } from './demo/ledger-view.ts';
import { startStandIns, type StandIns } from './demo/stand-ins.ts';
import { authorize, backfill, createWebhook, pickMover, PIPELINE_NAME, trail, waitFor, WEBHOOK_PATH } from './demo/story.ts';
import { PIPELINE_FILE, pointAtStandIns, prepareWorkspace, type Workspace } from './demo/workspace.ts';

const EXAMPLE_ROOT = fileURLToPath(new URL('..', import.meta.url));

const USAGE = `Usage: ml-connector demo [--once] [--port N]

The live demo on the embedded Keystone Building Supply example: validates it and runs its cases,
starts the BambooHR sandbox and the Sage 100 agent (sim) on 127.0.0.1 over HTTPS, connects with the
real OAuth flow, backfills Sage 100, moves one employee from Warehouse to Yard and follows the signed
webhook to the ledger. Everything it writes is under .demo/ in the repository (started afresh each time).

Options:
  --once     stop after the story instead of serving on
  --port N   serve's port (default: a free one)
`;

export interface Serving {
  url: string;
  stop(): Promise<number>;
}

export async function startServe(registry: ConnectorRegistry, workspace: Workspace, port: number, parent: AbortSignal): Promise<Serving> {
  const stop = new AbortController();
  parent.addEventListener('abort', () => stop.abort(), { once: true });
  const log = join(workspace.root, 'serve.log');
  let firstLine = '';
  const io: CliIo = {
    stdout: (t) => {
      firstLine ||= t;
      appendFileSync(log, t);
    },
    stderr: (t) => appendFileSync(log, t),
    env: workspace.env,
    cwd: workspace.work,
    stopSignal: stop.signal,
  };
  const exit = serveCommand(registry).run(['pipelines', '--port', String(port), '--data', workspace.state], io);
  let ended = false;
  void exit.finally(() => (ended = true));
  await waitFor('serve to start', async () => firstLine.includes('"url"') || ended, parent, 120);
  if (!firstLine.includes('"url"')) throw new Error(`serve did not start (exit ${await exit}); see ${log}`);
  const { url } = JSON.parse(firstLine.split('\n')[0] as string) as { url: string };
  return { url, stop: async () => (stop.abort(), exit) };
}

async function acceptedDeliveries(serveUrl: string): Promise<number> {
  const metrics = await (await fetch(`${serveUrl}/metrics`)).text();
  const line = metrics.split('\n').find((l) => l.startsWith('mlc_webhook_deliveries_total{') && l.includes('outcome="accepted"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

export function demoCommand(registry: ConnectorRegistry, validate: Command, test: Command): Command {
  return {
    name: 'demo',
    summary: 'run the embedded Keystone Building Supply example',
    usage: USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { once: { type: 'boolean' }, port: { type: 'string' } });
      if (positionals.length > 0) throw new UsageError(`demo takes no arguments, got '${positionals[0]}'`);
      const wantedPort = values.port === undefined ? 0 : Number(values.port);
      if (!Number.isInteger(wantedPort) || wantedPort < 0 || wantedPort > 65_535) throw new UsageError(`--port must be a port number, not '${values.port}'`);
      const here = { ...io, cwd: EXAMPLE_ROOT };
      const say = (text: string): void => io.stdout(text);
      say('ml-connector demo: Keystone Building Supply, BambooHR → Sage 100\n\n1. Check the example as CI does: validate, then the mapping cases\n');
      if ((await validate.run(['--offline', '--quiet', 'pipelines'], here)) !== EXIT.ok) return EXIT.invalid;
      if ((await test.run(['mappings'], { ...here, stdout: () => {} })) !== EXIT.ok) return EXIT.invalid;
      say('  pipelines/ and mappings/ are valid; every mapping case passes\n');

      const workspace = prepareWorkspace(EXAMPLE_ROOT, io);
      say('\n2. Start the stand-ins on 127.0.0.1 (state under .demo/)\n');
      const standIns: StandIns = await startStandIns(workspace.root);
      let serving: Serving | undefined;
      try {
        const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
        standIns.sandbox.admin.setRedirectUris('keystone', [redirectUri]);
        pointAtStandIns(workspace, standIns, redirectUri);
        say(`  BambooHR sandbox  ${standIns.sandbox.url}  (company keystone, 199 employees; certificate pinned ${standIns.sandboxFingerprint.slice(0, 17)}…)\n`);
        say(`  Sage 100 agent    ${standIns.agent.url}  (sim backend, company KBS; certificate pinned ${standIns.agent.fingerprint256.slice(0, 16)}…, API key created)\n`);
        await workspace.storeSecret('bamboohr-client-secret', standIns.sandbox.credentials().oauth.clientSecret);
        await workspace.storeSecret('sage-agent-key', standIns.agentKey);

        say('\n3. Connect to BambooHR (OAuth 2.0 authorization code, as `ml-connector connect bamboohr` does)\n');
        await authorize(io, workspace, standIns, registry);

        const servePort = wantedPort || (await freePort());
        const receiver = `http://127.0.0.1:${servePort}${WEBHOOK_PATH}`;
        say(`  BambooHR's webhook registered for ${receiver}; its signing key is stored as a secret\n`);
        await workspace.storeSecret('bamboohr-webhook-key', await createWebhook(standIns, receiver));

        say('\n4. Backfill Sage 100 from BambooHR (a complete run)\n');
        const backfilled = await backfill(io, workspace, runCommand(registry));
        if (backfilled !== EXIT.ok) say('  (exit 1: a record waits in quarantine, shown by `ml-connector quarantine list`; everything else is in Sage 100)\n');

        say('\n5. Start serve: webhooks, cron, retries, health and metrics\n');
        serving = await startServe(registry, workspace, servePort, io.stopSignal);
        const serveUrl = serving.url;
        say(`  serve is up: ${serveUrl} (/healthz, /readyz, /metrics); its log is .demo/serve.log\n`);

        const mover = pickMover(standIns, workspace);
        const period = new Date().toISOString().slice(0, 7);
        const ledger = await openLedger(workspace, io.stopSignal);
        const sep = ledger.config.accountFormat.separator;
        const centers = [mover.from, mover.to];
        const before = await readLedger(ledger.sink, ledger.config, centers, period, io.stopSignal);
        const delivered = await acceptedDeliveries(serveUrl);
        say(`\n6. Move ${mover.name} (employee ${mover.id}) from Warehouse to Yard in BambooHR\n`);
        standIns.sandbox.admin.move('keystone', mover.id, { department: 'Yard' });
        await waitFor('the signed webhook', async () => (await acceptedDeliveries(serveUrl)) > delivered, io.stopSignal);
        say('  BambooHR posted a signed webhook; serve verified its HMAC-SHA256 signature and queued the change\n');
        const yardKey = `${[mover.to.division, mover.to.department, mover.to.location].join(sep)}`;
        await waitFor('Sage 100 to be updated', async () => {
          const now = await readLedger(ledger.sink, ledger.config, centers, period, io.stopSignal);
          const row = (rows: string[][]): string | undefined => rows.find((r) => r[0] === yardKey)?.[2];
          return row(now.headcount) !== row(before.headcount);
        }, io.stopSignal);
        const after = await readLedger(ledger.sink, ledger.config, centers, period, io.stopSignal);
        await ledger.sink.close?.();
        say('  serve read the employee back from BambooHR and updated Sage 100:\n\n');
        say(renderBeforeAfter(before, after));
        say(`\n7. ${mover.name}'s trail (ml-connector audit --record ${mover.id})\n`);
        say(await trail(workspace, mover.id));

        if (values.once) {
          say('\nDone (--once). Run `npm start` without --once to keep serving and try things yourself.\n');
          return EXIT.ok;
        }
        const flags = '--data .demo/state --key-file .demo/master.key';
        const admin = `${standIns.sandbox.url}/_sandbox/companies/keystone`;
        say(
          `\nServing on ${serveUrl}. Try, in another terminal:\n` +
            `  curl --cacert .demo/sandbox-cert.pem -X POST ${admin}/employees -H 'content-type: application/json' -d '{"firstName":"Pat","lastName":"New","department":"Yard","division":"Retail","location":"Harrisburg, PA"}'   # hire someone\n` +
            `  curl --cacert .demo/sandbox-cert.pem -X POST ${admin}/employees/${mover.id}/move -H 'content-type: application/json' -d '{"department":"Warehouse"}'   # move them back\n` +
            `  npx ml-connector plan .demo/work/${PIPELINE_FILE} ${flags}\n` +
            `  npx ml-connector audit --pipeline ${PIPELINE_NAME} --record ${mover.id} ${flags}\n` +
            `  npx ml-connector quarantine list ${flags}     (replay needs the state to itself: stop the demo first)\n` +
            `  curl ${serveUrl}/metrics\n` +
            'Ctrl-C stops everything.\n',
        );
        await new Promise<void>((resolve) => (io.stopSignal.aborted ? resolve() : io.stopSignal.addEventListener('abort', () => resolve(), { once: true })));
        say('\nstopping…\n');
        return EXIT.ok;
      } finally {
        await serving?.stop();
        await standIns.close();
      }
    },
  };
}
