// The only file that knows the agent's URLs (agent/openapi.yaml): typed reads, paged lists and
// conditional, idempotent writes. Retries, TLS trust and Retry-After are the context's HTTP client's;
// what an agent error means is agent-errors.ts's. A 404 or 412 comes back as an answer, not a throw.
import { ConnectorRuntimeError, type HttpClient, type HttpRequest, type HttpResponse } from '../../runtime/index.ts';
import { agentError, classifyAgentResponse, describeAgentError } from './agent-errors.ts';

export type AgentStatus = 'active' | 'inactive' | 'deleted';

export interface AgentSubAccount {
  segment: string;
  code: string;
  description: string;
  shortDescription: string;
  status: AgentStatus;
  etag: string;
}

export interface AgentAccount {
  account: string;
  mainAccount: string;
  segments: Record<string, string>;
  description: string;
  accountType: string;
  status: AgentStatus;
  etag: string;
}

export interface AgentHeadcount {
  account: string;
  costCenter: Record<string, string>;
  period: string;
  headcount: number;
  etag: string;
}

export interface AgentStructure {
  company: string;
  separator: string;
  mask: string;
  segments: Array<{ number: number; segmentNo: string; name: string; length: number; type: 'numeric' | 'alphanumeric' }>;
}

export interface AgentHealth {
  status: string;
  version: string;
  apiVersion: string;
  backend: string;
}

/** If-Match with the ETag read, or create-only; the sink never writes without one. */
export type WriteCondition = { ifMatch: string } | { createOnly: true };

export type WriteAnswer<T> =
  | { kind: 'written'; record: T; outcome: 'created' | 'updated' | 'unchanged'; replayed: boolean }
  /** 412: the record changed since it was read (or exists, for a create-only write). */
  | { kind: 'conflict' };

export interface AgentClientSettings {
  baseUrl: string;
  company: string;
  /**
   * Resolved once and then again only when the agent answers 401 (a rotated key), never kept in a log
   * line. Resolving reads and decrypts the secret store, 2-10 ms that every request used to pay.
   */
  apiKey?: () => Promise<string>;
  pageSize: number;
  clock(): Date;
}

export interface AgentClient {
  health(signal: AbortSignal): Promise<AgentHealth>;
  companies(signal: AbortSignal): Promise<Array<{ code: string; name: string }>>;
  structure(signal: AbortSignal): Promise<AgentStructure>;
  subAccounts(segmentNo: string, signal: AbortSignal): Promise<AgentSubAccount[]>;
  subAccount(segmentNo: string, code: string, signal: AbortSignal): Promise<AgentSubAccount | undefined>;
  putSubAccount(segmentNo: string, code: string, body: object, write: WriteOptions): Promise<WriteAnswer<AgentSubAccount>>;
  accounts(signal: AbortSignal, mainAccount?: string): Promise<AgentAccount[]>;
  account(formatted: string, signal: AbortSignal): Promise<AgentAccount | undefined>;
  postAccount(body: object, write: WriteOptions): Promise<WriteAnswer<AgentAccount>>;
  headcount(period: string, signal: AbortSignal): Promise<AgentHeadcount[]>;
  postHeadcount(body: object, write: WriteOptions): Promise<WriteAnswer<AgentHeadcount>>;
  lastPeerFingerprint(): string | undefined;
  close(): Promise<void>;
}

export interface WriteOptions {
  idempotencyKey: string;
  condition: WriteCondition;
  recordKey: string;
  signal: AbortSignal;
}

const enc = encodeURIComponent;

