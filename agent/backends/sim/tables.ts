// The simulated Sage 100 tables: column layouts (lengths and read-only flags from the 4.40 file
// layouts, sage100.md §1.3) and the per-table rules a business object applies on SetKey and Write.
import { composeAccount, normaliseSegmentValue, parseAccountFormat, segmentNo, type AccountStructure } from '../../gl/account-format.ts';

export type Row = Record<string, string | number>;

export interface CompanyData {
  code: string;
  name: string;
  /** Company Maintenance → Preferences: "allow the company to be accessed externally". */
  allowExternalAccess: boolean;
  /** One map per table: joined key → row. */
  tables: Record<TableName, Record<string, Row>>;
  nextAccountKey: number;
}

export type TableName = 'GL_Options' | 'GL_AccountStructure' | 'GL_MainAccount' | 'GL_SubAccount' | 'GL_Account' | 'GL_BudgetDetail';

export interface ColumnDef {
  length: number;
  readOnly?: boolean;
  numeric?: boolean;
  values?: readonly string[];
}

export interface TableDef {
  name: TableName;
  /** The `_ui` task whose role rights guard this table (sage100.md §2.5). */
  task: string;
  keyColumns: readonly string[];
  columns: Readonly<Record<string, ColumnDef>>;
  /** A `_svc` object: readable, never writable. */
  readOnlyObject?: boolean;
  /** Normalises key values on SetKey (zero-fill, upper-case); a string is the sLastErrorMsg. */
  normaliseKey?(company: CompanyData, key: Record<string, string>): Record<string, string> | string;
  defaults?(company: CompanyData, key: Record<string, string>): Row;
  /** Cross-table checks and derived columns on Write; a string is the sLastErrorMsg. */
  beforeWrite?(company: CompanyData, row: Row, isNew: boolean): string | undefined;
  /** A non-fatal remark for a successful Write, which turns its return code into -1. */
  warning?(company: CompanyData, row: Row): string | undefined;
}

const STATUS = ['A', 'I', 'D'] as const;
const audit: Record<string, ColumnDef> = {
  DateCreated: { length: 8, readOnly: true },
  TimeCreated: { length: 8, readOnly: true },
  UserCreatedKey: { length: 10, readOnly: true },
  DateUpdated: { length: 8, readOnly: true },
  TimeUpdated: { length: 8, readOnly: true },
  UserUpdatedKey: { length: 10, readOnly: true },
};

export function structureOf(company: CompanyData): AccountStructure {
  const format = String(company.tables.GL_Options['']?.AccountFormat ?? '');
  const names = Object.values(company.tables.GL_AccountStructure)
    .sort((a, b) => String(a.SegmentNo).localeCompare(String(b.SegmentNo)))
    .map((row) => String(row.SegmentDesc));
  return parseAccountFormat(format, names);
}

export function joinKey(def: TableDef, key: Record<string, string>): string {
  return def.keyColumns.map((c) => key[c] ?? '').join('\u008a');
}

const subAccount: TableDef = {
  name: 'GL_SubAccount',
  task: 'GL_SubAccount_ui',
  keyColumns: ['SegmentNo', 'SubAccountCode'],
  columns: {
    SegmentNo: { length: 2 },
    SubAccountCode: { length: 15 },
    SubAccountDesc: { length: 40 },
    SubAccountShortDesc: { length: 10 },
    PrintFinancialStmts: { length: 1, values: ['Y', 'N'] },
    DateStart: { length: 8 },
    DateEnd: { length: 8 },
    Status: { length: 1, values: STATUS },
    ...audit,
  },
  normaliseKey(company, key) {
    const spec = structureOf(company).segments.find((s) => s.number > 1 && segmentNo(s.number) === key.SegmentNo);
    if (!spec) return `Segment number ${key.SegmentNo ?? ''} is not defined in Account Structure Maintenance.`;
    const value = normaliseSegmentValue(spec, key.SubAccountCode ?? '');
    if ('violation' in value) return `Invalid Sub Account: ${value.violation.message}.`;
    return { SegmentNo: segmentNo(spec.number), SubAccountCode: value.value };
  },
  defaults: () => ({ SubAccountDesc: '', SubAccountShortDesc: '', PrintFinancialStmts: 'Y', DateStart: '', DateEnd: '', Status: 'A' }),
  warning(company, row) {
    if (row.Status === 'A') return undefined;
    const used = Object.values(company.tables.GL_Account).filter((a) => a.Status === 'A' && String(a[`Segment${row.SegmentNo}`]) === row.SubAccountCode).length;
    return used > 0 ? `Sub account ${row.SubAccountCode} is used by ${used} active accounts.` : undefined;
  },
};

