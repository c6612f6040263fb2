// GL_Account through the BOI. The client names an account by main account + segment codes; the agent
// formats it with the company's structure. Sage assigns AccountKey (its internal surrogate key) on
// the first Write and derives RawAccount, MainAccountCode and AccountType itself.
import { composeAccount, normaliseSegmentValue, splitAccount, type AccountStructure } from '../../gl/account-format.ts';
import { AgentError, validationError } from '../../errors.ts';
import { etagOf } from '../../etag.ts';
import type { Account, AccountInput, Condition, Page, PageRequest, Status, Upserted } from '../backend.ts';
import { browsePage } from './browse.ts';
import type { BusObject } from './com.ts';
import { OBJECTS, STATUS_CODES, STATUS_NAMES } from './objects.ts';
import type { BoiSession } from './session.ts';
import { needsWrite, storedText, writeValues } from './write.ts';

const { bus: BUS, task: TASK } = OBJECTS.account;

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
function normaliseMainAccount(structure: AccountStructure, mainAccount: string): string {
  const main = structure.segments[0];
  if (!main) return mainAccount;
  const normalised = normaliseSegmentValue(main, mainAccount);
  if ('violation' in normalised) throw validationError('mainAccount', normalised.violation.rule, normalised.violation.message);
  return normalised.value;
}

export function listAccounts(session: BoiSession, structure: AccountStructure, page: PageRequest, mainAccount?: string): Page<Account> {
  const filter = mainAccount ? `${normaliseMainAccount(structure, mainAccount)}${structure.separator}` : '';
  return session.withObject(BUS, TASK, (bus) =>
    browsePage(session, bus, filter, page, () => {
      const row = readRow(session, bus, structure);
      return { key: row.account, item: row };
    }),
  );
}

export function findAccount(session: BoiSession, structure: AccountStructure, account: string): Account | undefined {
  return session.withObject(BUS, TASK, (bus) => {
    bus.nSetKeyValue('Account$', account);
    if (bus.nFind() === 0) return undefined;
    return readRow(session, bus, structure);
  });
}

export function upsertAccount(session: BoiSession, structure: AccountStructure, input: AccountInput, condition: Condition): Upserted<Account> {
  const account = composeOrThrow(structure, input.mainAccount, input.segments);
  const what = `account ${account}`;
  const description = storedText(input.description, 'description', true);
  const outcome = session.withObject(BUS, TASK, (bus) => {
    bus.nSetKeyValue('Account$', account);
    const state = bus.nSetKey();
    if (state === 0) throw session.fail(bus, `SetKey ${what}`);
    const current = state === 1 ? readRow(session, bus, structure) : undefined;
    const status = input.status ?? current?.status ?? 'active';
    const changes = !current || current.description !== description || current.status !== status;
    if (!needsWrite(bus, current, changes, condition, what)) return { outcome: 'unchanged' as const, warnings: [] };
    const warnings = writeValues(session, bus, what, [
      ['AccountDesc$', description, 'description'],
      ['Status$', STATUS_CODES[status], 'status'],
    ]);
    return { outcome: current ? ('updated' as const) : ('created' as const), warnings };
  });
  const record = findAccount(session, structure, account);
  if (!record) throw new AgentError('internal_error', `${what} was written but cannot be read back`);
  return { ...outcome, record };
}
