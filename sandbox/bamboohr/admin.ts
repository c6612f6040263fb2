// The sandbox's own control surface, used in-process (startBambooSandbox().admin) and over HTTP
// (/_sandbox/..., see admin-http.ts). Nothing here exists in BambooHR.
import type { Company, CompanySpec, Employee, ListOption } from './model.ts';
import type { HandlerContext } from './context.ts';
import { ChangeError, addOption, hire, move, rehire, remove, terminate, update, updateOption, type HireInput, type MoveInput } from './changes.ts';
import { DEFAULT_SETTINGS, type RuntimeSettings } from './options.ts';
import type { Faults } from './faults.ts';
import type { RequestLog, RequestRecord } from './request-log.ts';
import type { DeliveryRecord, WebhookSender } from './webhook-delivery.ts';
import type { RetryAfterFormat } from './time.ts';

export interface CompanyCredentials {
  domain: string;
  name: string;
  employees: number;
  apiKey: string;
  oauth: { clientId: string; clientSecret: string; redirectUris: string[] };
}

const RETRY_FORMATS: RetryAfterFormat[] = ['seconds', 'imf-fixdate', 'rfc850', 'asctime'];
const ENUMS: Partial<Record<keyof RuntimeSettings, readonly string[]>> = {
  webhookValueStyle: ['flat', 'value'],
  consent: ['auto', 'page'],
  unknownFields: ['reject', 'ignore'],
  reportEmptyValue: ['empty-string', 'null'],
  employeeListCursor: ['string', 'integer'],
};

/** Checks a settings patch against the defaults' types; throws ChangeError(400) naming the bad key. */
export function validateSettingsPatch(patch: Record<string, unknown>): Partial<RuntimeSettings> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    // Own keys only: `__proto__` or `constructor` in a patch is an unknown setting, not a 500.
    if (!Object.hasOwn(DEFAULT_SETTINGS, key)) throw new ChangeError(400, `unknown setting ${key}; known: ${Object.keys(DEFAULT_SETTINGS).join(', ')}`);
    if (key === 'throttle') {
      if (value !== null) throw new ChangeError(400, 'set throttle through POST /_sandbox/faults/throttle (or null to end it)');
    } else if (key === 'errorHeaders') {
      // A bad header name would make every error answer unsendable.
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !/^[A-Za-z0-9-]+$/.test(v))) throw new ChangeError(400, 'errorHeaders must be a list of header names');
    } else if (key === 'errorStatuses') {
      if (!Array.isArray(value) || value.some((v) => !Number.isInteger(v) || v < 500 || v > 599)) throw new ChangeError(400, 'errorStatuses must be a list of 5xx statuses');
    } else if (typeof value !== typeof DEFAULT_SETTINGS[key as keyof RuntimeSettings]) {
      throw new ChangeError(400, `${key} must be a ${typeof DEFAULT_SETTINGS[key as keyof RuntimeSettings]}`);
    }
    const allowed = ENUMS[key as keyof RuntimeSettings];
    if (allowed && !allowed.includes(String(value))) throw new ChangeError(400, `${key} must be one of ${allowed.join(', ')}`);
    if (typeof value === 'number' && (value < 0 || !Number.isFinite(value))) throw new ChangeError(400, `${key} must be a non-negative number`);
    out[key] = value;
  }
  return out as Partial<RuntimeSettings>;
}

export class SandboxAdmin {
  constructor(
    private readonly ctx: HandlerContext,
    private readonly startSettings: RuntimeSettings,
    private readonly faults: Faults,
    private readonly log: RequestLog,
    private readonly webhooks: WebhookSender,
  ) {}

  company(domain: string): Company {
    const c = this.ctx.state.companies.get(domain);
    if (!c) throw new ChangeError(404, `no company ${domain}`);
    return c;
  }

  credentials(domain: string): CompanyCredentials {
    const c = this.company(domain);
    return {
      domain: c.domain,
      name: c.name,
      employees: Object.values(c.employees).filter((e) => !e.deleted).length,
      apiKey: c.apiKey,
      oauth: { clientId: c.oauthClient.clientId, clientSecret: c.oauthClient.clientSecret, redirectUris: [...c.oauthClient.redirectUris] },
    };
  }

