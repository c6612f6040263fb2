// `ml-connector demo` (npm start): the whole product on one machine. It starts the BambooHR sandbox and
// the Sage 100 agent (sim, HTTPS, pinned), connects by the real OAuth flow, backfills, serves, moves one
// Warehouse employee to Yard in BambooHR and shows Sage 100 before and after and the audit trail.
// Everything it writes is under one git-ignored folder (.demo/ by default), wiped at each start.
import { mkdirSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs } from '../runtime/cli/args.ts';
import { EXIT, UsageError, type CliIo, type Command } from '../runtime/cli/command.ts';
import type { ConnectorRegistry } from '../runtime/connectors/registry.ts';
import { PIPELINE_NAME, WEBHOOK_PATH, demoLayout, registerWebhook, storeDemoSecrets, writeDemoPipeline } from './demo/demo-pipeline.ts';
import { freePort } from './demo/free-port.ts';
import { runServe } from './demo/serve-in-process.ts';
import { renderComparison, sageReader } from './demo/sage-view.ts';
import { headcountOf, someoneIn, waitForSage } from './demo/scenario.ts';
import { startStandIns } from './demo/stand-ins.ts';

const EXAMPLE_ROOT = fileURLToPath(new URL('..', import.meta.url));

const USAGE = `Usage: ml-connector demo [--once] [--dir DIR]

Runs the Keystone Building Supply example for real on this machine: a BambooHR sandbox and a Sage 100
agent (simulated Sage, HTTPS with a pinned self-signed certificate) on loopback, the OAuth consent,
the initial backfill, then a Warehouse → Yard move sent as a signed webhook and applied by serve.
Keeps serving until Ctrl-C, or exits after the move with --once.

  --once      exit 0 once the move has reached Sage 100
  --dir DIR   the demo's folder (default .demo/ in the repository; wiped at start)
`;

