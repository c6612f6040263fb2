// The HTTP adapter: node:http in, one SandboxRequest through tenant resolution, faults, auth and
// routing, one Reply out, one request-log line. Any unexpected error becomes a 500, never a crash.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { certificateFingerprint256 } from '../../runtime/lib/http-client.ts';
import { silentLogger } from '../../runtime/lib/log.ts';
import { SandboxState } from './state.ts';
import { TokenStore } from './tokens.ts';
import { createPrng } from './prng.ts';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_SETTINGS, type RuntimeSettings, type SandboxOptions } from './options.ts';
import { DEFAULT_COMPANY, DEFAULT_REDIRECT_URI } from './seed.ts';
import type { HandlerContext } from './context.ts';
import { encodeReply, errorReply, readBody, wantsJson, writeEncoded, type AuthKind, type Reply, type SandboxRequest } from './http.ts';
import { resolveTenant } from './tenant.ts';
import { authenticate } from './auth.ts';
import { authorize, token } from './oauth.ts';
import { routeApi } from './api-routes.ts';
import { Faults } from './faults.ts';
import { RequestLog } from './request-log.ts';
import { WebhookSender } from './webhook-delivery.ts';
import { SandboxAdmin, validateSettingsPatch, type CompanyCredentials } from './admin.ts';
import { handleAdmin } from './admin-http.ts';
import { DebouncedSaver, dataFileProblem, loadSnapshot } from './persistence.ts';
import { isoSeconds, systemClock } from './time.ts';
import type { ConnectionGuard } from '../../agent/http/connection-guard.ts';
import { limitConnections } from './connections.ts';
import { SandboxStartError } from './start-error.ts';
import { FORWARD_SECRET_CIPHERS } from '../../runtime/lib/tls-ciphers.ts';

export interface RunningSandbox {
  /** http://127.0.0.1:PORT, or https:// when started with `tls` */
  url: string;
  port: number;
  /** Company base URL in path-prefix form: append `/api/v1/...`, `/authorize.php`, `/token.php`. */
  companyUrl(domain?: string): string;
  /** Legacy gateway base: append `/employees/...`. */
  gatewayUrl(domain?: string): string;
  /** Company-host form (`http://{domain}.bamboohr.localhost:PORT`); connect to 127.0.0.1 and send this Host. */
  hostUrl(domain?: string): string;
  credentials(domain?: string): CompanyCredentials;
  /** The one JSON object the CLI prints on start. */
  startupInfo(): Record<string, unknown>;
  admin: SandboxAdmin;
  close(): Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function startBambooSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger();
  const specs = options.companies ?? [{ ...DEFAULT_COMPANY, employees: options.employees ?? DEFAULT_COMPANY.employees }];
  const loopbackHost = ['127.0.0.1', 'localhost', '::1'].includes(options.host ?? '127.0.0.1');
  // The admin API resets data and reads every company's secrets: off loopback it needs a token.
  if (!loopbackHost && !options.adminToken) throw new SandboxStartError(`the sandbox admin API (/_sandbox) would be open to the network on ${options.host}`, 'pass an admin token (--admin-token), or bind to 127.0.0.1');
  const fileProblem = options.dataFile ? dataFileProblem(options.dataFile) : undefined;
  if (fileProblem) throw new SandboxStartError(fileProblem, 'create the folder first, or pass another --data file');
  const state = new SandboxState(specs, clock, options.oauthRedirectUris ?? [DEFAULT_REDIRECT_URI]);
  if (options.dataFile) {
    const loaded = loadSnapshot(options.dataFile);
    if (loaded) state.load(loaded);
  }
  const startSettings: RuntimeSettings = { ...DEFAULT_SETTINGS, ...validateSettingsPatch({ ...options.settings, throttle: null }), throttle: options.settings?.throttle ?? null };
  const settings: RuntimeSettings = { ...startSettings };
  const ctx: HandlerContext = { state, settings, tokens: new TokenStore(), faultPrng: createPrng(options.faultSeed ?? 'faults'), logger, nowMs: () => clock().getTime() };
  const faults = new Faults(ctx);
  const log = new RequestLog(options.requestLogSize ?? 50_000);
  const sender = new WebhookSender(ctx, options.webhookTrust, options.webhookTimeoutMs ?? 5000);
  state.onChange((event) => sender.handle(event));
  const admin = new SandboxAdmin(ctx, startSettings, faults, log, sender);
  const saver = options.dataFile ? new DebouncedSaver(options.dataFile, () => [...state.companies.values()], logger, options.saveSnapshot) : undefined;
  if (saver) state.onPersist(() => saver.schedule());
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  type Outcome = { reply: Reply; company: string | null; throttled: boolean; earlyRetry: boolean; fault?: string; drop?: boolean };

