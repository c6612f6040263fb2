// Shared by this connector's tests and bench: the sandbox started in-process, a connector created
// against it with the fake context, and the sandbox's request log as the witness of what was sent.
import { startBambooSandbox, generateSandboxCertificate, type RunningSandbox, type SandboxOptions } from '../../sandbox/bamboohr/index.ts';
import { createFakeContext, type FakeContext, type FakeContextOptions } from '../../test/support/fake-context.ts';
import type { SourceConnector, SourcePage, SourceRecord } from '../../runtime/index.ts';
import type { BambooHrSourceConfig } from './config.ts';
import { bambooHrSource } from './index.ts';

export interface Rig {
  sandbox: RunningSandbox;
  fake: FakeContext;
  source: SourceConnector;
  config: BambooHrSourceConfig;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions & { withTls?: boolean } = {}): Promise<RunningSandbox> {
  const { withTls, ...rest } = options;
  return startBambooSandbox({ ...rest, ...(withTls ? { tls: await generateSandboxCertificate() } : {}) });
}

export function apiKeyConfig(sandbox: RunningSandbox, extra: Partial<BambooHrSourceConfig> = {}): BambooHrSourceConfig {
  return { subdomain: 'keystone', auth: { apiKey: '${secret:bamboohr-api-key}' }, baseUrl: sandbox.companyUrl(), ...extra };
}

export function oauthConfig(sandbox: RunningSandbox, extra: Partial<BambooHrSourceConfig> = {}): BambooHrSourceConfig {
  const { clientId } = sandbox.credentials().oauth;
  return {
    subdomain: 'keystone',
    auth: { oauth: { clientId, clientSecret: '${secret:bamboohr-client-secret}', refreshToken: '${secret:bamboohr-refresh-token}' } },
    baseUrl: sandbox.companyUrl(),
    ...extra,
  };
}

export function sandboxSecrets(sandbox: RunningSandbox, extra: Record<string, string> = {}): Record<string, string> {
  const credentials = sandbox.credentials();
  return { 'bamboohr-api-key': credentials.apiKey, 'bamboohr-client-secret': credentials.oauth.clientSecret, ...extra };
}

export async function createRig(sandbox: RunningSandbox, config: BambooHrSourceConfig, context: FakeContextOptions = {}): Promise<Rig> {
  const fake = createFakeContext({ secrets: sandboxSecrets(sandbox), ...context });
  const source = await bambooHrSource.create(Object.freeze(config), fake.context);
  return { sandbox, fake, source, config, close: async () => source.close?.() };
}

export async function collect(pages: AsyncIterable<SourcePage>): Promise<{ records: SourceRecord[]; pages: SourcePage[] }> {
  const all: SourcePage[] = [];
  for await (const page of pages) all.push(page);
  return { records: all.flatMap((p) => p.records), pages: all };
}

/** Obtains a refresh token the way `connect` does, by following the sandbox's auto-consent redirect. */
export async function authorizeInSandbox(sandbox: RunningSandbox, scope = 'openid offline_access employee report field'): Promise<string> {
  const { clientId, clientSecret, redirectUris } = sandbox.credentials().oauth;
  const redirectUri = redirectUris[0] ?? '';
  const query = new URLSearchParams({ request: 'authorize', response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope, state: 'test-state' });
  const authorize = await fetch(`${sandbox.companyUrl()}/authorize.php?${query}`, { redirect: 'manual' });
  const code = new URL(authorize.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const token = await fetch(`${sandbox.companyUrl()}/token.php?request=token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, client_secret: clientSecret }),
  });
  const body = (await token.json()) as { refresh_token?: string };
  if (!body.refresh_token) throw new Error('the sandbox issued no refresh token');
  return body.refresh_token;
}
