// Headcount per cost center, kept in Sage 100 as a non-financial figure: a main account of account
// type 15 "NonFin" (e.g. 9900 Headcount) combined with the cost center's segment codes, whose figure
// for a fiscal period is held as a budget amount under a Budget Code (sage100.md §3.4 option 3, §9).
// The budget object and its columns come from the site profile; without a verified profile the
// backend answers 501 before this file is reached (backend.ts).
import { etagOf } from '../../etag.ts';
import type { AccountStructure } from '../../gl/account-format.ts';
import type { Condition, Headcount, HeadcountInput, Page, PageRequest, Upserted } from '../backend.ts';
import { composeOrThrow, findAccount, normaliseMainAccount, scanAccounts, upsertAccount } from './accounts.ts';
import { eachRow, pageOf } from './browse.ts';
import { comNumber } from './com-value.ts';
import { fiscalPeriodOf, readFiscalCalendar, type FiscalPeriod } from './fiscal.ts';
import { requireNonFinancial } from './main-account.ts';
import type { BoiSession } from './session.ts';
import { needsWrite, setKeyValues, writeValues } from './write.ts';

function toHeadcount(account: { account: string; accountKey: string; segments: Record<string, string> }, period: string, fiscal: FiscalPeriod, amount: number): Headcount {
  const visible = { account: account.account, accountKey: account.accountKey, costCenter: account.segments, period, fiscalYear: fiscal.year, fiscalPeriod: fiscal.period, headcount: amount };
  return { ...visible, etag: etagOf(visible) };
}

function budgetObject(session: BoiSession): [string, string] {
  const { bus, task } = session.profile.objects.budget;
  return [bus, task];
}

/** Sage validates the Budget Code against its budget codes; asked before anything is created. */
function requireBudgetCode(session: BoiSession): void {
  const { code, columns } = session.profile.budget;
  session.withObject(...budgetObject(session), (bus) => {
    try {
      setKeyValues(session, bus, `budget code ${code}`, [[columns.code, code]]);
    } finally {
      bus.nClear();
    }
  });
}

export function listHeadcount(session: BoiSession, structure: AccountStructure, mainAccount: string, period: string, page: PageRequest): Page<Headcount> {
  const fiscal = fiscalPeriodOf(readFiscalCalendar(session), period);
  const byKey = new Map(scanAccounts(session, structure, normaliseMainAccount(structure, mainAccount, 'headcountAccount')).map((a) => [a.accountKey, a]));
  const { code, columns } = session.profile.budget;
  const rows: Array<{ key: string; item: Headcount }> = [];
  session.withObject(...budgetObject(session), (bus) =>
    eachRow(session, bus, code, () => {
      if (session.text(bus, columns.code) !== code || session.text(bus, columns.year) !== fiscal.year || session.text(bus, columns.period).padStart(2, '0') !== fiscal.period) return;
      const account = byKey.get(session.text(bus, columns.accountKey));
      if (account) rows.push({ key: account.account, item: toHeadcount(account, period, fiscal, session.number(bus, columns.amount)) });
    }),
  );
  return pageOf(rows, page);
}

export function upsertHeadcount(session: BoiSession, structure: AccountStructure, mainAccount: string, input: HeadcountInput, condition: Condition): Upserted<Headcount> {
  const fiscal = fiscalPeriodOf(readFiscalCalendar(session), input.period);
  const formatted = composeOrThrow(structure, mainAccount, input.costCenter, 'costCenter.');
  // Refusals first, from what Sage says: the main account's own type and the Budget Code. Only then
  // may the statistical account for a new cost center be created in the customer's chart.
  requireNonFinancial(session, normaliseMainAccount(structure, mainAccount, 'headcountAccount'));
  requireBudgetCode(session);
  let account = findAccount(session, structure, formatted);
  const warnings: string[] = [];
  if (!account) {
    const created = upsertAccount(session, structure, { mainAccount, segments: input.costCenter, description: `Headcount ${formatted}` }, { ifNoneMatch: '*' });
    account = created.record;
    warnings.push(...created.warnings);
  }
  const target = account;
  const { code, columns } = session.profile.budget;
  const what = `headcount ${formatted} ${input.period} (fiscal ${fiscal.year}/${fiscal.period})`;
  return session.withObject(...budgetObject(session), (bus) => {
    setKeyValues(session, bus, what, [
      [columns.code, code],
      [columns.accountKey, target.accountKey],
      [columns.year, fiscal.year],
      [columns.period, fiscal.period],
    ]);
    const state = comNumber(bus.nSetKey());
    if (state === 0) throw session.fail(bus, `SetKey ${what}`);
    const current = state === 1 ? toHeadcount(target, input.period, fiscal, session.number(bus, columns.amount)) : undefined;
    const changes = !current || current.headcount !== input.headcount;
    const record = toHeadcount(target, input.period, fiscal, input.headcount);
    if (!needsWrite(bus, current, changes, condition, what)) return { outcome: 'unchanged', record, warnings };
    warnings.push(...writeValues(session, bus, what, [[columns.amount, input.headcount, 'headcount']]));
    return { outcome: current ? 'updated' : 'created', record, warnings };
  });
}
