// Webhook management: create (privateKey returned once), list, get, replace, delete, log, monitor fields.
import { randomBytes } from 'node:crypto';
import type { Company, Webhook, WebhookFormat } from './model.ts';
import type { HandlerContext } from './context.ts';
import { parseJsonObject, webhookErrorReply, type Reply, type SandboxRequest } from './http.ts';
import { FIELDS, findField } from './fields.ts';
import { sqlDateTime } from './time.ts';
import type { DeliveryRecord } from './webhook-delivery.ts';

const EVENTS = ['employee_with_fields.updated', 'employee_with_fields.created', 'employee_with_fields.deleted', 'company-integrations.updated', 'employee.created', 'employee.updated', 'employee.deleted', 'company.updated', 'company.deleted'];
const LEGACY_DEFAULT = ['employee_with_fields.created', 'employee_with_fields.updated', 'employee_with_fields.deleted'];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** BambooHR only posts to https; the sandbox also allows http on loopback so local receivers work. */
function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url is not a valid URL';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname)) return undefined;
  return 'url must start with https://';
}

type Parsed = { ok: true; value: Omit<Webhook, 'id' | 'created' | 'lastSent' | 'privateKey'> } | { ok: false; reply: Reply };

function parseWebhook(req: SandboxRequest): Parsed {
  const body = parseJsonObject(req.body);
  if (!body) return { ok: false, reply: webhookErrorReply(400, 'Invalid request body', ['body must be a JSON object']) };
  const issues: string[] = [];
  if (typeof body.name !== 'string' || body.name === '') issues.push('name is required');
  if (typeof body.url !== 'string') issues.push('url is required');
  else {
    const problem = urlProblem(body.url);
    if (problem) issues.push(problem);
  }
  if (body.format !== 'json' && body.format !== 'form-encoded') issues.push('format must be json or form-encoded');
  const events = body.events === undefined ? LEGACY_DEFAULT : body.events;
  if (!Array.isArray(events) || events.some((e) => typeof e !== 'string' || !EVENTS.includes(e))) issues.push(`events must be a list of: ${EVENTS.join(', ')}`);
  const list = Array.isArray(events) ? events.map(String) : [];
  if (list.some((e) => e.startsWith('employee.')) && list.some((e) => e.startsWith('employee_with_fields.'))) issues.push('employee.* and employee_with_fields.* events cannot be mixed');
  const monitor = body.monitorFields;
  if (monitor !== undefined && monitor !== null && (!Array.isArray(monitor) || monitor.some((m) => typeof m !== 'string'))) issues.push('monitorFields must be a list of field names');
  const needsMonitor = list.includes('employee.updated') || list.includes('employee_with_fields.updated');
  if (needsMonitor && (!Array.isArray(monitor) || monitor.length === 0)) issues.push('monitorFields is required for update events');
  const postFields = body.postFields ?? {};
  if (typeof postFields !== 'object' || postFields === null || Array.isArray(postFields) || Object.values(postFields).some((v) => typeof v !== 'string' || v === '')) {
    issues.push('postFields must map field names to external names (non-empty strings)');
  }
  if (issues.length > 0) return { ok: false, reply: webhookErrorReply(400, 'Invalid request body', issues) };
  const unknown = [...(Array.isArray(monitor) ? monitor.map(String) : []), ...Object.keys(postFields as object)].filter((f) => !findField(f));
  if (unknown.length > 0) return { ok: false, reply: { status: 403, alwaysJson: true, json: { errors: [{ error: 'Unknown fields', unknownFields: unknown.map((name) => ({ id: null, name })) }] } } };
  return {
    ok: true,
    value: {
      name: String(body.name),
      url: String(body.url),
      format: body.format as WebhookFormat,
      monitorFields: Array.isArray(monitor) ? monitor.map(String) : null,
      postFields: Object.fromEntries(Object.entries(postFields as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
      includeCompanyDomain: body.includeCompanyDomain === true,
      events: list,
    },
  };
}

function describe(w: Webhook): Record<string, unknown> {
  return { id: String(w.id), name: w.name, created: w.created, lastSent: w.lastSent, monitorFields: w.monitorFields, postFields: w.postFields, url: w.url, format: w.format, includeCompanyDomain: w.includeCompanyDomain, events: w.events };
}

function notFound(id: string): Reply {
  return webhookErrorReply(404, `No webhook was found with ID: ${id}.`);
}

export function createWebhook(ctx: HandlerContext, company: Company, req: SandboxRequest): Reply {
  const parsed = parseWebhook(req);
  if (!parsed.ok) return parsed.reply;
  const webhook: Webhook = { ...parsed.value, id: ++company.counters.webhook, created: sqlDateTime(new Date(ctx.nowMs())), lastSent: null, privateKey: randomBytes(16).toString('hex') };
  company.webhooks.push(webhook);
  ctx.state.changed();
  return { status: 201, alwaysJson: true, json: { ...describe(webhook), privateKey: webhook.privateKey } };
}

export function listWebhooks(company: Company): Reply {
  return { status: 200, alwaysJson: true, json: { webhooks: company.webhooks.map((w) => ({ id: String(w.id), name: w.name, created: w.created, lastSent: w.lastSent, url: w.url })) } };
}

export function getWebhook(company: Company, id: string): Reply {
  const w = company.webhooks.find((x) => String(x.id) === id);
  return w ? { status: 200, alwaysJson: true, json: describe(w) } : notFound(id);
}

export function replaceWebhook(ctx: HandlerContext, company: Company, req: SandboxRequest, id: string): Reply {
  const w = company.webhooks.find((x) => String(x.id) === id);
  if (!w) return notFound(id);
  const parsed = parseWebhook(req);
  if (!parsed.ok) return parsed.reply;
  // Full replacement; the private key is not regenerated.
  Object.assign(w, parsed.value);
  ctx.state.changed();
  return { status: 200, alwaysJson: true, json: describe(w) };
}

export function deleteWebhook(ctx: HandlerContext, company: Company, id: string): Reply {
  const index = company.webhooks.findIndex((x) => String(x.id) === id);
  if (index < 0) return notFound(id);
  company.webhooks.splice(index, 1);
  ctx.state.changed();
  return { status: 200, text: 'Web hook has been deleted.', contentType: 'text/plain; charset=utf-8' };
}

export function webhookLog(company: Company, id: string, deliveries: readonly DeliveryRecord[]): Reply {
  const w = company.webhooks.find((x) => String(x.id) === id);
  if (!w) return notFound(id);
  const entries = deliveries
    .filter((d) => d.company === company.domain && d.webhookId === w.id && d.outcome !== 'dropped')
    .slice(-200)
    .map((d) => ({ webhookId: String(d.webhookId), url: d.url, lastAttempted: d.at, lastSuccess: d.outcome === 'delivered' ? d.at : '', statusCode: d.status === null ? '' : String(d.status), format: w.format, employeeIds: [String(d.employeeId)] }));
  return { status: 200, alwaysJson: true, json: entries };
}

export function monitorFields(): Reply {
  const fields = FIELDS.filter((f) => !f.restricted && !f.deprecated && typeof f.id === 'number').map((f) => ({ id: String(f.id), name: f.name, alias: f.alias ?? null }));
  return { status: 200, alwaysJson: true, json: { fields } };
}
