// Shared test plumbing: start a sandbox, call it over real HTTP, receive its webhooks.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpRequest, type HttpResponse } from '../../../runtime/lib/http-client.ts';
import { startBambooSandbox, type RunningSandbox, type SandboxOptions } from '../index.ts';

export interface Client {
  sandbox: RunningSandbox;
  basic: string;
  /** GET/POST relative to the company base (path-prefix form), JSON by default, Basic auth by default. */
  call(path: string, init?: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'; body?: unknown; headers?: Record<string, string>; raw?: boolean }): Promise<HttpResponse>;
  admin(path: string, method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH', body?: unknown): Promise<HttpResponse>;
}

export async function startClient(options: SandboxOptions = {}): Promise<Client> {
  const sandbox = await startBambooSandbox(options);
  const basic = `Basic ${Buffer.from(`${sandbox.credentials().apiKey}:x`).toString('base64')}`;
  return {
    sandbox,
    basic,
    call: (path, init = {}) => {
      const headers: Record<string, string> = { authorization: basic, accept: 'application/json', ...(init.headers ?? {}) };
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
        headers['content-type'] ??= 'application/json';
      }
      for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
      const url = path.startsWith('http') ? path : `${sandbox.companyUrl()}${path}`;
      return httpRequest(url, { method: init.method ?? (body !== undefined ? 'POST' : 'GET'), headers, ...(body !== undefined ? { body } : {}) });
    },
    admin: (path, method = 'GET', body) =>
      httpRequest(`${sandbox.url}/_sandbox${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) }),
  };
}

export interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Statuses to answer, in order; after the list runs out, 200. */
  respondWith: number[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const state = { respondWith: [] as number[] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
      res.writeHead(state.respondWith.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    get respondWith() {
      return state.respondWith;
    },
    set respondWith(v: number[]) {
      state.respondWith = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** An OAuth access token for the sandbox's first company, through the real authorize + token flow. */
export async function oauthToken(sandbox: RunningSandbox, scope = 'openid employee'): Promise<string> {
  const creds = sandbox.credentials();
  const redirectUri = creds.oauth.redirectUris[0]!;
  const q = new URLSearchParams({ request: 'authorize', response_type: 'code', client_id: creds.oauth.clientId, redirect_uri: redirectUri, scope, state: 's' });
  const auth = await httpRequest(`${sandbox.companyUrl()}/authorize.php?${q}`);
  const code = new URL(auth.headers.location ?? '').searchParams.get('code') ?? '';
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: creds.oauth.clientId, client_secret: creds.oauth.clientSecret });
  const res = await httpRequest(`${sandbox.companyUrl()}/token.php`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  const token = res.json<{ access_token?: string }>().access_token;
  if (!token) throw new Error(`no access token: ${res.status} ${res.text()}`);
  return token;
}

/** The body of GET /api/v1/employees (the cursor-paginated list), as the list tests read it. */
export interface EmployeeListBody<Record = { employeeId: string }> {
  data: Record[];
  meta: { total: number; page: { limit: number; nextCursor: string | null; prevCursor: string | null } };
  _links: { self: { href: string }; next?: { href: string }; prev?: { href: string } };
}
