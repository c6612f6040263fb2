// Actual state through the agent's list endpoints: one paged bulk read per segment, per main account
// (or all accounts) and per period, never a request per item; the ETag of each record is its version.
import { ConnectorRuntimeError, type ActualItem } from '../../runtime/index.ts';
import type { AgentAccount, AgentClient, AgentHeadcount, AgentSubAccount } from './client.ts';
import { headcountKey, parseHeadcountKey, parseSubAccountKey, subAccountKey, type AccountFormat } from './codes.ts';

/** Above this many distinct main accounts a keyed read lists every account instead of one list per main. */
const MAIN_ACCOUNT_LISTS = 10;

export function subAccountItem(format: AccountFormat, record: AgentSubAccount): ActualItem | undefined {
  const segment = format.byNumber(record.segment);
  if (!segment) return undefined;
  return {
    entity: 'subAccount',
    key: subAccountKey(segment.name, record.code),
    values: { segment: segment.name, code: record.code, description: record.description, active: record.status === 'active' },
    active: record.status === 'active',
    version: record.etag,
  };
}

export function accountItem(format: AccountFormat, record: AgentAccount): ActualItem {
  return {
    entity: 'account',
    key: record.account,
    values: {
      mainAccount: record.mainAccount,
      segments: format.namesOf(record.segments),
      description: record.description,
      active: record.status === 'active',
      accountType: record.accountType,
    },
    active: record.status === 'active',
    version: record.etag,
  };
}

export function headcountItem(format: AccountFormat, record: AgentHeadcount): ActualItem {
  return {
    entity: 'headcount',
    key: headcountKey(format.costCenterKey(record.costCenter), record.period),
    values: { costCenter: format.namesOf(record.costCenter), period: record.period, headcount: record.headcount },
    active: true,
    version: record.etag,
  };
}

export interface ActualReader {
  read(entity: string, keys: readonly string[] | 'all', signal: AbortSignal): Promise<ActualItem[]>;
}

/** `mainAccounts`: the mains the pipeline keeps in step; 'all' then means every account under them and no other. */
export function createActualReader(client: AgentClient, format: AccountFormat, clock: () => Date, mainAccounts?: readonly string[]): ActualReader {
  async function subAccounts(keys: readonly string[] | 'all', signal: AbortSignal): Promise<ActualItem[]> {
    const names = keys === 'all' ? format.subSegments.map((s) => s.name) : [...new Set(keys.map((k) => parseSubAccountKey(k).segment))];
    const items: ActualItem[] = [];
    for (const name of names) {
      const segment = format.subSegments.find((s) => s.name === name);
      if (!segment) continue; // a key for a segment this format lacks has no actual state
      for (const record of await client.subAccounts(segment.segmentNo, signal)) {
        const item = subAccountItem(format, record);
        if (item) items.push(item);
      }
    }
    return items;
  }

  async function accounts(keys: readonly string[] | 'all', signal: AbortSignal): Promise<ActualItem[]> {
    const mains = keys === 'all' ? [...(mainAccounts ?? [])] : [...new Set(keys.map((k) => k.split(format.separator)[0] ?? ''))];
    const everything = (keys === 'all' && mains.length === 0) || mains.length > MAIN_ACCOUNT_LISTS;
    const records = everything ? await client.accounts(signal) : (await Promise.all(mains.map((m) => client.accounts(signal, m)))).flat();
    if (keys === 'all' && mainAccounts && everything) return records.filter((r) => mainAccounts.includes(r.mainAccount)).map((r) => accountItem(format, r));
    return records.map((r) => accountItem(format, r));
  }

  async function headcount(keys: readonly string[] | 'all', signal: AbortSignal): Promise<ActualItem[]> {
    // The agent lists headcount per period; "all" means the current one (the engine asks by key otherwise).
    const periods = keys === 'all' ? [currentPeriod(clock())] : [...new Set(keys.map((k) => parseHeadcountKey(k).period))];
    const items: ActualItem[] = [];
    for (const period of periods) for (const record of await client.headcount(period, signal)) items.push(headcountItem(format, record));
    return items;
  }

  const readers: Record<string, (keys: readonly string[] | 'all', signal: AbortSignal) => Promise<ActualItem[]>> = { subAccount: subAccounts, account: accounts, headcount };

  return {
    async read(entity, keys, signal) {
      signal.throwIfAborted();
      const reader = readers[entity];
      if (!reader) throw new ConnectorRuntimeError('MLC_INTERNAL', `the Sage 100 sink has no entity '${entity}' (it has ${Object.keys(readers).join(', ')})`);
      if (keys !== 'all' && keys.length === 0) return [];
      const items = await reader(keys, signal);
      if (keys === 'all') return items;
      const wanted = new Set(keys);
      return items.filter((item) => wanted.has(item.key));
    },
  };
}

export function currentPeriod(now: Date): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}
