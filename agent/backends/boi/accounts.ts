// GL_Account through the BOI. Its primary key is AccountKey (Sage's internal surrogate); the
// formatted Account is a unique secondary index (kACCOUNT) [C, sage100.md §9]. So an account is found
// through that index when the site profile says it works there, or by scanning and matching in the
// agent (a chart of accounts is thousands of rows, not millions); writes then key on AccountKey.
// Sage assigns AccountKey on the first Write and derives RawAccount, MainAccountCode and AccountType.
import { composeAccount, normaliseSegmentValue, splitAccount, type AccountStructure } from '../../gl/account-format.ts';
import { AgentError, validationError } from '../../errors.ts';
import { etagOf } from '../../etag.ts';
import type { Account, AccountInput, Condition, Page, PageRequest, Status, Upserted } from '../backend.ts';
import { eachRow, pageOf } from './browse.ts';
import { comNumber } from './com-value.ts';
import type { BusObject } from './com.ts';
import { STATUS_CODES, STATUS_NAMES } from './objects.ts';
import type { BoiSession } from './session.ts';
import { needsWrite, setKeyValues, storedText, writeValues } from './write.ts';

function readRow(session: BoiSession, bus: BusObject, structure: AccountStructure): Account {
  const account = session.text(bus, 'Account$');
  const parts = splitAccount(structure, account);
  const visible = {
    accountKey: session.text(bus, 'AccountKey$'),
    account,
    rawAccount: session.text(bus, 'RawAccount$'),
    mainAccount: session.text(bus, 'MainAccountCode$'),
    segments: parts?.segments ?? {},
    description: session.text(bus, 'AccountDesc$'),
    accountType: session.text(bus, 'AccountType$'),
    status: STATUS_NAMES[session.text(bus, 'Status$')] ?? ('active' as Status),
  };
  return { ...visible, dateUpdated: session.text(bus, 'DateUpdated$'), etag: etagOf(visible) };
}

export function composeOrThrow(structure: AccountStructure, mainAccount: string, segments: Readonly<Record<string, string>>, fieldPrefix = ''): string {
  const composed = composeAccount(structure, mainAccount, segments);
  if ('violation' in composed) throw validationError(`${fieldPrefix}${composed.field}`, composed.violation.rule, composed.violation.message);
  return composed.account;
}

/** The list filter in the form Sage stores it (`600` → `0600` for a numeric main account); a value that cannot be a main account is a 422, not an empty list. */
export function normaliseMainAccount(structure: AccountStructure, mainAccount: string, field = 'mainAccount'): string {
  const main = structure.segments[0];
  if (!main) return mainAccount;
  const normalised = normaliseSegmentValue(main, mainAccount);
  if ('violation' in normalised) throw validationError(field, normalised.violation.rule, normalised.violation.message);
  return normalised.value;
}

/** Every account (optionally of one main account), read by scanning: browse order is AccountKey order. */
export function scanAccounts(session: BoiSession, structure: AccountStructure, mainAccount?: string): Account[] {
  const { bus: name, task } = session.profile.objects.account;
  return session.withObject(name, task, (bus) => {
    const rows: Account[] = [];
    eachRow(session, bus, '', () => {
      if (mainAccount === undefined || session.text(bus, 'MainAccountCode$') === mainAccount) rows.push(readRow(session, bus, structure));
    });
    const known = session.accountKeys();
    for (const row of rows) known.set(row.account, row.accountKey);
    return rows;
  });
}

/**
 * One page in formatted-account order. Every COM read is a cross-process call on a real server, so
 * the scan reads only Account$ and AccountKey$ per row (the main account is the formatted account's
 * first segment); the page's own rows are then read in full by their key.
 */