const mainAccount: TableDef = {
  name: 'GL_MainAccount',
  task: 'GL_MainAccount_ui',
  keyColumns: ['MainAccountCode'],
  columns: {
    MainAccountCode: { length: 15 },
    MainAccountDesc: { length: 30 },
    AccountType: { length: 2 },
    AccountGroup: { length: 15 },
    Status: { length: 1, values: STATUS },
    ...audit,
  },
};

const account: TableDef = {
  name: 'GL_Account',
  task: 'GL_Account_ui',
  keyColumns: ['Account'],
  columns: {
    AccountKey: { length: 9, readOnly: true },
    Account: { length: 41 },
    RawAccount: { length: 32, readOnly: true },
    MainAccountCode: { length: 15, readOnly: true },
    AccountDesc: { length: 50 },
    AccountType: { length: 2, readOnly: true },
    AccountGroup: { length: 15, readOnly: true },
    Status: { length: 1, values: STATUS },
    ClearBalance: { length: 1, values: ['Y', 'N'] },
    ...audit,
  },
  normaliseKey(company, key) {
    const structure = structureOf(company);
    const parts = (key.Account ?? '').split(structure.separator);
    const segments: Record<string, string> = {};
    structure.segments.slice(1).forEach((s, i) => (segments[segmentNo(s.number)] = parts[i + 1] ?? ''));
    const composed = composeAccount(structure, parts[0] ?? '', segments);
    if (!('account' in composed) || parts.length !== structure.segments.length) return `Invalid account number ${key.Account ?? ''}.`;
    return { Account: composed.account };
  },
  defaults: () => ({ AccountDesc: '', Status: 'A', ClearBalance: 'N' }),
  beforeWrite(company, row, isNew) {
    const structure = structureOf(company);
    const parts = String(row.Account).split(structure.separator);
    const main = company.tables.GL_MainAccount[parts[0] ?? ''];
    if (!main) return `Main account ${parts[0]} is not on file.`;
    if (main.Status !== 'A' && row.Status === 'A') return `Main account ${parts[0]} is inactive.`;
    for (let i = 1; i < parts.length; i++) {
      const no = segmentNo(i + 1);
      const sub = company.tables.GL_SubAccount[`${no}\u008a${parts[i]}`];
      if (!sub) return `Sub account ${parts[i]} is not on file for segment ${no}.`;
      if (sub.Status !== 'A' && row.Status === 'A') return `Sub account ${parts[i]} is inactive.`;
      row[`Segment${no}`] = parts[i] ?? '';
    }
    row.RawAccount = parts.join('');
    row.MainAccountCode = parts[0] ?? '';
    row.AccountType = main.AccountType ?? '';
    row.AccountGroup = main.AccountGroup ?? '';
    if (isNew) row.AccountKey = String(company.nextAccountKey++).padStart(9, '0');
    return undefined;
  },
};

// [I] Which business object holds GL budgets is unverified (sage100.md §3.4, §7). The sim models a
// budget detail table keyed by plan, account key, fiscal year and period; the boi backend names the
// object in one constant (boi/objects.ts) so that it can be corrected after checking a real system.
const budgetDetail: TableDef = {
  name: 'GL_BudgetDetail',
  task: 'GL_Budget_ui',
  keyColumns: ['BudgetPlanNo', 'AccountKey', 'FiscalYr', 'FiscalPeriod'],
  columns: {
    BudgetPlanNo: { length: 10 },
    AccountKey: { length: 9 },
    FiscalYr: { length: 4 },
    FiscalPeriod: { length: 2 },
    BudgetAmount: { length: 15, numeric: true },
    ...audit,
  },
  defaults: () => ({ BudgetAmount: 0 }),
  beforeWrite(company, row) {
    const known = Object.values(company.tables.GL_Account).some((a) => a.AccountKey === row.AccountKey);
    return known ? undefined : `Account key ${row.AccountKey} is not on file.`;
  },
};

const options: TableDef = { name: 'GL_Options', task: 'GL_Options_ui', keyColumns: [], columns: { AccountFormat: { length: 31 } }, readOnlyObject: true };
const structureTable: TableDef = {
  name: 'GL_AccountStructure',
  task: 'GL_AccountStructure_ui',
  keyColumns: ['SegmentNo'],
  columns: { SegmentNo: { length: 2 }, SegmentDesc: { length: 15 } },
  readOnlyObject: true,
};

/** Business object or service name → table definition. */
export const OBJECTS: Readonly<Record<string, TableDef>> = {
  GL_SubAccount_bus: subAccount,
  GL_MainAccount_bus: mainAccount,
  GL_Account_bus: account,
  GL_BudgetDetail_bus: budgetDetail,
  GL_Options_svc: options,
  GL_AccountStructure_svc: structureTable,
};
