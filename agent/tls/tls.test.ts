// TLS to the agent (reliability.md §5, checklist E): the client pins the agent's self-signed
// certificate with verification on, so an impostor with the same name is refused; mutual TLS
// accepts only client certificates from the configured CA.
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect as connectTcp } from 'node:net';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateFingerprint256, createDispatcher, httpRequest } from '../../runtime/lib/http-client.ts';
import { startAgent, type RunningAgent } from '../index.ts';
import { tempDir } from '../test-support.ts';
import { generateCertificateAuthority, generateClientCertificate, generateSelfSigned } from '../../runtime/lib/self-signed.ts';

describe('pinning the agent certificate', () => {
  const dir = tempDir();
  let agent: RunningAgent;
  let impostor: Server;
  let impostorUrl: string;
  let impostorCert: string;

  beforeAll(async () => {
    agent = await startAgent({ backend: 'sim', dataDir: dir.path, port: 0 });
    // Same common name and subjectAltNames as the agent's generated certificate, different key.
    const fake = await generateSelfSigned('ml-connector-agent', ['localhost']);
    impostorCert = fake.cert;
    impostor = createServer({ cert: fake.cert, key: fake.key }, (_req, res) => res.end('{"status":"ok"}'));
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    impostorUrl = `https://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await agent.close(500);
    impostor.close();
    dir.remove();
  });

  it('accepts the genuine agent and refuses a second self-signed certificate with the same name', async () => {
    const pinned = createDispatcher({ ca: agent.certificate, fingerprint256: agent.fingerprint256 });
    expect((await httpRequest(`${agent.url}/v1/health`, { dispatcher: pinned })).status).toBe(200);
    await expect(httpRequest(`${impostorUrl}/v1/health`, { dispatcher: pinned })).rejects.toThrow(/self[- ]signed|DEPTH_ZERO|certificate/i);
    // Even a client that also trusts the impostor's certificate refuses it: chain or fingerprint pin.
    const both = createDispatcher({ ca: [agent.certificate, impostorCert], fingerprint256: agent.fingerprint256 });
    await expect(httpRequest(`${impostorUrl}/v1/health`, { dispatcher: both })).rejects.toThrow(/self[- ]signed|fingerprint/i);
    // A client with default trust refuses the self-signed agent outright (no verification bypass).
    await expect(httpRequest(`${agent.url}/v1/health`, { dispatcher: createDispatcher() })).rejects.toThrow();
  });

  it('offers TLS 1.2 only with forward-secret (ECDHE) suites (issue 16, finding 7)', async () => {
    const handshake = (ciphers: string): Promise<string> =>
      new Promise((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: agent.port, ca: agent.certificate, servername: 'localhost', maxVersion: 'TLSv1.2', ciphers }, () => {
          const name = socket.getCipher().name;
          socket.destroy();
          resolve(name);
        });
        socket.on('error', () => resolve('refused'));
      });
    for (const staticRsa of ['AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-SHA256', 'AES256-SHA']) expect(await handshake(staticRsa), staticRsa).toBe('refused');
    expect(await handshake('ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256')).toMatch(/^ECDHE-/);
  });

  it('does not speak plain HTTP, so a key is never accepted in clear', async () => {
    const { key } = agent.keys.add('clear-text attempt');
    const plain = agent.url.replace('https://', 'http://');
    await expect(httpRequest(`${plain}/v1/companies`, { headers: { authorization: `Bearer ${key}` }, timeoutMs: 3000 })).rejects.toThrow();
  });

  it('keeps the generated certificate across restarts and uses a supplied one when given', async () => {
    expect(agent.certificateGenerated).toBe(true);
    const second = await startAgent({ backend: 'sim', dataDir: dir.path, port: 0 });
    expect(second.fingerprint256).toBe(agent.fingerprint256);
    await second.close(500);
    const supplied = await generateSelfSigned('agent.example.test', ['agent.example.test']);
    const other = tempDir();
    writeFileSync(join(other.path, 'c.pem'), supplied.cert);
    writeFileSync(join(other.path, 'k.pem'), supplied.key, { mode: 0o644 });
    // A private key others can read is refused, with the fix (issue 16, finding 4); POSIX only.
    if (process.platform !== 'win32') {
      await expect(startAgent({ backend: 'sim', dataDir: other.path, port: 0, certFile: join(other.path, 'c.pem'), keyFile: join(other.path, 'k.pem') })).rejects.toThrow(/k\.pem can be read or written by other users.*/);
      chmodSync(join(other.path, 'k.pem'), 0o600);
    }
    const third = await startAgent({ backend: 'sim', dataDir: other.path, port: 0, certFile: join(other.path, 'c.pem'), keyFile: join(other.path, 'k.pem') });
    expect(third.fingerprint256).toBe(certificateFingerprint256(supplied.cert));
    const dispatcher = createDispatcher({ ca: supplied.cert, servername: 'agent.example.test' });
    expect((await httpRequest(`${third.url}/v1/health`, { dispatcher })).status).toBe(200);
    await third.close(500);
    other.remove();
  });
});

describe('mutual TLS', () => {
  const dir = tempDir();
  let agent: RunningAgent;
  let good: { cert: string; key: string };
  let foreign: { cert: string; key: string };

  beforeAll(async () => {
    const ca = await generateCertificateAuthority('KBS integration CA');
    const otherCa = await generateCertificateAuthority('Somebody else CA');
    good = await generateClientCertificate(ca, 'ml-connector runtime');
    foreign = await generateClientCertificate(otherCa, 'ml-connector runtime');
    agent = await startAgent({ backend: 'sim', dataDir: dir.path, port: 0, clientCa: ca.cert });
  });
  afterAll(async () => {
    await agent.close(500);
    dir.remove();
  });

  it('accepts a client certificate from the configured CA without an API key', async () => {
    const dispatcher = createDispatcher({ ca: agent.certificate, cert: good.cert, key: good.key });
    const r = await httpRequest(`${agent.url}/v1/companies`, { dispatcher });
    expect(r.status).toBe(200);
  });

  it('refuses a connection without a client certificate, even with a valid API key', async () => {
    const { key } = agent.keys.add('key only');
    const dispatcher = createDispatcher({ ca: agent.certificate });
    await expect(httpRequest(`${agent.url}/v1/companies`, { dispatcher, headers: { authorization: `Bearer ${key}` } })).rejects.toThrow();
  });

  it('refuses a client certificate from another CA', async () => {
    const dispatcher = createDispatcher({ ca: agent.certificate, cert: foreign.cert, key: foreign.key });
    await expect(httpRequest(`${agent.url}/v1/companies`, { dispatcher })).rejects.toThrow();
  });

  it('an admin endpoint still needs an admin key on top of the certificate', async () => {
    const dispatcher = createDispatcher({ ca: agent.certificate, cert: good.cert, key: good.key });
    expect((await httpRequest(`${agent.url}/v1/_admin/status`, { dispatcher })).status).toBe(403);
    const { key } = agent.keys.add('admin', 'admin');
    expect((await httpRequest(`${agent.url}/v1/_admin/status`, { dispatcher, headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  });
});

describe('timeouts', () => {
  it('cuts off a client that never finishes its request headers', async () => {
    const dir = tempDir();
    const agent = await startAgent({ backend: 'sim', dataDir: dir.path, port: 0, requestTimeoutMs: 1000 });
    const started = Date.now();
    const closedAfterMs = await new Promise<number>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: agent.port, ca: agent.certificate, servername: 'localhost' }, () => {
        socket.write('GET /v1/companies HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
      });
      socket.on('error', () => undefined);
      socket.resume(); // read the 408 so that 'close' can fire
      socket.on('close', () => resolve(Date.now() - started));
      setTimeout(() => reject(new Error('the agent kept a stalled request open for 8 s')), 8000).unref();
    });
    expect(closedAfterMs).toBeLessThan(4000);
    await agent.close(500);
    dir.remove();
  });

  it('cuts off a peer that opens TCP and never starts the TLS handshake', async () => {
    const dir = tempDir();
    const agent = await startAgent({ backend: 'sim', dataDir: dir.path, port: 0, requestTimeoutMs: 1000 });
    const started = Date.now();
    const closedAfterMs = await new Promise<number>((resolve, reject) => {
      const socket = connectTcp(agent.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(Date.now() - started));
      setTimeout(() => reject(new Error('the agent kept a silent TCP connection open for 8 s')), 8000).unref();
    });
    expect(closedAfterMs).toBeLessThan(4000);
    await agent.close(500);
    dir.remove();
  });
});
