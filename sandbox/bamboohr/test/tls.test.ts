// BambooHR is HTTPS; so is the sandbox when asked, so clients are tested over real TLS with the
// sandbox's certificate pinned (verification on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, httpRequest, type HttpDispatcher } from '../../../runtime/lib/http-client.ts';
import { generateSandboxCertificate, startBambooSandbox, type RunningSandbox } from '../index.ts';

describe('sandbox over HTTPS', () => {
  let sandbox: RunningSandbox;
  let pinned: HttpDispatcher;
  let basic: string;
  let certificate: string;

  beforeAll(async () => {
    const tls = await generateSandboxCertificate();
    certificate = tls.cert;
    sandbox = await startBambooSandbox({ tls, employees: 20 });
    pinned = createDispatcher({ ca: tls.cert });
    basic = `Basic ${Buffer.from(`${sandbox.credentials().apiKey}:x`).toString('base64')}`;
  });
  afterAll(async () => {
    await pinned.close();
    await sandbox.close();
  });

  it('serves the API on https:// to a client that pins its certificate', async () => {
    expect(sandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const response = await httpRequest(`${sandbox.companyUrl()}/api/v1/employees/directory`, { headers: { authorization: basic, accept: 'application/json' }, dispatcher: pinned });
    expect(response.status).toBe(200);
    expect(response.json<{ employees: unknown[] }>().employees.length).toBeGreaterThan(0);
  });

  it('answers the company-host form, whose name the certificate covers', async () => {
    const { host, hostname } = new URL(sandbox.hostUrl());
    const byName = createDispatcher({ ca: certificate, servername: hostname });
    const response = await httpRequest(`${sandbox.url}/api/v1/meta/lists`, { headers: { authorization: basic, accept: 'application/json', host }, dispatcher: byName });
    await byName.close();
    expect(hostname).toBe('keystone.bamboohr.localhost');
    expect(response.status).toBe(200);
  });

  it('is refused by a client that does not trust the certificate', async () => {
    await expect(httpRequest(`${sandbox.companyUrl()}/api/v1/employees/directory`, { headers: { authorization: basic } })).rejects.toThrow(/self[- ]signed|certificate/i);
  });

  it('prints the certificate and its fingerprint for pairing', () => {
    const tls = sandbox.startupInfo().tls as { fingerprint256: string; certificate: string };
    expect(tls.fingerprint256).toMatch(/^[0-9A-F]{64}$/);
    expect(tls.certificate).toContain('BEGIN CERTIFICATE');
  });
});

describe('sandbox connections over HTTPS', () => {
  it('keeps a connection that authenticated past the deadline for unauthenticated ones, and closes one that did not', async () => {
    const tls = await generateSandboxCertificate();
    // A short deadline, so the test waits a fraction of a second instead of ten.
    const sandbox = await startBambooSandbox({ tls, employees: 5, authDeadlineMs: 150 });
    const { connect } = await import('node:tls');
    const basic = `Basic ${Buffer.from(`${sandbox.credentials().apiKey}:x`).toString('base64')}`;
    const { port } = new URL(sandbox.url);
    const open = (): Promise<import('node:tls').TLSSocket> =>
      new Promise((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: Number(port), ca: tls.cert, servername: 'localhost' }, () => resolve(socket));
        socket.once('error', reject);
      });
    const get = (socket: import('node:tls').TLSSocket): Promise<string> =>
      new Promise((resolve) => {
        let text = '';
        const onData = (chunk: Buffer): void => {
          text += chunk.toString();
          if (/\r\n\r\n/.test(text)) {
            socket.off('data', onData);
            resolve(text.split('\r\n')[0] ?? '');
          }
        };
        socket.on('data', onData);
        socket.write(`GET /co/keystone/api/v1/meta/lists HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${basic}\r\nAccept: application/json\r\n\r\n`);
      });
    const closed = (socket: import('node:tls').TLSSocket): Promise<boolean> => new Promise((resolve) => (socket.destroyed ? resolve(true) : socket.once('close', () => resolve(true))));
    try {
      const client = await open();
      const idle = await open();
      expect(await get(client)).toBe('HTTP/1.1 200 OK');
      // The idle one is closed at its deadline; then the one that authenticated still answers.
      expect(await closed(idle)).toBe(true);
      expect(client.destroyed).toBe(false);
      expect(await get(client)).toBe('HTTP/1.1 200 OK');
      client.destroy();
    } finally {
      await sandbox.close();
    }
  });
});
