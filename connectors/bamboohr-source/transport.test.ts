// The client against servers that are not the sandbox's happy path: the sandbox over HTTPS with its
// self-signed certificate (trusted only when pinned; verification never off), and a hostile stand-in
// that answers the token endpoint (refresh or connect's code exchange) with a 500, an HTML page, an
// empty token or no refresh token, or closes the connection in the middle of a body. Each ends in a
// coded error with a bounded number of requests.
import { X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBambooSandbox, generateSandboxCertificate, type RunningSandbox } from '../../sandbox/bamboohr/index.ts';
import { createFakeContext } from '../../test/support/fake-context.ts';
import type { BambooHrSourceConfig } from './config.ts';
import { bambooAuthorization } from './authorize.ts';
import { bambooHrSource } from './index.ts';
import { collect, sandboxSecrets } from './test-support.ts';

const signal = (): AbortSignal => AbortSignal.timeout(20_000);

describe('bamboohr-source over TLS with the sandbox certificate pinned', () => {
  let sandbox: RunningSandbox;
  let pem: string;
  let fingerprint: string;
  beforeAll(async () => {
    const pair = await generateSandboxCertificate();
    pem = pair.cert;
    fingerprint = new X509Certificate(pair.cert).fingerprint256;
    sandbox = await startBambooSandbox({ tls: pair });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  async function readAllWith(tls: BambooHrSourceConfig['tls'] | undefined): Promise<number> {
    const fake = createFakeContext({ secrets: { ...sandboxSecrets(sandbox), 'sandbox-ca': pem } });
    const config: BambooHrSourceConfig = { subdomain: 'keystone', auth: { apiKey: '${secret:bamboohr-api-key}' }, baseUrl: sandbox.companyUrl(), ...(tls ? { tls } : {}) };
    const source = await bambooHrSource.create(Object.freeze(config), fake.context);
    try {
      return (await collect(source.readAll({ signal: signal() }))).records.length;
    } finally {
      await source.close?.();
    }
  }

  it('reads all 199 employees over https when the certificate is trusted by CA and by fingerprint', async () => {
    expect(sandbox.url.startsWith('https://')).toBe(true);
    expect(await readAllWith({ ca: '${secret:sandbox-ca}' })).toBe(199);
    expect(await readAllWith({ ca: '${secret:sandbox-ca}', fingerprint256: fingerprint })).toBe(199);
    // A pin alone trusts exactly that certificate: it becomes the CA of a verifying connection.
    expect(await readAllWith({ fingerprint256: fingerprint })).toBe(199);
  });

  it('refuses the self-signed certificate when it is not trusted, and a pin that does not match', async () => {
    await expect(readAllWith(undefined)).rejects.toMatchObject({ code: 'MLC_TLS_UNTRUSTED' });
    const wrong = fingerprint.replace(/^../, fingerprint.startsWith('00') ? '11' : '00');
    await expect(readAllWith({ ca: '${secret:sandbox-ca}', fingerprint256: wrong })).rejects.toMatchObject({ code: 'MLC_TLS_UNTRUSTED' });
    await expect(readAllWith({ fingerprint256: wrong })).rejects.toMatchObject({ code: 'MLC_TLS_UNTRUSTED', message: expect.stringContaining(fingerprint) });
  });
});

describe('bamboohr-source against a hostile server', () => {
  let server: Server;
  let base: string;
  let mode: 'token-500' | 'token-html' | 'token-empty' | 'token-no-refresh' | 'cut-body' = 'token-500';
  const hits = { token: 0, api: 0 };
  const paths: string[] = [];

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    req.resume();
    if (path.endsWith('/token.php')) {
      hits.token += 1;
      if (mode === 'token-500') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream exploded');
      if (mode === 'token-html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Maintenance</body></html>');
      if (mode === 'token-no-refresh') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"token_type":"Bearer","access_token":"a-1","expires_in":3600,"scope":"openid employee"}');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"token_type":"Bearer","access_token":""}');
    }
    hits.api += 1;
    paths.push(`${req.method} ${path.replace(/^.*\/api\/v1/, '')}`);
    // Declares a large JSON body, sends its first bytes, then drops the connection.
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
    res.write('{"employees":[{"id":"4","firstName":"Ann');
    setImmediate(() => res.socket?.destroy());
  }

  beforeAll(async () => {
    server = createServer(handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}/co/keystone`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const hostileOauthConfig = (): BambooHrSourceConfig => ({
    subdomain: 'keystone',
    baseUrl: base,
    auth: { oauth: { clientId: 'c', clientSecret: '${secret:bamboohr-client-secret}', refreshToken: '${secret:bamboohr-refresh-token}' } },
  });

  async function oauthSource() {
    const fake = createFakeContext({ secrets: { 'bamboohr-client-secret': 's', 'bamboohr-refresh-token': 'r-1' } });
    return { fake, source: await bambooHrSource.create(Object.freeze(hostileOauthConfig()), fake.context) };
  }

  it.each([
    ['token-500', 'MLC_REMOTE_UNAVAILABLE'],
    ['token-html', 'MLC_REMOTE_BAD_RESPONSE'],
    ['token-empty', 'MLC_REMOTE_BAD_RESPONSE'],
  ] as const)('a token endpoint answering %s gives %s after one token request, no API call and nothing stored', async (m, code) => {
    mode = m;
    hits.token = 0;
    hits.api = 0;
    const { fake, source } = await oauthSource();
    await expect(collect(source.readKeys(['4'], { signal: signal() }))).rejects.toMatchObject({ code });
    expect(hits).toEqual({ token: 1, api: 0 });
    expect(fake.secrets.get('bamboohr-refresh-token')).toBe('r-1');
    await source.close?.();
  });

  it.each([
    ['token-500', 'MLC_REMOTE_UNAVAILABLE'],
    ['token-html', 'MLC_REMOTE_BAD_RESPONSE'],
    ['token-no-refresh', 'MLC_AUTHORIZATION_FAILED'],
  ] as const)('connect: a code exchange answered with %s gives %s after one token request, and nothing is stored', async (m, code) => {
    mode = m;
    hits.token = 0;
    hits.api = 0;
    const { fake } = await oauthSource();
    fake.secrets.delete('bamboohr-refresh-token');
    const request = await bambooAuthorization(hostileOauthConfig(), fake.context);
    await expect(request.complete('code-1', { signal: signal() })).rejects.toMatchObject({ code });
    expect(hits).toEqual({ token: 1, api: 0 });
    expect(fake.secrets.has('bamboohr-refresh-token')).toBe(false);
  });

  it.each([
    ['an employee read (GET)', ['4']],
    ['a custom report read (POST)', ['1', '2', '3', '4', '5', '6', '7']],
  ])('a connection closed in the middle of %s is transient, retried a bounded number of times', async (_label, keys) => {
    mode = 'cut-body';
    hits.api = 0;
    const fake = createFakeContext({ secrets: { 'bamboohr-api-key': 'k' } });
    const source = await bambooHrSource.create(Object.freeze({ subdomain: 'keystone', baseUrl: base, auth: { apiKey: '${secret:bamboohr-api-key}' } }), fake.context);
    await expect(collect(source.readKeys(keys, { signal: signal() }))).rejects.toMatchObject({ code: 'MLC_REMOTE_UNAVAILABLE' });
    expect(hits.api).toBe(fake.sleeps.length + 1);
    expect(hits.api).toBeGreaterThan(1);
    expect(hits.api).toBeLessThanOrEqual(6);
    expect(new Set(paths.splice(0))).toEqual(new Set([keys.length === 1 ? 'GET /employees/4' : 'POST /reports/custom']));
    await source.close?.();
  });
});