export function createAgentClient(http: HttpClient, settings: AgentClientSettings): AgentClient {
  const company = `${settings.baseUrl}/v1/companies/${enc(settings.company)}`;
  const classify = (response: HttpResponse) => classifyAgentResponse(response, settings.clock);

  const apiKey = settings.apiKey ? cachedKey(settings.apiKey) : undefined;

  /**
   * One request with the key held. A 401 means the key was revoked, so the key is read again and, when
   * it changed (rotated in the secret store), the request is sent once more: the agent authenticates
   * before it touches anything, so a refused write had no effect. Otherwise the 401 is the classifier's.
   */
  async function send(url: string, init: Omit<HttpRequest, 'classify'>): Promise<HttpResponse> {
    const headers = (key: string | undefined): Record<string, string> => ({ accept: 'application/json', ...init.headers, ...(key ? { authorization: `Bearer ${key}` } : {}) });
    const held = await apiKey?.current();
    if (!apiKey) return http.request(url, { ...init, headers: headers(held), classify });
    const first = await http.request(url, { ...init, headers: headers(held), classify: (r) => (r.status === 401 ? 'ok' : classify(r)) });
    if (first.status !== 401) return first;
    const fresh = await apiKey.refresh(held);
    return http.request(url, { ...init, headers: headers(fresh), classify });
  }

  /** undefined for a 404 not_found (one record that does not exist); everything else is the classifier's. */
  async function get<T>(url: string, signal: AbortSignal): Promise<T | undefined> {
    const response = await send(url, { signal });
    if (response.status === 404) return undefined;
    return parse<T>(response, url);
  }

  async function list<T>(url: string, signal: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    const join = url.includes('?') ? '&' : '?';
    // Bounded by the data: every page moves the cursor on, and a repeated cursor is the agent's bug.
    const seen = new Set<string>();
    do {
      const page: { items: T[]; nextCursor: string | null } | undefined = await get(`${url}${join}limit=${settings.pageSize}${cursor ? `&cursor=${enc(cursor)}` : ''}`, signal);
      if (!page) throw new ConnectorRuntimeError('MLC_REMOTE_CONTRACT', `the Sage 100 agent answered 404 not_found for a list (${redact(url)})`);
      items.push(...page.items);
      cursor = page.nextCursor;
      if (cursor !== null && seen.has(cursor)) throw new ConnectorRuntimeError('MLC_REMOTE_CONTRACT', 'the Sage 100 agent returned the same page cursor twice');
      if (cursor !== null) seen.add(cursor);
    } while (cursor !== null);
    return items;
  }

  async function write<T>(method: 'PUT' | 'POST', url: string, body: object, options: WriteOptions): Promise<WriteAnswer<T>> {
    const condition: Record<string, string> = 'ifMatch' in options.condition ? { 'if-match': options.condition.ifMatch } : { 'if-none-match': '*' };
    const response = await send(url, {
      method,
      headers: { 'content-type': 'application/json', 'idempotency-key': options.idempotencyKey, ...condition },
      body: JSON.stringify(body),
      // The Idempotency-Key makes a repeat safe: the agent answers it with the first result.
      idempotent: true,
      recordKey: options.recordKey,
      signal: options.signal,
    });
    if (response.status === 412) return { kind: 'conflict' };
    if (response.status === 404) {
      const error = agentError(response);
      throw new ConnectorRuntimeError('MLC_REMOTE_REJECTED', `the Sage 100 agent answered 404 ${error ? describeAgentError(error) : ''}`, { recordKey: options.recordKey });
    }
    const result = parse<{ outcome: 'created' | 'updated' | 'unchanged'; record: T }>(response, url);
    return { kind: 'written', record: result.record, outcome: result.outcome, replayed: response.headers['idempotent-replayed'] === 'true' };
  }

  return {
    health: async (signal) => (await get<AgentHealth>(`${settings.baseUrl}/v1/health`, signal)) ?? contractBroken('/v1/health'),
    companies: async (signal) => ((await get<{ items: Array<{ code: string; name: string }> }>(`${settings.baseUrl}/v1/companies`, signal)) ?? contractBroken('/v1/companies')).items,
    structure: async (signal) => (await get<AgentStructure>(`${company}/account-structure`, signal)) ?? contractBroken('account-structure'),
    subAccounts: (segmentNo, signal) => list(`${company}/segments/${enc(segmentNo)}/values`, signal),
    subAccount: (segmentNo, code, signal) => get(`${company}/segments/${enc(segmentNo)}/values/${enc(code)}`, signal),
    putSubAccount: (segmentNo, code, body, options) => write('PUT', `${company}/segments/${enc(segmentNo)}/values/${enc(code)}`, body, options),
    accounts: (signal, mainAccount) => list(`${company}/accounts${mainAccount ? `?mainAccount=${enc(mainAccount)}` : ''}`, signal),
    account: (formatted, signal) => get(`${company}/accounts/${enc(formatted)}`, signal),
    postAccount: (body, options) => write('POST', `${company}/accounts`, body, options),
    headcount: (period, signal) => list(`${company}/headcount?period=${enc(period)}`, signal),
    postHeadcount: (body, options) => write('POST', `${company}/headcount`, body, options),
    lastPeerFingerprint: () => http.lastPeerFingerprint(),
    close: () => http.close(),
  };
}

/**
 * The key as last resolved. `refresh` reads it again unless another request already did since `stale`
 * was handed out, so concurrent requests refused together resolve it once.
 */
function cachedKey(resolve: () => Promise<string>): { current(): Promise<string>; refresh(stale: string | undefined): Promise<string> } {
  let held: Promise<string> | undefined;
  const load = (): Promise<string> => {
    const loading = resolve();
    held = loading;
    // A failed resolution is not kept: the next request tries again.
    loading.catch(() => {
      if (held === loading) held = undefined;
    });
    return loading;
  };
  return {
    current: () => held ?? load(),
    async refresh(stale) {
      const now = held ? await held.catch(() => undefined) : undefined;
      return now !== undefined && now !== stale ? now : load();
    },
  };
}

function parse<T>(response: HttpResponse, url: string): T {
  try {
    return response.json<T>();
  } catch (error) {
    throw new ConnectorRuntimeError('MLC_REMOTE_CONTRACT', `the Sage 100 agent sent a body that is not JSON for ${redact(url)}`, { cause: error });
  }
}

function contractBroken(what: string): never {
  throw new ConnectorRuntimeError('MLC_REMOTE_CONTRACT', `the Sage 100 agent answered 404 for ${what}`);
}

function redact(url: string): string {
  return url.split('?')[0] ?? url;
}
