// A webhook scheme for the runtime's own tests (no real system's): HMAC-SHA256, lowercase hex, over
// the raw body followed by a Unix-seconds timestamp header; the body names record ids.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookAdapter, WebhookDelivery } from '../../runtime/connectors/definition.ts';
import type { InboxAppend, WebhookInbox } from '../../runtime/triggers/handle-webhook.ts';

export function signTest(body: string | Buffer, key: string, timestamp: string): string {
  return createHmac('sha256', key).update(body).update(timestamp).digest('hex');
}

export const testWebhookAdapter: WebhookAdapter = {
  verify(delivery, signingKeys) {
    const timestamp = delivery.headers['x-test-timestamp'] ?? '';
    const signature = delivery.headers['x-test-signature'] ?? '';
    if (!/^\d{1,12}$/.test(timestamp) || !/^[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'malformed headers' };
    const given = Buffer.from(signature, 'hex');
    const ok = signingKeys.some((key) => timingSafeEqual(Buffer.from(signTest(delivery.rawBody, key, timestamp), 'hex'), given));
    return ok ? { ok: true, signedAt: new Date(Number(timestamp) * 1000) } : { ok: false, reason: 'signature mismatch' };
  },
  keys(delivery: WebhookDelivery) {
    const parsed = JSON.parse(delivery.rawBody.toString('utf8')) as { ids?: unknown };
    return Array.isArray(parsed.ids) ? parsed.ids.map(String) : [];
  },
};

export interface MemoryInbox extends WebhookInbox {
  entries: (InboxAppend & { id: string })[];
  failing: boolean;
}

export function memoryInbox(): MemoryInbox {
  const inbox: MemoryInbox = {
    entries: [],
    failing: false,
    async append(entry) {
      if (inbox.failing) throw new Error('disk full');
      const seen = inbox.entries.find((e) => e.dedupeKey === entry.dedupeKey);
      if (seen) return { id: seen.id, duplicate: true };
      const id = String(inbox.entries.length + 1);
      inbox.entries.push({ ...entry, id });
      return { id, duplicate: false };
    },
  };
  return inbox;
}