  let guard: ConnectionGuard | undefined;
  /** A consent or token exchange that succeeded authenticates its connection, as valid API credentials do. */
  const authenticated = (req: IncomingMessage, reply: Reply): Reply => {
    if (reply.status < 400) guard?.markAuthenticated(req.socket);
    return reply;
  };

  async function dispatch(req: IncomingMessage, sreq: SandboxRequest, pathname: string): Promise<Outcome> {
    if (pathname === '/_sandbox' || pathname.startsWith('/_sandbox/')) {
      sreq.authKind = 'admin';
      return { reply: await handleAdmin(admin, { ...sreq, path: pathname.replace(/\/+$/, '') || '/' }, options.adminToken), company: null, throttled: false, earlyRetry: false };
    }
    const tenant = resolveTenant(pathname, req.headers.host);
    if (!tenant) return { reply: errorReply(settings, 404, 'No company given: use Host {domain}.bamboohr.localhost, /co/{domain}/... or /api/gateway.php/{domain}/v1/...'), company: null, throttled: false, earlyRetry: false };
    const company = state.companies.get(tenant.domain);
    if (!company) return { reply: errorReply(settings, 404, `Company not found: ${tenant.domain}`), company: tenant.domain, throttled: false, earlyRetry: false };
    sreq.path = tenant.path;
    sreq.company = company;
    if (settings.latencyMs > 0) await sleep(settings.latencyMs);
    if (tenant.path === '/authorize.php' && (sreq.method === 'GET' || sreq.method === 'POST')) return { reply: authenticated(req, authorize(ctx, company, sreq)), company: company.domain, throttled: false, earlyRetry: false };
    if (tenant.path === '/token.php' && sreq.method === 'POST') return { reply: authenticated(req, token(ctx, company, sreq)), company: company.domain, throttled: false, earlyRetry: false };
    if (!tenant.path.startsWith('/api/')) return { reply: errorReply(settings, 404, `No such page: ${tenant.path}`), company: company.domain, throttled: false, earlyRetry: false };
    const verdict = faults.check(String(req.headers.authorization ?? req.socket.remoteAddress ?? ''));
    const base = { company: company.domain, throttled: verdict.throttled, earlyRetry: verdict.earlyRetry, ...(verdict.fault ? { fault: verdict.fault } : {}) };
    // Throttled and failed requests still count as authenticated attempts in the log.
    const auth = authenticate(req.headers.authorization, company, ctx.tokens, settings, ctx.nowMs());
    sreq.authKind = auth.kind;
    if (verdict.drop) return { reply: { status: 0 }, ...base, drop: true };
    if (verdict.reply) return { reply: verdict.reply, ...base };
    if (!auth.ok) return { reply: auth.reply, ...base };
    guard?.markAuthenticated(req.socket);
    if (auth.scopes) sreq.scopes = auth.scopes;
    const reply = routeApi({ ctx, deliveries: () => sender.deliveries }, company, sreq);
    if (tenant.path.includes('/datasets')) reply.headers = { ...reply.headers, 'x-request-id': String(req.headers['x-request-id'] ?? randomUUID()) };
    return { reply, ...base };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    } catch {
      // An absolute-form target that is not a URL (e.g. `http://[bad`): the request line is bad.
      req.resume();
      await writeEncoded(res, encodeReply(errorReply(settings, 400, 'Malformed request target'), false), 0).catch(() => undefined);
      return;
    }
    const linkBase = `${options.tls ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${url.pathname}`;
    const sreq: SandboxRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.alloc(0), authKind: 'none', linkBase };
    let outcome: Outcome;
    const body = await readBody(req, maxBody);
    if (!body.ok) {
      if (body.reason === 'aborted') return;
      outcome = { reply: errorReply(settings, 413, `Request body larger than ${maxBody} bytes`, { connection: 'close' }), company: null, throttled: false, earlyRetry: false };
    } else {
      sreq.body = body.body;
      try {
        outcome = await dispatch(req, sreq, url.pathname);
      } catch (error) {
        logger.error({ err: error, path: url.pathname }, 'sandbox handler failed');
        outcome = { reply: errorReply(settings, 500, 'Internal sandbox error'), company: null, throttled: false, earlyRetry: false };
      }
    }
    if (outcome.drop) {
      res.socket?.destroy();
      log.add({ at: isoSeconds(new Date(ctx.nowMs())), method: sreq.method, path: url.pathname, company: outcome.company, status: 0, authKind: sreq.authKind, durationMs: Math.round((performance.now() - started) * 100) / 100, throttled: false, earlyRetry: outcome.earlyRetry, fault: 'dropped-connection' });
      return;
    }
    const encoded = encodeReply(outcome.reply, wantsJson(sreq));
    const isApi = outcome.company !== null && sreq.authKind !== 'admin';
    await writeEncoded(res, encoded, isApi ? settings.slowBodyMs : 0).catch(() => undefined);
    const authKind: AuthKind = sreq.authKind;
    log.add({
      at: isoSeconds(new Date(ctx.nowMs())),
      method: sreq.method,
      path: url.pathname,
      company: outcome.company,
      status: encoded.status,
      authKind,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      throttled: outcome.throttled,
      earlyRetry: outcome.earlyRetry,
      ...(outcome.fault ? { fault: outcome.fault } : {}),
    });
  }

  const listener: RequestListener = (req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'sandbox request failed');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
  const server: Server = options.tls ? createTlsServer({ cert: options.tls.cert, key: options.tls.key, ciphers: FORWARD_SECRET_CIPHERS, handshakeTimeout: 10_000 }, listener) : createServer(listener);
  const scheme = options.tls ? 'https' : 'http';
  server.on('clientError', (_err, socket) => socket.destroy());
  guard = limitConnections(server, options.maxConnections ?? 512, logger, options.authDeadlineMs);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  // After listening, an accept error (EMFILE when file descriptors run out) is logged, not fatal.
  server.removeAllListeners('error');
  server.on('error', (error) => logger.error({ err: error.message }, 'sandbox server error'));
  const port = (server.address() as AddressInfo).port;
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  const origin = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const first = specs[0]?.domain ?? DEFAULT_COMPANY.domain;
  const companyUrl = (d = first): string => `${origin}/co/${d}`;
  const gatewayUrl = (d = first): string => `${origin}/api/gateway.php/${d}/v1`;
  const hostUrl = (d = first): string => `${scheme}://${d}.bamboohr.localhost:${port}`;
  logger.info({ port, companies: [...state.companies.keys()] }, 'BambooHR sandbox listening');

  return {
    url: origin,
    port,
    companyUrl,
    gatewayUrl,
    hostUrl,
    credentials: (d = first) => admin.credentials(d),
    admin,
    startupInfo: () => {
      const c = admin.credentials(first);
      return {
        sandbox: 'bamboohr',
        url: origin,
        company: c.domain,
        baseUrl: companyUrl(first),
        apiBaseUrl: `${companyUrl(first)}/api/v1`,
        gatewayBaseUrl: gatewayUrl(first),
        hostBaseUrl: hostUrl(first),
        authorizeUrl: `${companyUrl(first)}/authorize.php`,
        tokenUrl: `${companyUrl(first)}/token.php`,
        adminUrl: `${origin}/_sandbox`,
        apiKey: c.apiKey,
        clientId: c.oauth.clientId,
        clientSecret: c.oauth.clientSecret,
        redirectUri: c.oauth.redirectUris[0],
        employees: c.employees,
        companies: admin.companies().map((x) => x.domain),
        ...(options.tls ? { tls: { fingerprint256: certificateFingerprint256(options.tls.cert), certificate: options.tls.cert } } : {}),
      };
    },
    close: async () => {
      await sender.close();
      saver?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
