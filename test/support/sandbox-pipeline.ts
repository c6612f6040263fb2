// The example pipeline copied into a temporary folder with its source pointed at an in-process
// BambooHR sandbox (API key, or OAuth with a given redirect URI), and the environment its secrets
// come from. Shared by the CLI tests that read from the sandbox (read, coverage, connect).
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningSandbox } from '../../sandbox/bamboohr/index.ts';
import { repoRoot } from './cli.ts';

export interface SandboxPipeline {
  dir: string;
  /** The pipeline's file name inside dir. */
  file: string;
  env: NodeJS.ProcessEnv;
}

export function pipelineAgainstSandbox(sandbox: RunningSandbox, auth: { apiKey: true } | { oauthRedirectUri: string }, prefix = 'mlc-cli-'): SandboxPipeline {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(join(repoRoot, 'mappings'), join(dir, 'mappings'), { recursive: true });
  const original = readFileSync(join(repoRoot, 'pipelines/keystone-bamboohr-to-sage100.yaml'), 'utf8');
  const pipeline =
    'apiKey' in auth
      ? original.replace(/    auth:\n      oauth:\n(        .*\n){3}/, `    baseUrl: ${sandbox.companyUrl()}\n    auth:\n      apiKey: \${secret:bamboohr-api-key}\n`)
      : original
          .replace('clientId: keystone-sandbox-client', `clientId: ${sandbox.credentials().oauth.clientId}\n        redirectUri: ${auth.oauthRedirectUri}`)
          .replace('    subdomain: keystone\n', `    subdomain: keystone\n    baseUrl: ${sandbox.companyUrl()}\n`);
  writeFileSync(join(dir, 'pipelines.yaml'), pipeline.replaceAll('../mappings/', './mappings/'));
  const env: NodeJS.ProcessEnv = {
    ML_CONNECTOR_DATA: join(dir, '.state'),
    ML_CONNECTOR_SECRET_BAMBOOHR_WEBHOOK_KEY: 'x',
    ML_CONNECTOR_SECRET_SAGE_AGENT_CA: 'x',
    ML_CONNECTOR_SECRET_SAGE_AGENT_KEY: 'x',
    ...('apiKey' in auth
      ? { ML_CONNECTOR_SECRET_BAMBOOHR_API_KEY: sandbox.credentials().apiKey }
      : { ML_CONNECTOR_MASTER_KEY: randomBytes(32).toString('hex'), ML_CONNECTOR_SECRET_BAMBOOHR_CLIENT_SECRET: sandbox.credentials().oauth.clientSecret }),
  };
  return { dir, file: 'pipelines.yaml', env };
}
