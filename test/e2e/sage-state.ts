// Sage 100 as the end-to-end tests assert it: every sub-account segment value, the labor GL accounts
// and the headcount of one month, read from the agent over its pinned HTTPS API (as any client would).
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
