// Headcount per cost center, kept in Sage 100 as a non-financial figure: a main account of account
// type 15 "NonFin" (e.g. 9900 Headcount) combined with the cost center's segment codes, whose figure
// for a fiscal period is held as a budget amount under a dedicated budget plan (sage100.md §3.4
// option 3). It lives inside the GL, so it works in every edition, reports next to the labor
// accounts it explains, and needs no customisation. The budget object is unverified ([I], objects.ts).
import { AgentError } from '../../errors.ts';
import { etagOf } from '../../etag.ts';
import type { Condition, Headcount, HeadcountInput, Page, PageRequest, Upserted } from '../backend.ts';
import type { AccountStructure } from '../../gl/account-format.ts';
import { composeOrThrow, findAccount, listAccounts, upsertAccount } from './accounts.ts';
import { browsePage } from './browse.ts';
import { OBJECTS } from './objects.ts';
import type { BoiSession } from './session.ts';
import { needsWrite, writeValues } from './write.ts';

const { bus: BUS, task: TASK, plan: PLAN } = OBJECTS.budget;
/** Account type 15 = non-financial (sage100.md §3.4, [C]). */
export const NON_FINANCIAL_TYPE = '15';

function notNonFinancial(mainAccount: string, type: string): AgentError {
  return new AgentError('sage_rejected', `main account ${mainAccount} has account type ${type}, not ${NON_FINANCIAL_TYPE} (non-financial); configure a NonFin headcount account`);
}

function periodParts(period: string): { year: string; month: string } {
  const [year = '', month = ''] = period.split('-');
  return { year, month };
}

function toHeadcount(account: { account: string; accountKey: string; segments: Record<string, string> }, period: string, amount: number): Headcount {
  const visible = { account: account.account, accountKey: account.accountKey, costCenter: account.segments, period, headcount: amount };
  return { ...visible, etag: etagOf(visible) };
}

export function listHeadcount(session: BoiSession, structure: AccountStructure, mainAccount: string, period: string, page: PageRequest): Page<Headcount> {
  const byKey = new Map(listAccounts(session, structure, { limit: 100_000 }, mainAccount).items.map((a) => [a.accountKey, a]));
  const { year, month } = periodParts(period);
  return session.withObject(BUS, TASK, (bus) =>
    browsePage(session, bus, PLAN, page, () => {
      if (session.text(bus, 'FiscalYr$') !== year || session.text(bus, 'FiscalPeriod$') !== month) return undefined;
      const account = byKey.get(session.text(bus, 'AccountKey$'));
      if (!account) return undefined;
      return { key: account.account, item: toHeadcount(account, period, Number(session.value(bus, 'BudgetAmount'))) };
    }),
  );
}

export function upsertHeadcount(session: BoiSession, structure: AccountStructure, mainAccount: string, input: HeadcountInput, condition: Condition): Upserted<Headcount> {
  const formatted = composeOrThrow(structure, mainAccount, input.costCenter, 'costCenter.');
  let account = findAccount(session, structure, formatted);
  const warnings: string[] = [];
  if (!account) {
    // A misconfigured (financial) headcount main account must be refused before a GL account is
    // created in the customer's chart: any existing account of that main account tells its type.
    const sibling = listAccounts(session, structure, { limit: 1 }, mainAccount).items[0];
    if (sibling && sibling.accountType !== NON_FINANCIAL_TYPE) throw notNonFinancial(mainAccount, sibling.accountType);
    // The statistical account for a new cost center is created on first use, like any GL account.
    const created = upsertAccount(session, structure, { mainAccount, segments: input.costCenter, description: `Headcount ${formatted}` }, { ifNoneMatch: '*' });
    account = created.record;
    warnings.push(...created.warnings);
  }
  if (account.accountType !== NON_FINANCIAL_TYPE) throw notNonFinancial(mainAccount, account.accountType);
  const target = account;
  const { year, month } = periodParts(input.period);
  const what = `headcount ${formatted} ${input.period}`;
  return session.withObject(BUS, TASK, (bus) => {
    bus.nSetKeyValue('BudgetPlanNo$', PLAN);
    bus.nSetKeyValue('AccountKey$', target.accountKey);
    bus.nSetKeyValue('FiscalYr$', year);
    bus.nSetKeyValue('FiscalPeriod$', month);
    const state = bus.nSetKey();
    if (state === 0) throw session.fail(bus, `SetKey ${what}`);
    const current = state === 1 ? toHeadcount(target, input.period, Number(session.value(bus, 'BudgetAmount'))) : undefined;
    const changes = !current || current.headcount !== input.headcount;
    const record = toHeadcount(target, input.period, input.headcount);
    if (!needsWrite(bus, current, changes, condition, what)) return { outcome: 'unchanged', record, warnings };
    warnings.push(...writeValues(session, bus, what, [['BudgetAmount', input.headcount, 'headcount']]));
    return { outcome: current ? 'updated' : 'created', record, warnings };
  });
}
