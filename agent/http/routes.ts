// The route table: one entry per operation of openapi.yaml, each a plain function of the parsed
// request. The HTTP adapter (handler.ts) does authentication, limits, idempotency and errors.
import { accountMask, segmentNo } from '../gl/account-format.ts';
import type { AccountInput, Backend, Condition, HeadcountInput, PageRequest, Status } from '../backends/backend.ts';
import type { SimAdmin, SimTarget } from '../backends/sim/backend.ts';
import { AgentError } from '../errors.ts';

export interface RouteRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  condition: Condition;
}

export interface RouteResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'PUT' | 'POST';
  pattern: RegExp;
  /** A Sage write: needs an Idempotency-Key and is remembered. */
  write?: boolean;
  admin?: boolean;
  public?: boolean;
  /** components/schemas entry the JSON body must match. */
  bodySchema?: string;
  handle(request: RouteRequest): Promise<RouteResult>;
}

export interface RouteDeps {
  backend: Backend;
  sim?: SimAdmin;
  version: string;
}

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 5000;

function page(query: URLSearchParams): PageRequest {
  const raw = query.get('limit');
  const limit = raw === null ? DEFAULT_LIMIT : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new AgentError('validation_failed', `limit must be an integer from 1 to ${MAX_LIMIT}`, { field: 'limit', rule: 'range' });
  const cursor = query.get('cursor') ?? undefined;
  return cursor ? { limit, cursor } : { limit };
}

function upserted(result: { outcome: string; record: { etag: string } }): RouteResult {
  return { status: result.outcome === 'created' ? 201 : 200, body: result, headers: { etag: result.record.etag } };
}

function path(template: string): RegExp {
  return new RegExp(`^${template.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);
}

function sim(deps: RouteDeps): SimAdmin {
  if (!deps.sim) throw new AgentError('not_supported', 'this is only available with the sim backend');
  return deps.sim;
}

export function routes(deps: RouteDeps): Route[] {
  const { backend } = deps;
  const co = '/v1/companies/{company}';
  return [
    {
      method: 'GET',
      pattern: path('/v1/health'),
      public: true,
      handle: async () => ({ status: 200, body: { status: 'ok', version: deps.version, apiVersion: 'v1', backend: backend.kind } }),
    },
    { method: 'GET', pattern: path('/v1/companies'), handle: async () => ({ status: 200, body: { items: await backend.listCompanies() } }) },
    {
      method: 'GET',
      pattern: path(`${co}/account-structure`),
      handle: async ({ params }) => {
        const structure = await backend.accountStructure(params.company ?? '');
        return {
          status: 200,
          body: {
            company: (params.company ?? '').toUpperCase(),
            separator: structure.separator,
            mask: accountMask(structure),
            maxRawLength: 32,
            maxFormattedLength: 41,
            segments: structure.segments.map((s) => ({ ...s, segmentNo: segmentNo(s.number) })),
          },
        };
      },
    },
    {
      method: 'GET',
      pattern: path(`${co}/segments/{segment}/values`),
      handle: async ({ params, query }) => ({ status: 200, body: await backend.listSubAccounts(params.company ?? '', params.segment ?? '', page(query)) }),
    },
    {
      method: 'GET',
      pattern: path(`${co}/segments/{segment}/values/{code}`),
      handle: async ({ params }) => {
        const record = await backend.getSubAccount(params.company ?? '', params.segment ?? '', params.code ?? '');
        return { status: 200, body: record, headers: { etag: record.etag } };
      },
    },
    {
      method: 'PUT',
      pattern: path(`${co}/segments/{segment}/values/{code}`),
      write: true,
      bodySchema: 'SubAccountWrite',
      handle: async ({ params, body, condition }) => {
        const input = body as { description: string; shortDescription?: string; status?: Status };
        return upserted(await backend.upsertSubAccount(params.company ?? '', { ...input, segment: params.segment ?? '', code: params.code ?? '' }, condition));
      },
    },
    {
      method: 'GET',
      pattern: path(`${co}/accounts`),
      handle: async ({ params, query }) => ({ status: 200, body: await backend.listAccounts(params.company ?? '', page(query), query.get('mainAccount') ?? undefined) }),
    },
    {
      method: 'POST',
      pattern: path(`${co}/accounts`),
      write: true,
      bodySchema: 'AccountWrite',
      handle: async ({ params, body, condition }) => upserted(await backend.upsertAccount(params.company ?? '', body as AccountInput, condition)),
    },
    {
      method: 'GET',
      pattern: path(`${co}/accounts/{account}`),
      handle: async ({ params }) => {
        const record = await backend.getAccount(params.company ?? '', params.account ?? '');
        return { status: 200, body: record, headers: { etag: record.etag } };
      },
    },
    {
      method: 'GET',
      pattern: path(`${co}/headcount`),
      handle: async ({ params, query }) => {
        const period = query.get('period') ?? '';
        if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw new AgentError('validation_failed', 'period must be YYYY-MM', { field: 'period', rule: 'pattern' });
        return { status: 200, body: await backend.listHeadcount(params.company ?? '', period, page(query)) };
      },
    },
    {
      method: 'POST',
      pattern: path(`${co}/headcount`),
      write: true,
      bodySchema: 'HeadcountWrite',
      handle: async ({ params, body, condition }) => upserted(await backend.upsertHeadcount(params.company ?? '', body as HeadcountInput, condition)),
    },
    { method: 'GET', pattern: path('/v1/_admin/status'), admin: true, handle: async () => ({ status: 200, body: backend.status() }) },
    {
      method: 'POST',
      pattern: path('/v1/_admin/drain'),
      admin: true,
      handle: async () => {
        await backend.drain();
        return { status: 200, body: backend.status() };
      },
    },
    {
      method: 'POST',
      pattern: path('/v1/_admin/resume'),
      admin: true,
      handle: async () => {
        backend.resume();
        return { status: 200, body: backend.status() };
      },
    },
    { method: 'GET', pattern: path('/v1/_admin/sim/state'), admin: true, handle: async () => ({ status: 200, body: sim(deps).state() }) },
    {
      method: 'POST',
      pattern: path('/v1/_admin/sim/lock'),
      admin: true,
      bodySchema: 'SimLock',
      handle: async ({ body }) => {
        const { seconds, ...target } = body as SimTarget & { seconds?: number | null };
        sim(deps).lock(target, seconds ?? null);
        return { status: 200, body: sim(deps).state() };
      },
    },
    {
      method: 'POST',
      pattern: path('/v1/_admin/sim/unlock'),
      admin: true,
      bodySchema: 'SimLock',
      handle: async ({ body }) => {
        const { seconds: _ignored, ...target } = body as SimTarget & { seconds?: number | null };
        sim(deps).unlock(target);
        return { status: 200, body: sim(deps).state() };
      },
    },
    {
      method: 'POST',
      pattern: path('/v1/_admin/sim/hand-edit'),
      admin: true,
      bodySchema: 'SimHandEdit',
      handle: async ({ body }) => {
        const edit = body as { company: string; segment: string; code: string; description?: string; status?: 'A' | 'I' | 'D' };
        sim(deps).editSubAccount(edit.company, edit.segment, edit.code, edit);
        return { status: 200, body: sim(deps).state() };
      },
    },
    {
      method: 'POST',
      pattern: path('/v1/_admin/sim/faults'),
      admin: true,
      bodySchema: 'SimFaults',
      handle: async ({ body }) => {
        sim(deps).setFaults(body as Parameters<SimAdmin['setFaults']>[0]);
        return { status: 200, body: sim(deps).state() };
      },
    },
  ];
}
