// The consent flow's own rules, with a stand-in vendor half (no vendor needed to judge an answer):
// one matching answer is taken; a wrong or missing state, a refusal, an expired state, a second
// answer, no answer at all, or an address nothing can listen on each end with nothing stored.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/free-port.ts';
import type { AuthorizationRequest } from './definition.ts';
import { authorizeOnLoopback, listenerFor } from './loopback-authorization.ts';
import { authorizeByPastedAnswer } from './pasted-authorization.ts';

function fakeVendor(redirectUri: string): AuthorizationRequest & { stored: string[]; states: string[] } {
  const stored: string[] = [];
  const states: string[] = [];
  return {
    redirectUri,
    stored,
    states,
    async url(state) {
      states.push(state);
      return `https://vendor.invalid/authorize?state=${state}`;
    },
    async complete(code) {
      stored.push(code);
      return { stored: 'grant', facts: { code } };
    },
  };
}

const answer = (redirect: string, query: Record<string, string>) => fetch(`${redirect}?${new URLSearchParams(query)}`);

describe('authorizeOnLoopback', () => {
  it('takes the one answer that carries its state, and a second answer changes nothing', async () => {
    const redirect = `http://127.0.0.1:${await freePort()}/callback`;
    const vendor = fakeVendor(redirect);
    const statuses: number[] = [];
    const outcome = await authorizeOnLoopback(vendor, {
      async openUrl(url) {
        const state = new URL(url).searchParams.get('state') ?? '';
        statuses.push((await answer(redirect, { code: 'c-1', state })).status);
        statuses.push((await answer(redirect, { code: 'c-2', state })).status);
        statuses.push((await fetch(`${redirect.replace('/callback', '/other')}`)).status);
      },
    });
    expect(outcome).toEqual({ stored: 'grant', facts: { code: 'c-1' } });
    expect(vendor.stored).toEqual(['c-1']);
    expect(statuses).toEqual([200, 409, 404]);
    // 256 random bits, base64url: 43 characters, never the same twice.
    expect(vendor.states[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ['a wrong state', (state: string) => ({ code: 'c', state: `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}` }), /wrong state/],
    ['no state', () => ({ code: 'c' }), /missing or wrong state/],
    ['a state of another length', () => ({ code: 'c', state: 'short' }), /wrong state/],
    ['a refusal', (state: string) => ({ error: 'access_denied', state }), /answered 'access_denied'/],
    ['no code', (state: string) => ({ state }), /no code/],
  ])('ends on %s with nothing stored, and the page echoes nothing of the query', async (_label, query, message) => {
    const redirect = `http://127.0.0.1:${await freePort()}/callback`;
    const vendor = fakeVendor(redirect);
    let page = '';
    const run = authorizeOnLoopback(vendor, {
      async openUrl(url) {
        const state = new URL(url).searchParams.get('state') ?? '';
        const res = await answer(redirect, { ...query(state), note: '<script>x</script>' });
        page = await res.text();
        expect(res.status).toBe(400);
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'MLC_AUTHORIZATION_FAILED', message: expect.stringMatching(message) });
    expect(vendor.stored).toEqual([]);
    expect(page).not.toContain('<script>');
  });

  it('refuses an answer that comes after its state expired', async () => {
    const redirect = `http://127.0.0.1:${await freePort()}/callback`;
    const vendor = fakeVendor(redirect);
    let now = 1_000_000;
    const run = authorizeOnLoopback(vendor, {
      timeoutMs: 60_000,
      clock: () => now,
      async openUrl(url) {
        now += 60_001;
        await answer(redirect, { code: 'c', state: new URL(url).searchParams.get('state') ?? '' });
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'MLC_AUTHORIZATION_FAILED', message: expect.stringMatching(/expired/) });
    expect(vendor.stored).toEqual([]);
  });

  it('gives up when no answer comes, and stops listening', async () => {
    const port = await freePort();
    const vendor = fakeVendor(`http://127.0.0.1:${port}/callback`);
    await expect(authorizeOnLoopback(vendor, { timeoutMs: 50, openUrl: () => undefined })).rejects.toMatchObject({ code: 'MLC_AUTHORIZATION_FAILED', message: expect.stringMatching(/no answer/) });
    await expect(fetch(`http://127.0.0.1:${port}/callback`)).rejects.toThrow();
  });

  it('says so when the port is taken, and when stopped', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    await expect(authorizeOnLoopback(fakeVendor(`http://127.0.0.1:${port}/cb`), { openUrl: () => undefined })).rejects.toMatchObject({ code: 'MLC_AUTHORIZATION_FAILED', message: expect.stringMatching(/cannot listen/) });
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    const stop = new AbortController();
    const run = authorizeOnLoopback(fakeVendor(`http://127.0.0.1:${await freePort()}/cb`), { signal: stop.signal, openUrl: () => stop.abort() });
    await expect(run).rejects.toMatchObject({ message: expect.stringMatching(/stopped/) });
  });

  it('listens only on loopback http', () => {
    expect(listenerFor('http://localhost:53682/callback')).toEqual({ host: '127.0.0.1', port: 53682, path: '/callback' });
    expect(listenerFor('http://[::1]:9/cb')).toEqual({ host: '::1', port: 9, path: '/cb' });
    for (const bad of ['http://0.0.0.0:53682/callback', 'http://example.com/cb', 'https://127.0.0.1/cb', 'not a url']) {
      expect(() => listenerFor(bad)).toThrow(expect.objectContaining({ code: 'MLC_AUTHORIZATION_FAILED' }));
    }
  });
});

describe('authorizeByPastedAnswer (https redirect URIs)', () => {
  it('takes the pasted address when its state matches', async () => {
    const vendor = fakeVendor('https://integrator.example/callback');
    let consent = '';
    const outcome = await authorizeByPastedAnswer(vendor, {
      openUrl: (url) => {
        consent = url;
      },
      readAnswer: async () => `  https://integrator.example/callback?code=c-9&state=${new URL(consent).searchParams.get('state')}\n`,
    });
    expect(outcome.stored).toBe('grant');
    expect(vendor.stored).toEqual(['c-9']);
  });

  it.each([
    ['something that is not a URL', () => 'c-9'],
    ['another state', () => 'https://integrator.example/callback?code=c-9&state=AAAA'],
  ])('refuses %s with nothing stored', async (_label, pasted) => {
    const vendor = fakeVendor('https://integrator.example/callback');
    await expect(authorizeByPastedAnswer(vendor, { openUrl: () => undefined, readAnswer: async () => pasted() })).rejects.toMatchObject({ code: 'MLC_AUTHORIZATION_FAILED' });
    expect(vendor.stored).toEqual([]);
  });
});