export function demoCommand(registry: ConnectorRegistry, commands: { run: () => Promise<Command>; audit: () => Promise<Command> }): Command {
  return {
    name: 'demo',
    summary: 'run the embedded Keystone Building Supply example',
    usage: USAGE,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(args, { once: { type: 'boolean' }, dir: { type: 'string' } });
      if (positionals.length > 0) throw new UsageError(`demo takes no arguments, got '${positionals[0]}'`);
      const dir = resolve(io.cwd, values.dir ?? resolve(EXAMPLE_ROOT, '.demo'));
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const layout = demoLayout(EXAMPLE_ROOT, dir, io.env);
      const here: CliIo = { ...io, env: layout.env, cwd: EXAMPLE_ROOT };
      const say = (text: string) => io.stdout(text);
      say('ml-connector demo: Keystone Building Supply, BambooHR → Sage 100\n\n');

      const standIns = await startStandIns({ dir });
      const reader = sageReader(standIns.agent, standIns.agentKey);
      try {
        const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
        standIns.sandbox.admin.setRedirectUris('keystone', [redirectUri]);
        writeDemoPipeline(layout, standIns, redirectUri);
        const servePort = await freePort();
        const signingKey = await registerWebhook(standIns, `http://127.0.0.1:${servePort}${WEBHOOK_PATH}`);
        await storeDemoSecrets(layout, {
          'bamboohr-client-secret': standIns.sandbox.credentials().oauth.clientSecret,
          'bamboohr-webhook-key': signingKey,
          'sage-agent-ca': standIns.agent.certificate,
          'sage-agent-key': standIns.agentKey,
        });
        say(`1. Started the stand-ins on loopback:\n   BambooHR sandbox  ${standIns.sandbox.companyUrl()}\n   Sage 100 agent    ${standIns.agent.url} (sim backend; certificate SHA-256 ${standIns.agent.fingerprint256.slice(0, 23)}… pinned by the pipeline)\n`);
        say(`   The pipeline the demo runs: ${relative(EXAMPLE_ROOT, layout.pipelineFile)} (the example, pointed at them); secrets in ${relative(EXAMPLE_ROOT, layout.dataDir)}/\n\n`);

        say('2. Connecting to BambooHR with OAuth (the sandbox consents at once; the grant goes to the secret store)\n');
        const { runConnect } = await import('../runtime/cli/connect-command.ts');
        const connected = await runConnect({ name: 'bamboohr', pipelinePath: layout.pipelineFile, registry, io: here, flags: {}, openUrl: followConsent, timeoutMs: 30_000 });
        if ('problems' in connected) {
          io.stderr(`demo: connect failed:\n${connected.problems}\n`);
          return EXIT.invalid;
        }
        say('   connected\n\n3. Initial backfill (run --mode full)\n');
        const run = await commands.run();
        const backfilled = await run.run([layout.pipelineFile, '--once', '--mode', 'full'], here);
        if (backfilled !== EXIT.ok) say(`   Exit ${backfilled}: some records wait in the quarantine (the summary above says why; 'quarantine list' names them). The rest was written.\n`);
        const period = new Date().toISOString().slice(0, 7);
        const before = await reader.read(period);

        say('\n4. Serving: webhooks, cron and the worker\n');
        const serve = await runServe(registry, layout, servePort, here);
        say(`   ${serve.url} (try ${serve.url}/healthz and ${serve.url}/metrics)\n\n`);

        const mover = someoneIn(standIns.sandbox, 'Warehouse');
        const was = headcountOf(before);
        say(`5. In BambooHR, ${mover.name} (employee ${mover.id}) moves from Warehouse to Yard; BambooHR sends a signed webhook to serve.\n`);
        standIns.sandbox.admin.move('keystone', mover.id, { department: 'Yard' });
        const after = await waitForSage(reader, period, (view) => {
          const now = headcountOf(view);
          return [...now].some(([center, count]) => center.includes('-YRD-') && count > (was.get(center) ?? 0));
        }, io.stopSignal);
        if (!after) {
          io.stderr('demo: the move did not reach Sage 100 within a minute; see the log above and `ml-connector audit`\n');
          await serve.stop();
          return EXIT.invalid;
        }
        say('   The move reached Sage 100.\n\n');
        say(renderComparison(before, after));
        say(`\n6. The audit trail of employee ${mover.id}:\n`);
        const audit = await commands.audit();
        await audit.run(['--record', mover.id], here);

        if (values.once) {
          await serve.stop();
          say('\nDone (--once).\n');
          return EXIT.ok;
        }
        say(pokeHelp(layout, serve.url, standIns.sandbox.companyUrl()));
        return await serve.done;
      } finally {
        await reader.close();
        await standIns.close();
      }
    },
  };
}

/** The browser's part of the consent: the sandbox answers with a redirect to the loopback listener. */
async function followConsent(url: string): Promise<void> {
  const consent = await fetch(url, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (!location) throw new Error(`the consent page answered ${consent.status} without a redirect`);
  await fetch(location);
}

function pokeHelp(layout: ReturnType<typeof demoLayout>, serveUrl: string, sandboxUrl: string): string {
  const env = `ML_CONNECTOR_DATA=${relative(layout.root, layout.dataDir)} ML_CONNECTOR_MASTER_KEY_FILE=${relative(layout.root, layout.keyFile)}`;
  const pipeline = relative(layout.root, layout.pipelineFile);
  return `
Still serving. Poke it from another terminal (in the repository):
  hire someone          curl -X POST ${sandboxUrl.replace(/\/co\/.*/, '')}/_sandbox/companies/keystone/employees -H 'content-type: application/json' -d '{"firstName":"Ada","lastName":"Byron","department":"Yard","division":"Retail","location":"Harrisburg, PA"}'
  rename a department   curl -X PATCH ${sandboxUrl.replace(/\/co\/.*/, '')}/_sandbox/companies/keystone/lists/department/options/ID -H 'content-type: application/json' -d '{"name":"Lumber Yard"}'
                        (a name with no row in mappings/departments.yaml is quarantined; add the row, then replay)
  plan                  ${env} npx ml-connector plan ${pipeline}
  audit                 ${env} npx ml-connector audit --pipeline ${PIPELINE_NAME}
  replay                ${env} npx ml-connector replay ${pipeline} --all
  metrics               curl ${serveUrl}/metrics
Ctrl-C stops it.
`;
}
