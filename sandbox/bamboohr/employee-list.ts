// GET /api/v1/employees: BambooHR's cursor-paginated list. OAuth only (the operation's `security`
// names only OAuth scopes and its only documented failure for credentials is 401), JSON only.
import type { Company } from './model.ts';
import type { HandlerContext } from './context.ts';
import { errorReply, type Reply, type SandboxRequest } from './http.ts';
import { parseListQuery, type ListError, type ListQuery } from './employee-list-query.ts';
import { CURSOR_LIMITS, decodeCursor, encodeCursor, fingerprint, type CursorStyle, type Direction } from './employee-list-cursor.ts';
import { rankEmployees, type Ranked } from './employee-list-order.ts';
import { listRecord } from './employee-list-record.ts';
import type { ReadContext } from './fields.ts';

export const BEARER_REALM = 'Bearer realm="BambooHR"';

function listError(ctx: HandlerContext, error: ListError): Reply {
  const { headers } = errorReply(ctx.settings, 400, error.message);
  return { status: 400, ...(headers ? { headers } : {}), alwaysJson: true, json: { error: error } };
}

const badPage = (message: string): ListError => ({ code: 'BadPage', message });

/** Index range [start, end) of the page, or the BadPage the cursor earns. */
function pageRange(style: CursorStyle, ranked: readonly Ranked[], q: ListQuery): { start: number; end: number } | ListError {
  const text = q.after ?? q.before;
  if (text === undefined) return { start: 0, end: Math.min(q.limit, ranked.length) };
  const wanted: Direction = q.after !== undefined ? 'after' : 'before';
  const cursor = decodeCursor(style, text);
  if (!cursor) return badPage(`Malformed page[${wanted}] cursor`);
  if (cursor.direction !== wanted) return badPage(`page[${wanted}] was given a ${cursor.direction} cursor (use nextCursor with page[after], prevCursor with page[before])`);
  const at = ranked.findIndex((r) => r.employee.id === cursor.employeeId);
  if (at < 0 || fingerprint(style, ranked[at]!.values) !== cursor.fingerprint) {
    return badPage('The cursor boundary employee changed since the cursor was issued (deleted, no longer matching the filter, or moved in the sort order); start again without a cursor');
  }
  return wanted === 'after' ? { start: at + 1, end: Math.min(at + 1 + q.limit, ranked.length) } : { start: Math.max(0, at - q.limit), end: at };
}

function link(req: SandboxRequest, change?: { key: 'page[after]' | 'page[before]'; cursor: string; limit: number }): { href: string } {
  const params = new URLSearchParams(req.query);
  if (change) {
    params.delete('page[after]');
    params.delete('page[before]');
    params.delete('page[limit]');
    params.set('page[limit]', String(change.limit));
    params.set(change.key, change.cursor);
  }
  const query = params.toString();
  return { href: `${req.linkBase ?? req.path}${query ? `?${query}` : ''}` };
}

export function listEmployees(ctx: HandlerContext, company: Company, req: SandboxRequest): Reply {
  if (req.authKind !== 'bearer') {
    const message = 'This endpoint accepts only OAuth 2.0 access tokens (Authorization: Bearer ...), not API keys';
    return errorReply(ctx.settings, 401, message, { 'www-authenticate': BEARER_REALM });
  }
  const style = ctx.settings.employeeListCursor;
  const q = parseListQuery(req.query, CURSOR_LIMITS[style]);
  if ('code' in q) return listError(ctx, q);
  const rc: ReadContext = { company, day: ctx.state.today(), onlyCurrent: true };
  const ranked = rankEmployees(rc, q.filter, q.sort);
  const range = pageRange(style, ranked, q);
  if ('code' in range) return listError(ctx, range);
  const page = ranked.slice(range.start, range.end);
  const first = page[0];
  const last = page[page.length - 1];
  const cursorFor = (direction: Direction, r: Ranked): string => encodeCursor(style, { direction, employeeId: r.employee.id, fingerprint: fingerprint(style, r.values) });
  const nextCursor = last && range.end < ranked.length ? cursorFor('after', last) : null;
  const prevCursor = first && range.start > 0 ? cursorFor('before', first) : null;
  return {
    status: 200,
    alwaysJson: true,
    json: {
      data: page.map((r) => listRecord(rc, r.employee, q.fields)),
      meta: { total: ranked.length, page: { limit: q.limit, nextCursor, prevCursor } },
      _links: {
        self: link(req),
        ...(nextCursor ? { next: link(req, { key: 'page[after]', cursor: nextCursor, limit: q.limit }) } : {}),
        ...(prevCursor ? { prev: link(req, { key: 'page[before]', cursor: prevCursor, limit: q.limit }) } : {}),
      },
    },
  };
}
