// One webhook delivery, from raw bytes to a durable inbox entry — a plain function, testable without a
// port; the HTTP server is a thin adapter around it. The order is the point: size first (no HMAC work
// on an oversized body), then the source's signature check with every current signing key, then the
// timestamp window in both directions, then the source reads the keys (a signed body it cannot parse
// at all is a 400: malformed, not worth a job), then a durable write, and only then a 2xx. A delivery
// we could not persist gets a 503 so the sender retries; a forged one gets a bare 401 that teaches nothing.
import { createHash } from 'node:crypto';
import type { WebhookAdapter, WebhookDelivery } from '../connectors/definition.ts';

export interface WebhookRoute {
  pipeline: string;
  /** The trigger's path, e.g. /hooks/keystone/hr. */
  path: string;
  adapter: WebhookAdapter;
  /** The signing keys in force (two during a rotation), resolved from the secret store. */
  signingKeys(): Promise<readonly string[]>;
  toleranceSeconds: number;
  maxBodyBytes: number;
}

export interface InboxAppend {
  pipeline: string;
  trigger: string;
  keys: string[];
  receivedAt: Date;
  /** Same bytes, same signed time: the same delivery sent again. */
  dedupeKey: string;
}

export interface WebhookInbox {
  /** Durable before it resolves (fsync'd or committed); `duplicate` when the dedupe key was seen. */
  append(entry: InboxAppend): Promise<{ id: string; duplicate: boolean }>;
}

export interface WebhookAnswer {
  status: 202 | 200 | 400 | 401 | 413 | 503;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** For logs and metrics only, never sent: why a delivery was refused. */
  reason?: string;
  outcome: 'accepted' | 'duplicate' | 'forged' | 'stale' | 'malformed' | 'too-large' | 'store-unavailable';
}

export const UNAUTHORIZED: Omit<WebhookAnswer, 'reason' | 'outcome'> = { status: 401, body: { error: 'unauthorized' } };

export async function handleWebhook(delivery: WebhookDelivery, route: WebhookRoute, inbox: WebhookInbox, now: Date): Promise<WebhookAnswer> {
  if (delivery.rawBody.length > route.maxBodyBytes) {
    return { status: 413, body: { error: 'payload too large', limitBytes: route.maxBodyBytes }, outcome: 'too-large' };
  }
  let verdict: ReturnType<WebhookAdapter['verify']>;
  try {
    verdict = route.adapter.verify(delivery, await route.signingKeys());
  } catch (error) {
    // An adapter must not throw on a malformed delivery; if one does, it is still a refusal, not a 5xx.
    verdict = { ok: false, reason: `verifier threw: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!verdict.ok) return { ...UNAUTHORIZED, reason: verdict.reason, outcome: 'forged' };
  if (verdict.signedAt) {
    const skewSeconds = Math.abs(now.getTime() - verdict.signedAt.getTime()) / 1000;
    if (!(skewSeconds <= route.toleranceSeconds)) {
      return { ...UNAUTHORIZED, reason: `signed ${Math.round(skewSeconds)} s away from now (tolerance ${route.toleranceSeconds} s)`, outcome: 'stale' };
    }
  }
  let keys: string[];
  try {
    keys = [...new Set(route.adapter.keys(delivery))];
  } catch (error) {
    // Only after the signature: an unsigned body never learns whether it would have parsed.
    return { status: 400, body: { error: 'malformed delivery' }, reason: error instanceof Error ? error.message : String(error), outcome: 'malformed' };
  }
  const dedupeKey = deliveryDedupeKey(route.pipeline, verdict.signedAt, delivery.rawBody);
  try {
    const { id, duplicate } = await inbox.append({ pipeline: route.pipeline, trigger: route.path, keys, receivedAt: delivery.receivedAt, dedupeKey });
    // No keys in a verified delivery (a shape the source does not know): it still counts as a hint, and
    // the worker answers it with a changed-since read, so nothing it announced is lost.
    return duplicate
      ? { status: 200, body: { received: true, duplicate: true, id }, outcome: 'duplicate' }
      : { status: 202, body: { received: true, id, keys: keys.length }, outcome: 'accepted' };
  } catch (error) {
    return {
      status: 503,
      body: { error: 'cannot store the delivery now; retry later' },
      headers: { 'retry-after': '30' },
      reason: error instanceof Error ? error.message : String(error),
      outcome: 'store-unavailable',
    };
  }
}

/** Same pipeline, same signed time, same bytes: the same delivery sent again. */
export function deliveryDedupeKey(pipeline: string, signedAt: Date | undefined, rawBody: Buffer): string {
  return createHash('sha256').update(pipeline).update('\0').update(signedAt?.toISOString() ?? '').update('\0').update(rawBody).digest('hex');
}
