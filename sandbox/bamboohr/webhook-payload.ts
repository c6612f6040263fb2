// What a webhook delivery looks like on the wire: the event-based and legacy field-based payloads
// (flat or {value} field forms, JSON or form-encoded) and the signature headers.
import { createHmac } from 'node:crypto';
import type { Company, Webhook } from './model.ts';
import type { ChangeEvent } from './state.ts';
import { fieldDisplayName, findField, readField, type ReadContext } from './fields.ts';
import { payloadTimestamp } from './time.ts';

export const WEBHOOK_USER_AGENT = 'BambooHR-WebHooks/1.0 (+https://www.bamboohr.com)';

/** hex(HMAC-SHA256(privateKey, rawBody ‖ timestamp)), no separator. */
export function signWebhook(privateKey: string, rawBody: string | Buffer, timestamp: string): string {
  return createHmac('sha256', privateKey).update(Buffer.concat([Buffer.from(rawBody), Buffer.from(timestamp)])).digest('hex');
}

function toAlias(name: string): string {
  return findField(name)?.alias ?? name;
}

/** Changed fields the webhook watches (monitor entries may be aliases or numeric ids). */
function monitored(webhook: Webhook, changed: string[]): string[] {
  const watch = new Set((webhook.monitorFields ?? []).map(toAlias));
  return changed.filter((f) => watch.has(f));
}

export interface Payload {
  employeeId: number;
  type: string;
  /** Form-encoding-neutral structure; serialised per webhook format. */
  data: Record<string, unknown>;
}

export function payloadFor(webhook: Webhook, event: ChangeEvent, ctx: ReadContext, valueStyle: 'flat' | 'value'): Payload | undefined {
  const legacy = !webhook.events.some((e) => e.startsWith('employee.'));
  const id = event.employee.id;
  if (!legacy) {
    const type = `employee.${event.kind}`;
    if (!webhook.events.includes(type)) return undefined;
    const data: Record<string, unknown> = { companyId: String(event.company.companyId), employeeId: String(id) };
    if (event.kind === 'updated') {
      const changed = monitored(webhook, event.changedFields);
      if (changed.length === 0) return undefined;
      data.changedFields = changed;
    }
    return { employeeId: id, type, data: { type, timestamp: payloadTimestamp(event.at), data } };
  }
  const type = `employee_with_fields.${event.kind}`;
  if (!webhook.events.includes(type)) return undefined;
  const changed = event.kind === 'updated' ? monitored(webhook, event.changedFields) : [];
  if (event.kind === 'updated' && changed.length === 0) return undefined;
  // External names: postFields' mapping, else BambooHR's English display names.
  const post = Object.keys(webhook.postFields).length > 0 ? webhook.postFields : Object.fromEntries((webhook.monitorFields ?? []).map((f) => [f, fieldDisplayName(f)]));
  const external = (alias: string): string => {
    const key = Object.keys(post).find((k) => toAlias(k) === alias);
    return key ? post[key]! : fieldDisplayName(alias);
  };
  const fields: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(post)) {
    const def = findField(key);
    const value = def ? readField(ctx, event.employee, def) : undefined;
    if (value === undefined) continue;
    const text = value === null ? '' : String(value);
    fields[name] = valueStyle === 'value' ? { value: text } : text;
  }
  const action = event.kind === 'created' ? 'Created' : event.kind === 'deleted' ? 'Deleted' : 'Updated';
  return {
    employeeId: id,
    type,
    data: { employees: [{ action, changedFields: changed.map(external), fields, id: String(id), timestamp: payloadTimestamp(event.at) }] },
  };
}

function formPairs(prefix: string, value: unknown, out: [string, string][]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) value.forEach((v, i) => formPairs(`${prefix}[${i}]`, v, out));
  else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) formPairs(prefix ? `${prefix}[${k}]` : k, v, out);
  else out.push([prefix, String(value)]);
}

/** JSON as-is; form encoding follows BambooHR's examples (legacy fields sit directly under employees[id]). */
export function serialise(payload: Payload, format: Webhook['format']): { body: string; contentType: string } {
  if (format === 'json') return { body: JSON.stringify(payload.data), contentType: 'application/json' };
  const pairs: [string, string][] = [];
  const employees = (payload.data as { employees?: Record<string, unknown>[] }).employees;
  if (employees) {
    for (const e of employees) {
      const { id, fields, ...rest } = e;
      formPairs(`employees[${String(id)}]`, { ...rest, ...(fields as object) }, pairs);
    }
  } else {
    formPairs('', payload.data, pairs);
  }
  return { body: new URLSearchParams(pairs).toString(), contentType: 'application/x-www-form-urlencoded' };
}

export function deliveryHeaders(webhook: Webhook, company: Company, body: string, contentType: string, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    'content-type': contentType,
    'user-agent': WEBHOOK_USER_AGENT,
    'x-bamboohr-timestamp': timestamp,
    'x-bamboohr-signature': signWebhook(webhook.privateKey, body, timestamp),
    ...(webhook.includeCompanyDomain ? { 'company-domain': company.domain } : {}),
  };
}
