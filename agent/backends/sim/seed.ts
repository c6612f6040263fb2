// The seeded company: KBS, Keystone Building Supply. Format `-N04N02A03N02`: a 4-digit main account,
// then division (2 digits), department (3 letters/digits) and location (2 digits), e.g. 6000-10-OPS-01.
// Its fiscal year is not the calendar year (October to September, named by the year it ends in), so
// nothing can pass by mapping calendar months to periods.
import { SIM_LAYOUT, type CompanyData, type Row } from './tables.ts';

const STAMP = { DateCreated: '20250102', TimeCreated: '9.50000', UserCreatedKey: '0000000001', DateUpdated: '20250102', TimeUpdated: '9.50000', UserUpdatedKey: '0000000001' };

// [I] Account type codes other than 15 "NonFin" (confirmed, sage100.md §3.4) are illustrative.
const MAINS: Array<[string, string, string, string]> = [
  ['1000', 'Cash - Operating', '01', 'CURASSET'],
  ['2100', 'Accrued Payroll', '07', 'CURLIAB'],
  ['4000', 'Sales', '11', 'INCOME'],
  ['6000', 'Salaries and Wages', '13', 'LABOR'],
  ['6100', 'Payroll Taxes', '13', 'LABOR'],
  ['6200', 'Employee Benefits', '13', 'LABOR'],
  ['6500', 'Rent', '13', 'OCCUPANCY'],
  ['9900', 'Headcount', '15', 'STATISTICS'],
];

const SUBS: Array<[string, string, string, string, string]> = [
  ['02', '10', 'Retail', 'Retail', 'A'],
  ['02', '20', 'Contractor Sales', 'Contractor', 'A'],
  ['03', 'OPS', 'Operations', 'Ops', 'A'],
  ['03', 'SLS', 'Sales', 'Sales', 'A'],
  ['03', 'ADM', 'Administration', 'Admin', 'A'],
  ['03', 'WHS', 'Warehouse (closed 2024)', 'Warehouse', 'I'],
  ['04', '01', 'Harrisburg', 'Hbg', 'A'],
  ['04', '02', 'Lancaster', 'Lanc', 'A'],
];

// Created in this order, so AccountKey order differs from formatted-account order (as in real life,
// where accounts are added over the years): a browse is never accidentally in account order.
const ACCOUNTS: Array<[string, string]> = [
  ['6500-10-ADM-01', 'Rent Retail Admin Hbg'],
  ['6000-10-OPS-01', 'Salaries and Wages Retail Ops Hbg'],
  ['1000-10-ADM-01', 'Cash - Operating'],
  ['9900-10-OPS-01', 'Headcount Retail Ops Hbg'],
  ['6100-10-OPS-01', 'Payroll Taxes Retail Ops Hbg'],
  ['6200-10-OPS-01', 'Employee Benefits Retail Ops Hbg'],
  ['6000-20-SLS-02', 'Salaries and Wages Contractor Sales Lanc'],
];

const ymd = (d: Date): string => d.toISOString().slice(0, 10).replaceAll('-', '');

/**
 * Replaces the fiscal calendar: fiscal years `years` starting on day 1 of `firstMonth` (1-12) of the
 * year before, with 12 monthly periods or 13 four-week periods (the 13th absorbs the remaining days).
 */
export function seedFiscalCalendar(company: CompanyData, options: { firstMonth: number; periods: 12 | 13; years: number[] }): void {
  const rows: Record<string, Row> = {};
  for (const year of options.years) {
    const start = Date.UTC(options.firstMonth === 1 ? year : year - 1, options.firstMonth - 1, 1);
    const nextStart = Date.UTC(options.firstMonth === 1 ? year + 1 : year, options.firstMonth - 1, 1);
    for (let p = 1; p <= options.periods; p++) {
      const end =
        options.periods === 12
          ? Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth() + p, 0)
          : p === 13
            ? nextStart - 86_400_000
            : start + (p * 28 - 1) * 86_400_000;
      const period = String(p).padStart(2, '0');
      rows[`${year}\u008a${period}`] = { FiscalYear: String(year), FiscalPeriod: period, PeriodEndingDate: ymd(new Date(end)) };
    }
  }
  company.tables.GL_FiscalYearDetail = rows;
}

export function seedKbs(code = 'KBS', name = 'Keystone Building Supply'): CompanyData {
  const company: CompanyData = {
    layout: SIM_LAYOUT,
    code,
    name,
    allowExternalAccess: true,
    nextAccountKey: 1,
    tables: { GL_Options: {}, GL_AccountStructure: {}, GL_MainAccount: {}, GL_SubAccount: {}, GL_Account: {}, GL_Budget: {}, GL_BudgetDetail: {}, GL_FiscalYearDetail: {} },
  };
  company.tables.GL_Options['G/L'] = { ModuleCode: 'G/L', AccountFormat: '-N04N02A03N02', AccountMaskDelim: '-' };
  ['Main', 'Division', 'Department', 'Location'].forEach((desc, i) => {
    const no = String(i + 1).padStart(2, '0');
    company.tables.GL_AccountStructure[no] = { SegmentNo: no, SegmentDesc: desc };
  });
  for (const [main, desc, type, group] of MAINS) {
    company.tables.GL_MainAccount[`01\u008a${main}`] = { SegmentNo: '01', MainAccountCode: main, MainAccountDesc: desc, AccountType: type, AccountGroup: group, Status: 'A', ...STAMP };
  }
  for (const [no, sub, desc, short, status] of SUBS) {
    company.tables.GL_SubAccount[`${no}\u008a${sub}`] = {
      SegmentNo: no, SubAccountCode: sub, SubAccountDesc: desc, SubAccountShortDesc: short, PrintFinancialStmts: 'Y', DateStart: '', DateEnd: '', Status: status, ...STAMP,
    };
  }
  for (const [formatted, desc] of ACCOUNTS) {
    const parts = formatted.split('-');
    const main = company.tables.GL_MainAccount[`01\u008a${parts[0]}`] as Row;
    const key = String(company.nextAccountKey++).padStart(9, '0');
    const row: Row = {
      AccountKey: key, Account: formatted, RawAccount: parts.join(''), MainAccountCode: parts[0] ?? '', AccountDesc: desc,
      AccountType: main.AccountType ?? '', AccountGroup: main.AccountGroup ?? '', Status: 'A', ClearBalance: 'N', ...STAMP,
    };
    parts.slice(1).forEach((part, i) => (row[`Segment${String(i + 2).padStart(2, '0')}`] = part));
    company.tables.GL_Account[key] = row;
  }
  for (const [budget, desc] of [['ORIGINAL', 'Original budget'], ['REVISED', 'Revised budget'], ['HEADCOUNT', 'Headcount (ml-connector)']]) {
    company.tables.GL_Budget[budget as string] = { BudgetCode: budget as string, BudgetCodeDesc: desc as string };
  }
  seedFiscalCalendar(company, { firstMonth: 10, periods: 12, years: [2024, 2025, 2026, 2027, 2028, 2029] });
  return company;
}
