// Selftest step 8: what headcount needs from this Sage 100. The main account's type (15 NonFin),
// the fiscal calendar (years, periods, ending dates), the budget detail object's columns and whether
// the Budget Code exists, and how a numeric column comes back through a by-ref variant. Nothing is
// written: a budget key is set and cleared, never saved.
import type { AccountStructure } from '../gl/account-format.ts';
import { normaliseSegmentValue } from '../gl/account-format.ts';
import { fiscalPeriodOf, type FiscalPeriod } from '../backends/boi/fiscal.ts';
import { NON_FINANCIAL_TYPE } from '../backends/boi/main-account.ts';
import { MAIN_SEGMENT_NO } from '../backends/boi/objects.ts';
import { rc, text, type ProbeContext } from './context.ts';

const BUDGET_COLUMNS = {
  code: ['BudgetCode$', 'BudgetPlanNo$', 'BudgetCd$'],
  accountKey: ['AccountKey$'],
  year: ['FiscalYear$', 'FiscalYr$'],
  period: ['FiscalPeriod$', 'Period$'],
  amount: ['BudgetAmount', 'Amount', 'BudgetAmt'],
};
const END_DATE_COLUMNS = ['PeriodEndingDate$', 'PeriodEndDate$', 'EndingDate$'];
/** A Budget Code no site has, to tell "validated" from "accepted anything". */
const NO_SUCH_CODE = 'ZZNOCODE99';

export function mainAccountStep(ctx: ProbeContext, structure: AccountStructure, mainAccount: string): boolean {
  const spec = structure.segments[0];
  const normalised = spec ? normaliseSegmentValue(spec, mainAccount) : { value: mainAccount };
  const main = 'value' in normalised ? normalised.value : mainAccount;
  const { bus, task } = ctx.profile.objects.mainAccount;
  const found = ctx.with(bus, task, (object) => {
    const keys = [rc(object.nSetKeyValue('SegmentNo$', MAIN_SEGMENT_NO)), rc(object.nSetKeyValue('MainAccountCode$', main))];
    const find = rc(object.nFind());
    return { keys, find, type: find === 1 ? ctx.text(object, 'AccountType$') : undefined, message: find === 1 ? '' : text(object.sLastErrorMsg) };
  });
  if (!found || found.type === undefined) {
    ctx.step('headcount.mainAccount', 'FAIL', `main account ${main} is not on file${found?.message ? ` (${found.message})` : ''}: create it as type ${NON_FINANCIAL_TYPE} NonFin, or pass --headcount-account`, { main, ...found });
    return false;
  }
  const ok = found.type === NON_FINANCIAL_TYPE;
  ctx.step('headcount.mainAccount', ok ? 'PASS' : 'FAIL', `main account ${main} has account type ${found.type}${ok ? ' (NonFin)' : `, not ${NON_FINANCIAL_TYPE} NonFin: headcount must not go to a financial account`}`, { main, ...found });
  return ok;
}

export function fiscalStep(ctx: ProbeContext, today: string): FiscalPeriod[] {
  const object = ctx.profile.objects.fiscalCalendar;
  const columns = ctx.profile.fiscalColumns;
  const periods: FiscalPeriod[] = [];
  const read = object
    ? ctx.with(object, undefined, (bus) => {
        ctx.browse(bus, '', 1, () => undefined);
        bus.nMoveFirst();
        const endDate = [columns.endDate, ...END_DATE_COLUMNS].find((c) => ctx.get(bus, c, '').rc === 1);
        if (!endDate) return 'no period ending date column';
        ctx.profile.fiscalColumns = { ...columns, endDate };
        ctx.browse(bus, '', 500, () => periods.push({ year: ctx.text(bus, columns.year), period: ctx.text(bus, columns.period).padStart(2, '0'), endDate: ctx.text(bus, endDate) }));
        return undefined;
      })
    : 'no fiscal calendar object';
  const sorted = periods.filter((p) => /^\d{8}$/.test(p.endDate)).sort((a, b) => (a.endDate < b.endDate ? -1 : 1));
  if (read !== undefined || sorted.length === 0) {
    ctx.step('headcount.fiscalCalendar', 'FAIL', `the fiscal calendar could not be read (${read ?? 'no periods'}): set up fiscal years in Fiscal Year Maintenance`);
    return [];
  }
  const years = [...new Set(sorted.map((p) => p.year))];
  const perYear = Math.max(...years.map((y) => sorted.filter((p) => p.year === y).length));
  const month = `${today.slice(0, 4)}-${today.slice(4, 6)}`;
  let now = 'outside the calendar';
  try {
    const p = fiscalPeriodOf(sorted, month);
    now = `fiscal ${p.year} period ${p.period}`;
  } catch {
    // reported below as part of the detail
  }
  const firstEnd = sorted.find((p) => p.period === '01')?.endDate ?? '';
  ctx.step('headcount.fiscalCalendar', 'PASS', `fiscal years ${years[0]}–${years[years.length - 1]}, ${perYear} periods a year, period 01 ends ${firstEnd}${firstEnd.slice(4, 6) === '01' ? ' (calendar year)' : ' (not the calendar year)'}; ${month} is ${now}`, { years, perYear, periods: sorted.length });
  return sorted;
}