export function listAccounts(session: BoiSession, structure: AccountStructure, page: PageRequest, mainAccount?: string): Page<Account> {
  const main = mainAccount === undefined ? undefined : normaliseMainAccount(structure, mainAccount);
  const { bus: name, task } = session.profile.objects.account;
  const known = session.accountKeys();
  const entries: Array<{ key: string; item: string }> = [];
  session.withObject(name, task, (bus) =>
    eachRow(session, bus, '', () => {
      const account = session.text(bus, 'Account$');
      if (main !== undefined && account.split(structure.separator)[0] !== main) return;
      const accountKey = session.text(bus, 'AccountKey$');
      known.set(account, accountKey);
      entries.push({ key: account, item: accountKey });
    }),
  );
  const keys = pageOf(entries, page);
  const items = session.withObject(name, task, (bus) =>
    keys.items.flatMap((accountKey) => {
      setKeyValues(session, bus, `account key ${accountKey}`, [['AccountKey$', accountKey]]);
      // Removed by someone between the scan and this read: it is simply no longer listed.
      return comNumber(bus.nFind()) === 1 ? [readRow(session, bus, structure)] : [];
    }),
  );
  return { items, nextCursor: keys.nextCursor };
}

/** Positions `bus` on the account with this formatted number; false when there is none. */
function locate(session: BoiSession, bus: BusObject, account: string): boolean {
  const { method, index } = session.profile.accountLookup;
  if (method === 'index') {
    if (!bus.nSetIndex || comNumber(bus.nSetIndex(index)) === 0) throw session.fail(bus, `SetIndex ${index} (site profile accountLookup.method = index)`, 'not_supported');
    setKeyValues(session, bus, `account ${account}`, [['Account$', account]]);
    return comNumber(bus.nFind()) === 1 && session.text(bus, 'Account$') === account;
  }
  const known = session.accountKeys();
  const key = known.get(account);
  if (key !== undefined) {
    // One keyed read instead of a scan; confirmed, since a cached key is only a hint.
    setKeyValues(session, bus, `account ${account}`, [['AccountKey$', key]]);
    if (comNumber(bus.nFind()) === 1 && session.text(bus, 'Account$') === account) return true;
    known.delete(account);
  }
  let found = false;
  eachRow(session, bus, '', () => {
    found = session.text(bus, 'Account$') === account;
    return !found;
  });
  if (found) known.set(account, session.text(bus, 'AccountKey$'));
  return found;
}

export function findAccount(session: BoiSession, structure: AccountStructure, account: string): Account | undefined {
  const { bus: name, task } = session.profile.objects.account;
  return session.withObject(name, task, (bus) => (locate(session, bus, account) ? readRow(session, bus, structure) : undefined));
}

export function upsertAccount(session: BoiSession, structure: AccountStructure, input: AccountInput, condition: Condition): Upserted<Account> {
  const account = composeOrThrow(structure, input.mainAccount, input.segments);
  const what = `account ${account}`;
  const description = storedText(input.description, 'description', true);
  const { bus: name, task } = session.profile.objects.account;
  // Found first, on its own object: the write below keys on AccountKey through the primary index.
  const key = session.withObject(name, task, (bus) => (locate(session, bus, account) ? session.text(bus, 'AccountKey$') : ''));
  const outcome = session.withObject(name, task, (bus) => {
    // The agent never invents an AccountKey: a blank key starts a new record and Sage assigns one
    // on Write [I]. The record is read again after SetKey, which holds it for this write.
    setKeyValues(session, bus, what, [['AccountKey$', key]]);
    const state = comNumber(bus.nSetKey());
    if (state === 0) throw session.fail(bus, `SetKey ${what}`);
    if (state !== (key ? 1 : 2)) {
      bus.nClear();
      throw new AgentError('internal_error', `SetKey ${what} answered ${state}, expected ${key ? 1 : 2}`);
    }
    const current = state === 1 ? readRow(session, bus, structure) : undefined;
    const status = input.status ?? current?.status ?? 'active';
    const changes = !current || current.description !== description || current.status !== status;
    if (!needsWrite(bus, current, changes, condition, what)) return { outcome: 'unchanged' as const, warnings: [] };
    const warnings = writeValues(session, bus, what, [
      ...(current ? [] : [['Account$', account, 'account'] as [string, string, string]]),
      ['AccountDesc$', description, 'description'],
      ['Status$', STATUS_CODES[status], 'status'],
    ]);
    return { outcome: current ? ('updated' as const) : ('created' as const), warnings };
  });
  const record = findAccount(session, structure, account);
  if (!record) throw new AgentError('internal_error', `${what} was written but cannot be read back`);
  return { ...outcome, record };
}
