// The demo's one folder (`.demo/` in the repository, git-ignored): a copy of the example pipeline and
// its mappings pointed at the stand-ins (addresses, pinned certificates, the loopback redirect URI),
// the runtime's state and encrypted secret store, the master key, and the logs. Started afresh on
// each run, so the story is the same every time; nothing is written outside it.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../../runtime/cli/command.ts';
import { createSecretResolver, type SecretResolver } from '../../runtime/secrets/resolver.ts';
import { secretLocations } from '../../runtime/secrets/locations.ts';
import type { StandIns } from './stand-ins.ts';

export const PIPELINE_FILE = 'pipelines/keystone-bamboohr-to-sage100.yaml';

export interface Workspace {
  root: string;
  work: string;
  state: string;
  keyFile: string;
  /** The commands' environment: state, secrets and key under the demo folder; quiet logs. */
  env: NodeJS.ProcessEnv;
  /** The demo's secret store (encrypted under .demo/master.key), for the demo's own reads and writes. */
  secrets: SecretResolver;
  storeSecret(name: string, value: string): Promise<void>;
}

function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the example pipeline no longer contains '${from.trim()}'; the demo cannot point it at the stand-ins`);
  return text.replace(from, to);
}

export function prepareWorkspace(exampleRoot: string, io: CliIo): Workspace {
  // Tests point the demo elsewhere, so a developer's running demo and the suite never share a folder.
  const root = io.env.ML_CONNECTOR_DEMO_DIR ?? join(exampleRoot, '.demo');
  rmSync(root, { recursive: true, force: true });
  const work = join(root, 'work');
  const state = join(root, 'state');
  mkdirSync(state, { recursive: true, mode: 0o700 });
  cpSync(join(exampleRoot, 'pipelines'), join(work, 'pipelines'), { recursive: true });
  cpSync(join(exampleRoot, 'mappings'), join(work, 'mappings'), { recursive: true });
  const keyFile = join(root, 'master.key');
  writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { ...io.env, ML_CONNECTOR_DATA: state, ML_CONNECTOR_MASTER_KEY_FILE: keyFile, LOG_LEVEL: io.env.LOG_LEVEL ?? 'warn' };
  delete env.ML_CONNECTOR_MASTER_KEY;
  const secrets = createSecretResolver(secretLocations({ data: state, 'key-file': keyFile }, { env, cwd: work }));
  return { root, work, state, keyFile, env, secrets, storeSecret: (name, value) => secrets.store(name, value) };
}

/** Points the copied pipeline at the stand-ins: both certificates pinned by fingerprint, verification on. */
export function pointAtStandIns(workspace: Workspace, standIns: StandIns, redirectUri: string): void {
  const file = join(workspace.work, PIPELINE_FILE);
  let text = readFileSync(file, 'utf8');
  text = replaceOnce(text, '    subdomain: keystone\n', `    subdomain: keystone\n    baseUrl: ${standIns.sandbox.companyUrl()}\n    tls:\n      fingerprint256: "${standIns.sandboxFingerprint}"\n`);
  text = replaceOnce(text, 'clientId: keystone-sandbox-client', `clientId: ${standIns.sandbox.credentials().oauth.clientId}\n        redirectUri: ${redirectUri}`);
  text = replaceOnce(text, 'url: https://sage-agent.keystone.internal:8443', `url: ${standIns.agent.url}`);
  text = replaceOnce(text, '    tls:\n      ca: ${secret:sage-agent-ca}\n', `    tls:\n      fingerprint256: "${standIns.agent.fingerprint256}"\n`);
  writeFileSync(file, text);
  writeFileSync(join(workspace.root, 'sandbox-cert.pem'), standIns.sandboxPem);
}
