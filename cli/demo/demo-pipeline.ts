// The example pipeline as the demo runs it: a copy under the demo folder pointed at the stand-ins
// (the sandbox's base URL and OAuth client, the agent's URL and certificate fingerprint), its
// secrets in the demo's own encrypted secret store, and a BambooHR webhook aimed at serve.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { httpRequest } from '../../runtime/lib/http-client.ts';
import { EncryptedSecretStore } from '../../runtime/secrets/encrypted-store.ts';
import { loadKeyRing, requireKeyRing } from '../../runtime/secrets/key-ring.ts';
import { formatMasterKey, generateMasterKey } from '../../runtime/secrets/master-key.ts';
import { secretStorePath } from '../../runtime/secrets/resolver.ts';
import type { StandIns } from './stand-ins.ts';

export const PIPELINE_NAME = 'keystone-bamboohr-to-sage100';
export const WEBHOOK_PATH = '/hooks/keystone/bamboohr';

export interface DemoLayout {
  root: string;
  dir: string;
  pipelinesDir: string;
  pipelineFile: string;
  /** The mapping tables the pipeline copy uses (the repository's own unless a test gives a copy). */
  mappingsDir: string;
  dataDir: string;
  keyFile: string;
  /** The environment every command of the demo runs with (and the one printed for poking it). */
  env: NodeJS.ProcessEnv;
}

export function demoLayout(root: string, dir: string, baseEnv: NodeJS.ProcessEnv, mappingsDir = join(root, 'mappings')): DemoLayout {
  const pipelinesDir = join(dir, 'pipelines');
  const dataDir = join(dir, 'state');
  const keyFile = join(dir, 'master.key');
  const env: NodeJS.ProcessEnv = { ...baseEnv, ML_CONNECTOR_DATA: dataDir, ML_CONNECTOR_MASTER_KEY_FILE: keyFile };
  delete env.ML_CONNECTOR_MASTER_KEY;
  delete env.ML_CONNECTOR_STORE_URL;
  delete env.ML_CONNECTOR_SECRETS_DIR;
  return { root, dir, pipelinesDir, pipelineFile: join(pipelinesDir, `${PIPELINE_NAME}.yaml`), mappingsDir, dataDir, keyFile, env };
}

/** Writes the pipeline copy; the OAuth redirect goes to a loopback port `connect` listens on. */
export function writeDemoPipeline(layout: DemoLayout, standIns: StandIns, redirectUri: string): void {
  const { sandbox, agent } = standIns;
  const original = readFileSync(join(layout.root, 'pipelines', `${PIPELINE_NAME}.yaml`), 'utf8');
  const pipeline = original
    .replace('    subdomain: keystone\n', `    subdomain: keystone\n    baseUrl: ${sandbox.companyUrl()}\n`)
    .replace('clientId: keystone-sandbox-client', `clientId: ${sandbox.credentials().oauth.clientId}\n        redirectUri: ${redirectUri}`)
    .replace('url: https://sage-agent.keystone.internal:8443', `url: ${agent.url}`)
    .replace('      ca: ${secret:sage-agent-ca}\n', `      ca: \${secret:sage-agent-ca}\n      fingerprint256: "${agent.fingerprint256}"\n`)
    .replaceAll('../mappings/', `${relative(layout.pipelinesDir, layout.mappingsDir)}/`);
  for (const expected of [sandbox.companyUrl(), redirectUri, agent.url, agent.fingerprint256]) {
    if (!pipeline.includes(expected)) throw new Error(`the example pipeline no longer has the line the demo points at its stand-ins (${expected})`);
  }
  mkdirSync(layout.pipelinesDir, { recursive: true });
  writeFileSync(layout.pipelineFile, pipeline);
}

/** A master key file for the demo's secret store, and the secrets the pipeline names. */
export async function storeDemoSecrets(layout: DemoLayout, secrets: Record<string, string>): Promise<void> {
  writeFileSync(layout.keyFile, formatMasterKey(generateMasterKey()), { mode: 0o600 });
  const ring = requireKeyRing(await loadKeyRing({ env: layout.env, cwd: layout.root }));
  const store = new EncryptedSecretStore(secretStorePath(layout.dataDir));
  for (const [name, value] of Object.entries(secrets)) await store.set(name, value, ring);
}

/** Registers the webhook BambooHR sends on a department, division, location or status change; returns its signing key. */
export async function registerWebhook(standIns: StandIns, url: string): Promise<string> {
  const { apiKey } = standIns.sandbox.credentials();
  const response = await httpRequest(`${standIns.sandbox.companyUrl()}/api/v1/webhooks`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${apiKey}:x`).toString('base64')}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ name: 'ml-connector demo', url, format: 'json', monitorFields: ['department', 'division', 'location', 'status', 'firstName', 'lastName'], postFields: { department: 'department' } }),
  });
  if (response.status !== 201) throw new Error(`the sandbox refused the webhook: ${response.status} ${response.body.toString('utf8').slice(0, 200)}`);
  return (response.json() as { privateKey: string }).privateKey;
}
