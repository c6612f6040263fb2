// [I] The budget detail object, its task and its columns are unverified (sage100.md §9). What is
// confirmed: budgets are named by a 10-character Budget Code validated against GL_Budget, and GL
// period columns are FiscalYear (4) and FiscalPeriod (2, 01–13) read from the fiscal calendar. The
// column names are a parameter so a variant of the simulator can answer with other names (the names
// the agent used before the review), and the selftest must find them out.
import type { ColumnDef, CompanyData, TableDef } from './tables.ts';
import { audit } from './tables.ts';

export interface BudgetColumnNames {
  code: string;
  accountKey: string;
  year: string;
  period: string;
  amount: string;
}

export const FISCAL_BUDGET_COLUMNS: BudgetColumnNames = { code: 'BudgetCode', accountKey: 'AccountKey', year: 'FiscalYear', period: 'FiscalPeriod', amount: 'BudgetAmount' };
export const LEGACY_BUDGET_COLUMNS: BudgetColumnNames = { code: 'BudgetPlanNo', accountKey: 'AccountKey', year: 'FiscalYr', period: 'FiscalPeriod', amount: 'BudgetAmount' };

function calendarHas(company: CompanyData, year: string, period: string): boolean {
  return company.tables.GL_FiscalYearDetail[`${year}\u008a${period}`] !== undefined;
}

export function budgetDetailTable(names: BudgetColumnNames): TableDef {
  const columns: Record<string, ColumnDef> = {
    [names.code]: { length: 10 },
    [names.accountKey]: { length: 9 },
    [names.year]: { length: 4 },
    [names.period]: { length: 2 },
    [names.amount]: { length: 15, numeric: true },
    ...audit,
  };
  return {
    name: 'GL_BudgetDetail',
    task: 'GL_Budget_ui',
    keyColumns: [names.code, names.accountKey, names.year, names.period],
    columns,
    checkKeyValue(company, column, value) {
      if (column === names.code && !company.tables.GL_Budget[value.trim().toUpperCase()]) return `Budget Code ${value} is not on file.`;
      return undefined;
    },
    normaliseKey(company, key) {
      const code = (key[names.code] ?? '').trim().toUpperCase();
      const year = (key[names.year] ?? '').trim();
      const period = (key[names.period] ?? '').trim().padStart(2, '0');
      if (!company.tables.GL_Budget[code]) return `Budget Code ${code} is not on file.`;
      if (!/^\d{4}$/.test(year)) return `Fiscal year ${year} is invalid.`;
      if (!/^(0[1-9]|1[0-3])$/.test(period)) return `Fiscal period ${period} is invalid (01-13).`;
      if (!calendarHas(company, year, period)) return `Fiscal period ${year}/${period} is not set up in Fiscal Year Maintenance.`;
      return { [names.code]: code, [names.accountKey]: key[names.accountKey] ?? '', [names.year]: year, [names.period]: period };
    },
    defaults: () => ({ [names.amount]: 0 }),
    beforeWrite(company, row) {
      const known = Object.values(company.tables.GL_Account).some((a) => a.AccountKey === row[names.accountKey]);
      return known ? undefined : `Account key ${row[names.accountKey]} is not on file.`;
    },
  };
}

/** [I] Fiscal Year Maintenance: one row per period with its ending date. */
export const fiscalCalendarTable: TableDef = {
  name: 'GL_FiscalYearDetail',
  keyColumns: ['FiscalYear', 'FiscalPeriod'],
  columns: { FiscalYear: { length: 4 }, FiscalPeriod: { length: 2 }, PeriodEndingDate: { length: 8 } },
  readOnlyObject: true,
};
