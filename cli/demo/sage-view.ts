// What the demo shows of Sage 100: the sub-account segment values, the labor GL accounts and the
// headcount of one month, read from the agent over its pinned HTTPS API (as any client would), and
// small plain-text tables of them.
import { createDispatcher, httpRequest, type HttpDispatcher } from '../../runtime/lib/http-client.ts';

export interface SageView {
  segments: Array<{ segment: string; code: string; description: string; status: string }>;
  accounts: Array<{ account: string; description: string; status: string }>;
  headcount: Array<{ costCenter: string; headcount: number }>;
}

/** Segment numbers of KBS's account format: 02 division, 03 department, 04 location. */
const SEGMENTS = ['02', '03', '04'];
const LABOR_MAINS = ['6000', '6100', '6200'];

export interface SageReader {
  read(period: string): Promise<SageView>;
  close(): Promise<void>;
}

export function sageReader(agent: { url: string; certificate: string; fingerprint256: string }, apiKey: string, company = 'KBS'): SageReader {
  const dispatcher: HttpDispatcher = createDispatcher({ ca: agent.certificate, fingerprint256: agent.fingerprint256 });
  async function all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    // Bounded: the demo's company has a few hundred rows at most.
    for (let page = 0; page < 100; page++) {
      const sep = path.includes('?') ? '&' : '?';
      const response = await httpRequest(`${agent.url}/v1/companies/${company}${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization: `Bearer ${apiKey}` }, dispatcher });
      if (response.status !== 200) throw new Error(`the agent answered ${response.status} to ${path}`);
      const body = response.json() as { items: T[]; nextCursor: string | null };
      items.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    return items;
  }
  return {
    async read(period) {
      const segments = (await Promise.all(SEGMENTS.map((s) => all<SageView['segments'][number]>(`/segments/${s}/values`)))).flat();
      const accounts = (await Promise.all(LABOR_MAINS.map((m) => all<SageView['accounts'][number]>(`/accounts?mainAccount=${m}`)))).flat();
      const headcount = (await all<{ costCenter: Record<string, string>; headcount: number }>(`/headcount?period=${period}`)).map((h) => ({
        costCenter: SEGMENTS.map((s) => h.costCenter[s] ?? '').join('-'),
        headcount: h.headcount,
      }));
      return {
        segments: segments.map(({ segment, code, description, status }) => ({ segment, code, description, status })),
        accounts: accounts.map(({ account, description, status }) => ({ account, description, status })).sort((a, b) => a.account.localeCompare(b.account)),
        headcount: headcount.sort((a, b) => a.costCenter.localeCompare(b.costCenter)),
      };
    },
    close: () => dispatcher.close(),
  };
}

/** A small table: a header row, a rule, and left-aligned columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`;
  return line(header) + line(widths.map((w) => '-'.repeat(w))) + rows.map(line).join('');
}

const status = (s: string): string => (s === 'A' ? 'active' : s === 'I' ? 'inactive' : s);

/** The changed rows of a table, and how many others stayed as they were. */
function changedOnly(header: string[], rows: string[][], total: number): string {
  const changed = rows.filter((r) => (r.at(-1) ?? '') !== '');
  const unchanged = total - changed.length;
  return (changed.length > 0 ? table(header, changed) : '  (no change)\n') + (unchanged > 0 ? `  … and ${unchanged} unchanged\n` : '');
}

/** Before and after, side by side: only the rows that differ, with a count of the others. */
export function renderComparison(before: SageView, after: SageView): string {
  const mark = (was: string | undefined, now: string | undefined) => (was === now ? '' : was === undefined ? 'new' : now === undefined ? 'gone' : 'changed');
  const segmentKey = (s: SageView['segments'][number]) => `${s.segment}:${s.code}`;
  const segRows = after.segments.map((s) => {
    const was = before.segments.find((b) => segmentKey(b) === segmentKey(s));
    return [s.segment === '02' ? 'division' : s.segment === '03' ? 'department' : 'location', s.code, s.description, was ? status(was.status) : '-', status(s.status), mark(was && `${was.description}|${was.status}`, `${s.description}|${s.status}`)];
  });
  const accRows = after.accounts.map((a) => {
    const was = before.accounts.find((b) => b.account === a.account);
    return [a.account, a.description, was ? status(was.status) : '-', status(a.status), mark(was && `${was.description}|${was.status}`, `${a.description}|${a.status}`)];
  });
  const centers = [...new Set([...before.headcount, ...after.headcount].map((h) => h.costCenter))].sort();
  const hcRows = centers.map((c) => {
    const was = before.headcount.find((h) => h.costCenter === c)?.headcount;
    const now = after.headcount.find((h) => h.costCenter === c)?.headcount;
    return [c, was === undefined ? '-' : String(was), now === undefined ? '-' : String(now), mark(was === undefined ? undefined : String(was), now === undefined ? undefined : String(now))];
  });
  return (
    'Sub-account segment values (GL_SubAccount):\n' +
    changedOnly(['segment', 'code', 'description', 'before', 'after', ''], segRows, segRows.length) +
    '\nLabor GL accounts (GL_Account, mains 6000 wages, 6100 payroll taxes, 6200 benefits):\n' +
    changedOnly(['account', 'description', 'before', 'after', ''], accRows, accRows.length) +
    '\nHeadcount per cost center (division-department-location):\n' +
    changedOnly(['cost center', 'before', 'after', ''], hcRows, hcRows.length)
  );
}
