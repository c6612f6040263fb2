// Sends webhooks for every recorded change, with BambooHR's retry policy (5xx retried up to 5 times
// after 5, 10, 20, 40, 80 minutes, scaled by webhookTimeScale; 4xx never retried) and the delivery
// faults (drop, duplicate, delay). Every attempt lands in a log tests can read.
import { createDispatcher, httpRequest, type HttpDispatcher, type TlsTrust } from '../../runtime/lib/http-client.ts';
import type { HandlerContext } from './context.ts';
import type { Company, Webhook } from './model.ts';
import type { ChangeEvent } from './state.ts';
import { deliveryHeaders, payloadFor, serialise, type Payload } from './webhook-payload.ts';
import { isoSeconds, sqlDateTime } from './time.ts';

export const RETRY_MINUTES = [5, 10, 20, 40, 80];

export interface DeliveryRecord {
  seq: number;
  company: string;
  webhookId: number;
  url: string;
  type: string;
  employeeId: number;
  attempt: number;
  status: number | null;
  error?: string;
  outcome: 'delivered' | 'rejected' | 'retrying' | 'failed' | 'dropped';
  duplicate: boolean;
  at: string;
  /** This process's performance.now() when the request was handed to the HTTP client (for latency figures). */
  sentAtMonotonicMs: number;
}

const MAX_RECORDS = 10_000;

export class WebhookSender {
  readonly deliveries: DeliveryRecord[] = [];
  private seq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly dispatcher: HttpDispatcher;
  private closed = false;

  constructor(
    private readonly ctx: HandlerContext,
    trust: TlsTrust | undefined,
    private readonly timeoutMs: number,
  ) {
    this.dispatcher = createDispatcher(trust ?? {}, { connectTimeoutMs: timeoutMs });
  }

  handle(event: ChangeEvent): void {
    const readCtx = { company: event.company, day: this.ctx.state.today(), onlyCurrent: true };
    for (const webhook of event.company.webhooks) {
      const payload = payloadFor(webhook, event, readCtx, this.ctx.settings.webhookValueStyle);
      if (!payload) continue;
      const s = this.ctx.settings;
      if (this.ctx.faultPrng.chance(s.webhookDropRate)) {
        this.record(event.company, webhook, payload, 0, null, 'dropped', false);
        continue;
      }
      const copies = this.ctx.faultPrng.chance(s.webhookDuplicateRate) ? 2 : 1;
      for (let i = 0; i < copies; i++) this.schedule(event.company, webhook, payload, 0, s.webhookDelayMs, i > 0);
    }
  }

  /** Resolves once nothing is scheduled or in flight (tests wait on this instead of sleeping). */
  idle(): Promise<void> {
    if (this.timers.size === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.checkIdle();
    await this.dispatcher.close().catch(() => undefined);
  }

  clearLog(): void {
    this.deliveries.length = 0;
  }

  private checkIdle(): void {
    if (this.timers.size === 0 && this.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private schedule(company: Company, webhook: Webhook, payload: Payload, attempt: number, delayMs: number, duplicate: boolean): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.inFlight++;
      void this.send(company, webhook, payload, attempt, duplicate).finally(() => {
        this.inFlight--;
        this.checkIdle();
      });
    }, delayMs);
    this.timers.add(timer);
  }

  private async send(company: Company, webhook: Webhook, payload: Payload, attempt: number, duplicate: boolean): Promise<void> {
    const { body, contentType } = serialise(payload, webhook.format);
    const now = this.ctx.nowMs();
    const sentAtMonotonicMs = performance.now();
    let status: number | null = null;
    let error: string | undefined;
    try {
      const res = await httpRequest(webhook.url, { method: 'POST', headers: deliveryHeaders(webhook, company, body, contentType, now), body, dispatcher: this.dispatcher, timeoutMs: this.timeoutMs });
      status = res.status;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    if (status !== null && status >= 200 && status < 300) {
      webhook.lastSent = sqlDateTime(new Date(now));
      this.record(company, webhook, payload, attempt, status, 'delivered', duplicate, undefined, sentAtMonotonicMs);
      return;
    }
    if (status !== null && status < 500) {
      this.record(company, webhook, payload, attempt, status, 'rejected', duplicate, undefined, sentAtMonotonicMs);
      return;
    }
    // 5xx and transport failures are retried on BambooHR's schedule.
    const wait = RETRY_MINUTES[attempt];
    if (wait === undefined || this.closed) {
      this.record(company, webhook, payload, attempt, status, 'failed', duplicate, error, sentAtMonotonicMs);
      return;
    }
    this.record(company, webhook, payload, attempt, status, 'retrying', duplicate, error, sentAtMonotonicMs);
    this.schedule(company, webhook, payload, attempt + 1, wait * 60_000 * this.ctx.settings.webhookTimeScale, duplicate);
  }

  private record(company: Company, webhook: Webhook, payload: Payload, attempt: number, status: number | null, outcome: DeliveryRecord['outcome'], duplicate: boolean, error?: string, sentAtMonotonicMs = performance.now()): void {
    this.deliveries.push({ seq: ++this.seq, company: company.domain, webhookId: webhook.id, url: webhook.url, type: payload.type, employeeId: payload.employeeId, attempt, status, outcome, duplicate, at: isoSeconds(new Date(this.ctx.nowMs())), sentAtMonotonicMs, ...(error ? { error } : {}) });
    if (this.deliveries.length > MAX_RECORDS) this.deliveries.splice(0, this.deliveries.length - MAX_RECORDS);
    this.ctx.logger.debug({ webhookId: webhook.id, company: company.domain, attempt, status, outcome }, 'webhook delivery');
  }
}
