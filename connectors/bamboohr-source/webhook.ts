// BambooHR webhooks: X-BambooHR-Signature is lowercase hex HMAC-SHA256(privateKey, rawBody ‖
// X-BambooHR-Timestamp), no separator. Verified over the raw bytes only, timing-safe, with every
// signing key of a rotation; anything malformed is a refusal, never an exception. The runtime
// enforces the tolerance window from the returned signedAt.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookAdapter, WebhookDelivery, WebhookVerdict } from '../../runtime/index.ts';

/** Bodies above this are refused before any HMAC work (BambooHR batches are far smaller). */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;
const SIGNATURE = /^[0-9a-f]{64}$/;
const EPOCH_SECONDS = /^\d{9,11}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

function signedAt(timestamp: string): Date | undefined {
  if (EPOCH_SECONDS.test(timestamp)) return new Date(Number(timestamp) * 1000);
  if (!ISO_TIME.test(timestamp)) return undefined;
  const ms = Date.parse(timestamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

export function verifyDelivery(delivery: WebhookDelivery, signingKeys: readonly string[]): WebhookVerdict {
  if (delivery.rawBody.length > MAX_WEBHOOK_BYTES) return { ok: false, reason: `body of ${delivery.rawBody.length} bytes is over the ${MAX_WEBHOOK_BYTES}-byte limit` };
  const signature = delivery.headers['x-bamboohr-signature'];
  const timestamp = delivery.headers['x-bamboohr-timestamp'];
  if (signature === undefined) return { ok: false, reason: 'no X-BambooHR-Signature header' };
  if (timestamp === undefined) return { ok: false, reason: 'no X-BambooHR-Timestamp header' };
  // Exactly 64 lowercase hex digits: upper case, a sha256= prefix, a short or padded value are refused.
  if (!SIGNATURE.test(signature)) return { ok: false, reason: 'X-BambooHR-Signature is not 64 lowercase hex digits' };
  const at = signedAt(timestamp);
  if (!at) return { ok: false, reason: 'X-BambooHR-Timestamp is not epoch seconds or an ISO 8601 time' };
  const given = Buffer.from(signature, 'hex');
  const message = Buffer.concat([delivery.rawBody, Buffer.from(timestamp, 'utf8')]);
  let match = false;
  for (const key of signingKeys) {
    if (!key) continue;
    const expected = createHmac('sha256', key).update(message).digest();
    // Both are 32 bytes by construction, so timingSafeEqual cannot throw; every key is tried.
    if (timingSafeEqual(expected, given)) match = true;
  }
  return match ? { ok: true, signedAt: at } : { ok: false, reason: 'signature does not match any signing key' };
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const idText = (v: unknown): string | undefined => {
  const value = isObject(v) ? v.value : v;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  return text && /^\d+$/.test(text) ? text : undefined;
};

function keysOfJson(body: unknown): string[] {
  if (!isObject(body)) return [];
  // Event-based: {type: "employee.updated", data: {employeeId}}.
  if (isObject(body.data) && typeof body.type === 'string') {
    if (!body.type.startsWith('employee')) return [];
    const id = idText(body.data.employeeId);
    return id ? [id] : [];
  }
  // Legacy field-based: {employees: [{id, action, fields}]} (values flat or {value} wrapped).
  const employees = Array.isArray(body.employees) ? body.employees : isObject(body.employees) ? Object.values(body.employees) : [];
  return employees.flatMap((e) => {
    const id = isObject(e) ? idText(e.id) : undefined;
    return id ? [id] : [];
  });
}

function keysOfForm(text: string): string[] {
  const params = new URLSearchParams(text);
  const event = params.get('data[employeeId]');
  if (event !== null) return idText(event) ? [event.trim()] : [];
  const explicit: string[] = [];
  const indexed = new Set<string>();
  for (const [name, value] of params) {
    const match = /^employees\[([^\]]+)\](.*)$/.exec(name);
    if (!match) continue;
    if (match[2] === '[id]') {
      const id = idText(value);
      if (id) explicit.push(id);
    } else if (/^\d+$/.test(match[1] ?? '')) indexed.add(match[1] ?? '');
  }
  // `employees[0][id]=5` names the id; `employees[12345][…]` keys the fields by it.
  return explicit.length > 0 ? explicit : [...indexed];
}

/**
 * The employees a verified delivery names; [] for a shape BambooHR may add (the runtime polls for it).
 * Throws for a body that is neither JSON nor a form (the runtime answers 400): signed garbage is not a
 * hint worth a job, and BambooHR does not resend a 4xx.
 */
export function deliveryKeys(delivery: WebhookDelivery): string[] {
  if (delivery.rawBody.length > MAX_WEBHOOK_BYTES) return [];
  const type = delivery.headers['content-type'] ?? '';
  const text = delivery.rawBody.toString('utf8');
  let keys: string[];
  if (/x-www-form-urlencoded/i.test(type)) keys = keysOfForm(text);
  else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      if (!/^[\w%[\]]+=/.test(text)) throw new Error(`the body is neither JSON nor a form (${(error as Error).message})`);
      parsed = undefined;
    }
    keys = parsed === undefined ? keysOfForm(text) : keysOfJson(parsed);
  }
  return [...new Set(keys)];
}

export const bambooWebhook: WebhookAdapter = { verify: verifyDelivery, keys: deliveryKeys };