export function budgetStep(ctx: ProbeContext, code: string, accountKey: string | undefined, calendar: readonly FiscalPeriod[]): boolean {
  const { bus, task } = ctx.profile.objects.budget;
  const found: Record<string, string> = {};
  const result = ctx.with(bus, task, (object) => {
    const keyColumn = (name: keyof typeof BUDGET_COLUMNS, value: string): void => {
      const column = BUDGET_COLUMNS[name].find((c) => rc(object.nSetKeyValue(c, value)) === 1);
      if (column) found[name] = column;
    };
    keyColumn('code', 'ORIGINAL');
    if (!found.code) keyColumn('code', code);
    const codeColumn = found.code;
    const validated = codeColumn ? { mine: rc(object.nSetKeyValue(codeColumn, code)), mineMessage: text(object.sLastErrorMsg), none: rc(object.nSetKeyValue(codeColumn, NO_SUCH_CODE)) } : undefined;
    object.nClear();
    const period = calendar[calendar.length - 1];
    if (!codeColumn || !period || !accountKey) return { validated };
    object.nSetKeyValue(codeColumn, validated?.mine === 1 ? code : 'ORIGINAL');
    keyColumn('accountKey', accountKey);
    keyColumn('year', period.year);
    keyColumn('period', period.period);
    const state = rc(object.nSetKey());
    const amount = state ? BUDGET_COLUMNS.amount.find((c) => ctx.get(object, c, 0).rc === 1 || ctx.get(object, c, '').rc === 1) : undefined;
    const numeric = amount ? { asNumber: ctx.get(object, amount, 0), asString: ctx.get(object, amount, '') } : undefined;
    object.nClear();
    if (amount) found.amount = amount;
    return { validated, state, stateMessage: state ? '' : text(object.sLastErrorMsg), numeric };
  });
  const complete = ['code', 'accountKey', 'year', 'period', 'amount'].every((k) => found[k]);
  if (complete) ctx.profile.budget.columns = { code: found.code!, accountKey: found.accountKey!, year: found.year!, period: found.period!, amount: found.amount! };
  if (result?.numeric) ctx.profile.byRef.numeric = result.numeric.asNumber.rc === 1 ? 'number' : 'string';
  const columns = Object.entries(found).map(([k, v]) => `${k}=${v}`).join(', ');
  ctx.step('headcount.budgetColumns', complete ? 'PASS' : 'FAIL', complete ? `budget detail columns: ${columns}` : `could not find every budget column (found ${columns || 'none'}${result?.stateMessage ? `; SetKey: ${result.stateMessage}` : ''})`, { found, ...result });
  if (result?.numeric) {
    const n = result.numeric;
    ctx.step('byref.numeric', n.asNumber.rc === 1 || n.asString.rc === 1 ? 'PASS' : 'FAIL', `${found.amount} with 0 → rc ${n.asNumber.rc}, ${n.asNumber.type}; with '' → rc ${n.asString.rc}, ${n.asString.type}`, { ...n });
  }
  const v = result?.validated;
  if (!v || v.mine === 0) {
    ctx.step('headcount.budgetCode', 'FAIL', `Budget Code ${code} ${v ? `is refused: ${v.mineMessage || '(no message)'}` : 'could not be checked'}: create it in Budget Maintenance, or pass --budget-code`, { code, ...v });
    return false;
  }
  ctx.profile.budget.code = code;
  const sure = v.none === 0;
  ctx.step('headcount.budgetCode', sure ? 'PASS' : 'UNKNOWN', sure ? `Budget Code ${code} exists (an unknown code is refused)` : `Budget Code ${code} accepted, but so is ${NO_SUCH_CODE}: Sage does not check codes here; confirm ${code} in Budget Maintenance`, { code, ...v });
  return sure && complete;
}
