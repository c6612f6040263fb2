// The seeded company: KBS, Keystone Building Supply. Format `-N04N02A03N02`: a 4-digit main account,
// then division (2 digits), department (3 letters/digits) and location (2 digits), e.g. 6000-10-OPS-01.
import type { CompanyData, Row } from './tables.ts';

const STAMP = { DateCreated: '20250102', TimeCreated: '9.50000', UserCreatedKey: '0000000001', DateUpdated: '20250102', TimeUpdated: '9.50000', UserUpdatedKey: '0000000001' };

// [I] Account type codes other than 15 "NonFin" (confirmed, sage100.md §3.4) are illustrative.
const MAINS: Array<[string, string, string, string]> = [
  ['1000', 'Cash - Operating', '01', 'CURASSET'],
  ['2100', 'Accrued Payroll', '05', 'CURLIAB'],
  ['4000', 'Sales', '10', 'INCOME'],
  ['6000', 'Salaries and Wages', '12', 'LABOR'],
  ['6100', 'Payroll Taxes', '12', 'LABOR'],
  ['6200', 'Employee Benefits', '12', 'LABOR'],
  ['6500', 'Rent', '12', 'OCCUPANCY'],
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

const ACCOUNTS: Array<[string, string]> = [
  ['1000-10-ADM-01', 'Cash - Operating'],
  ['6000-10-OPS-01', 'Salaries and Wages Retail Ops Hbg'],
  ['6100-10-OPS-01', 'Payroll Taxes Retail Ops Hbg'],
  ['6200-10-OPS-01', 'Employee Benefits Retail Ops Hbg'],
  ['6000-20-SLS-02', 'Salaries and Wages Contractor Sales Lanc'],
  ['6500-10-ADM-01', 'Rent Retail Admin Hbg'],
  ['9900-10-OPS-01', 'Headcount Retail Ops Hbg'],
];

export function seedKbs(): CompanyData {
  const company: CompanyData = {
    code: 'KBS',
    name: 'Keystone Building Supply',
    allowExternalAccess: true,
    nextAccountKey: 1,
    tables: { GL_Options: {}, GL_AccountStructure: {}, GL_MainAccount: {}, GL_SubAccount: {}, GL_Account: {}, GL_BudgetDetail: {} },
  };
  company.tables.GL_Options[''] = { AccountFormat: '-N04N02A03N02' };
  ['Main', 'Division', 'Department', 'Location'].forEach((desc, i) => {
    const no = String(i + 1).padStart(2, '0');
    company.tables.GL_AccountStructure[no] = { SegmentNo: no, SegmentDesc: desc };
  });
  for (const [code, desc, type, group] of MAINS) {
    company.tables.GL_MainAccount[code] = { MainAccountCode: code, MainAccountDesc: desc, AccountType: type, AccountGroup: group, Status: 'A', ...STAMP };
  }
  for (const [no, code, desc, short, status] of SUBS) {
    company.tables.GL_SubAccount[`${no}\u008a${code}`] = {
      SegmentNo: no, SubAccountCode: code, SubAccountDesc: desc, SubAccountShortDesc: short, PrintFinancialStmts: 'Y', DateStart: '', DateEnd: '', Status: status, ...STAMP,
    };
  }
  for (const [formatted, desc] of ACCOUNTS) {
    const parts = formatted.split('-');
    const main = company.tables.GL_MainAccount[parts[0] ?? ''] as Row;
    const row: Row = {
      AccountKey: String(company.nextAccountKey++).padStart(9, '0'),
      Account: formatted, RawAccount: parts.join(''), MainAccountCode: parts[0] ?? '', AccountDesc: desc,
      AccountType: main.AccountType ?? '', AccountGroup: main.AccountGroup ?? '', Status: 'A', ClearBalance: 'N', ...STAMP,
    };
    parts.slice(1).forEach((code, i) => (row[`Segment${String(i + 2).padStart(2, '0')}`] = code));
    company.tables.GL_Account[formatted] = row;
  }
  return company;
}
