// /_sandbox/* over HTTP: JSON in, JSON out, errors as {"error": "..."}. Optional admin token (required
// off loopback, see server.ts). A changing request that a browser could send cross-site — a body that
// is not JSON (text/plain and form posts need no preflight) or any request carrying Origin or
// Sec-Fetch-Site other than same-origin/none — is refused, so a web page cannot reset or read the sandbox.
import type { SandboxRequest, Reply } from './http.ts';
import { parseJsonObject } from './http.ts';
import { ChangeError } from './changes.ts';
import type { SandboxAdmin } from './admin.ts';

type Body = Record<string, unknown>;
type AdminHandler = (admin: SandboxAdmin, params: string[], body: Body, req: SandboxRequest) => unknown;

const SEG = '([^/]+)';
const ROUTES: { method: string; pattern: RegExp; handler: AdminHandler; status?: number }[] = [];
const add = (method: string, path: string, handler: AdminHandler, status?: number): void => {
  ROUTES.push({ method, pattern: new RegExp(`^/_sandbox${path}$`), handler, ...(status ? { status } : {}) });
};

add('GET', '', (a) => ({ companies: a.companies(), settings: a.settings() }));
add('GET', '/companies', (a) => ({ companies: a.companies() }));
add('POST', '/companies', (a, _p, b) => a.addCompany({ domain: String(b.domain ?? ''), ...(typeof b.name === 'string' ? { name: b.name } : {}), ...(typeof b.employees === 'number' ? { employees: b.employees } : {}), ...(typeof b.seed === 'string' ? { seed: b.seed } : {}) }), 201);
add('GET', `/companies/${SEG}`, (a, [c]) => a.credentials(c!));
add('PUT', `/companies/${SEG}/oauth-client`, (a, [c], b) => {
  if (!Array.isArray(b.redirectUris) || b.redirectUris.some((u) => typeof u !== 'string')) throw new ChangeError(400, 'redirectUris must be a list of strings');
  a.setRedirectUris(c!, b.redirectUris as string[]);
  return a.credentials(c!);
});
add('POST', `/companies/${SEG}/employees`, (a, [c], b) => ({ id: String(a.hire(c!, b).id) }), 201);
add('PATCH', `/companies/${SEG}/employees/${SEG}`, (a, [c, id], b) => ({ changedFields: a.update(c!, id!, b) }));
add('DELETE', `/companies/${SEG}/employees/${SEG}`, (a, [c, id]) => {
  a.remove(c!, id!);
  return { deleted: id };
});
add('POST', `/companies/${SEG}/employees/${SEG}/terminate`, (a, [c, id], b) => ({ changedFields: a.terminate(c!, id!, b as { date?: string }) }));
add('POST', `/companies/${SEG}/employees/${SEG}/rehire`, (a, [c, id], b) => ({ changedFields: a.rehire(c!, id!, b as { date?: string }) }));
add('POST', `/companies/${SEG}/employees/${SEG}/move`, (a, [c, id], b) => ({ changedFields: a.move(c!, id!, b) }));
add('POST', `/companies/${SEG}/lists/${SEG}/options`, (a, [c, l], b) => a.addOption(c!, l!, String(b.name ?? '')), 201);
add('PATCH', `/companies/${SEG}/lists/${SEG}/options/${SEG}`, (a, [c, l, o], b) => a.updateOption(c!, l!, o!, b as { name?: string; archived?: boolean }));
add('POST', `/companies/${SEG}/expire-tokens`, (a, [c]) => ({ expired: a.expireTokens(c!) }));
add('POST', '/expire-tokens', (a) => ({ expired: a.expireTokens() }));
add('GET', '/faults', (a) => a.settings());
add('PATCH', '/faults', (a, _p, b) => a.setFaults(b));
add('DELETE', '/faults', (a) => a.resetFaults());
add('POST', '/faults/throttle', (a, _p, b) => a.throttle(b as { status?: number; seconds?: number; retryAfterFormat?: string }));
add('GET', '/requests', (a, _p, _b, r) => ({ requests: a.requests(Number(r.query.get('after') ?? '0')) }));
add('DELETE', '/requests', (a) => {
  a.clearRequests();
  return { cleared: true };
});
add('GET', '/webhook-deliveries', (a, _p, _b, r) => ({ deliveries: a.deliveries(Number(r.query.get('after') ?? '0')) }));
add('POST', '/reset', (a) => {
  a.reset();
  return { reset: true };
});

function browserRefusal(req: SandboxRequest): Reply | undefined {
  const site = String(req.headers['sec-fetch-site'] ?? 'none');
  if (req.headers.origin !== undefined || (site !== 'none' && site !== 'same-origin')) {
    return { status: 403, alwaysJson: true, json: { error: 'the admin API does not take requests from web pages' } };
  }
  const type = String(req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (req.method !== 'GET' && type !== '' && type !== 'application/json') {
    return { status: 415, alwaysJson: true, json: { error: 'admin requests take application/json bodies' } };
  }
  return undefined;
}

/** Async because waiting for webhooks is the one admin call that takes time. */
export async function handleAdmin(admin: SandboxAdmin, req: SandboxRequest, adminToken: string | undefined): Promise<Reply> {
  if (adminToken && req.headers['x-sandbox-admin-token'] !== adminToken) return { status: 401, alwaysJson: true, json: { error: 'X-Sandbox-Admin-Token missing or wrong' } };
  const refused = browserRefusal(req);
  if (refused) return refused;
  if (req.method === 'POST' && req.path === '/_sandbox/webhook-deliveries/wait') {
    await admin.waitForWebhooks();
    return { status: 200, alwaysJson: true, json: { idle: true } };
  }
  const body = req.body.length > 0 ? parseJsonObject(req.body) : {};
  if (!body) return { status: 400, alwaysJson: true, json: { error: 'body must be a JSON object' } };
  for (const r of ROUTES) {
    if (r.method !== req.method) continue;
    const m = r.pattern.exec(req.path);
    if (!m) continue;
    try {
      return { status: r.status ?? 200, alwaysJson: true, json: r.handler(admin, m.slice(1).map(decodeURIComponent), body, req) };
    } catch (error) {
      if (error instanceof ChangeError) return { status: error.status, alwaysJson: true, json: { error: error.message } };
      throw error;
    }
  }
  return { status: 404, alwaysJson: true, json: { error: `no admin endpoint ${req.method} ${req.path}` } };
}