  companies(): CompanyCredentials[] {
    return [...this.ctx.state.companies.keys()].map((d) => this.credentials(d));
  }

  addCompany(spec: CompanySpec): CompanyCredentials {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(spec.domain)) throw new ChangeError(400, 'domain must be lower-case letters, digits and dashes');
    if (this.ctx.state.companies.has(spec.domain)) throw new ChangeError(409, `company ${spec.domain} exists`);
    this.ctx.state.addCompany(spec);
    return this.credentials(spec.domain);
  }

  setRedirectUris(domain: string, redirectUris: string[]): void {
    this.company(domain).oauthClient.redirectUris = [...redirectUris];
    this.ctx.state.changed();
  }

  hire(domain: string, input: HireInput): Employee {
    return hire(this.ctx.state, this.company(domain), input);
  }

  terminate(domain: string, id: number | string, input: { date?: string; comment?: string } = {}): string[] {
    return terminate(this.ctx.state, this.company(domain), String(id), input);
  }

  rehire(domain: string, id: number | string, input: { date?: string; employmentStatus?: string } = {}): string[] {
    return rehire(this.ctx.state, this.company(domain), String(id), input);
  }

  move(domain: string, id: number | string, input: MoveInput): string[] {
    return move(this.ctx.state, this.company(domain), String(id), input);
  }

  update(domain: string, id: number | string, input: Record<string, unknown>): string[] {
    return update(this.ctx.state, this.company(domain), String(id), input);
  }

  remove(domain: string, id: number | string): void {
    remove(this.ctx.state, this.company(domain), String(id));
  }

  addOption(domain: string, list: string, name: string): ListOption {
    return addOption(this.ctx.state, this.company(domain), list, { name });
  }

  updateOption(domain: string, list: string, optionId: number | string, input: { name?: string; archived?: boolean }): ListOption {
    return updateOption(this.ctx.state, this.company(domain), list, String(optionId), input);
  }

  settings(): RuntimeSettings {
    return { ...this.ctx.settings };
  }

  setFaults(patch: Record<string, unknown>): RuntimeSettings {
    Object.assign(this.ctx.settings, validateSettingsPatch(patch));
    return this.settings();
  }

  throttle(input: { status?: number; seconds?: number; retryAfterFormat?: string }): RuntimeSettings {
    const status = input.status ?? 429;
    if (status !== 429 && status !== 503) throw new ChangeError(400, 'status must be 429 or 503');
    const seconds = input.seconds ?? 5;
    if (typeof seconds !== 'number' || seconds <= 0) throw new ChangeError(400, 'seconds must be a positive number');
    const format = (input.retryAfterFormat ?? 'seconds') as RetryAfterFormat;
    if (!RETRY_FORMATS.includes(format)) throw new ChangeError(400, `retryAfterFormat must be one of ${RETRY_FORMATS.join(', ')}`);
    this.faults.startThrottle(status, seconds, format);
    return this.settings();
  }

  resetFaults(): RuntimeSettings {
    Object.assign(this.ctx.settings, this.startSettings, { throttle: null });
    this.faults.clear();
    return this.settings();
  }

  expireTokens(domain?: string): number {
    return this.ctx.tokens.expireAccessTokens(domain, this.ctx.nowMs());
  }

  requests(afterSeq = 0): RequestRecord[] {
    return this.log.list(afterSeq);
  }

  clearRequests(): void {
    this.log.clear();
  }

  deliveries(afterSeq = 0): DeliveryRecord[] {
    return this.webhooks.deliveries.filter((d) => d.seq > afterSeq);
  }

  /** Resolves when no webhook delivery is scheduled or in flight. */
  waitForWebhooks(): Promise<void> {
    return this.webhooks.idle();
  }

  /** Back to the seed: companies reseeded, tokens, logs, deliveries and faults cleared. */
  reset(): void {
    this.ctx.state.reset();
    this.ctx.tokens.clear();
    this.log.clear();
    this.webhooks.clearLog();
    this.resetFaults();
  }
}
