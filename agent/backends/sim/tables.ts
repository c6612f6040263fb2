// The simulated Sage 100 tables, following the 4.40 file layouts (sage100.md §1.3, §9): column
// lengths and read-only flags, each table's primary key, secondary indexes, and the rules a business
// object applies on SetKey and Write. GL_Account is keyed by AccountKey with the formatted Account a
// unique secondary index; GL_Options is keyed by ModuleCode; GL_MainAccount by SegmentNo+code.
import { composeAccount, normaliseSegmentValue, parseAccountFormat, segmentNo, type AccountStructure } from '../../gl/account-format.ts';

export type Row = Record<string, string | number>;

/** Bumped when the table layout changes; a persisted file of another layout is re-seeded. */
export const SIM_LAYOUT = 2;

export interface CompanyData {
  layout: number;
  code: string;
  name: string;
  /** Company Maintenance → Preferences: "allow the company to be accessed externally". */
  allowExternalAccess: boolean;
  /** Sage users with no access to this company (Role/User Maintenance). */
  usersWithoutAccess?: string[];
  /** One map per table: joined primary key → row. */
  tables: Record<TableName, Record<string, Row>>;
  nextAccountKey: number;
}

export type TableName = 'GL_Options' | 'GL_AccountStructure' | 'GL_MainAccount' | 'GL_SubAccount' | 'GL_Account' | 'GL_Budget' | 'GL_BudgetDetail' | 'GL_FiscalYearDetail';

export interface ColumnDef {
  length: number;
  readOnly?: boolean;
  /** Settable on a new record only (GL_Account.Account: the number is given once). */
  createOnly?: boolean;
  numeric?: boolean;
  values?: readonly string[];
}

export interface TableDef {
  name: TableName;
  /** The `_ui` task whose role rights guard this table (sage100.md §2.5); none for `_svc` objects. */
  task?: string;
  keyColumns: readonly string[];
  /** Secondary indexes by name (nSetIndex, when the variant has it). */
  indexes?: Readonly<Record<string, readonly string[]>>;
  columns: Readonly<Record<string, ColumnDef>>;
  /** A `_svc` object: readable, never writable. */
  readOnlyObject?: boolean;
  /** Checks one key value as it is set; a string is the sLastErrorMsg. */
  checkKeyValue?(company: CompanyData, column: string, value: string): string | undefined;
  /** Normalises key values on SetKey/Find (zero-fill, upper-case); a string is the sLastErrorMsg. */
  normaliseKey?(company: CompanyData, key: Record<string, string>): Record<string, string> | string;
  /** A blank primary key on SetKey starts a new record whose key Sage assigns on Write. */
  assignsKey?: boolean;
  defaults?(company: CompanyData, key: Record<string, string>): Row;
  /** Cross-table checks and derived columns on Write; a string is the sLastErrorMsg. */
  beforeWrite?(company: CompanyData, row: Row, isNew: boolean): string | undefined;
  /** A non-fatal remark for a successful Write, which turns its return code into -1. */
  warning?(company: CompanyData, row: Row): string | undefined;
}

export const STATUS = ['A', 'I', 'D'] as const;
export const audit: Record<string, ColumnDef> = {
  DateCreated: { length: 8, readOnly: true },
  TimeCreated: { length: 8, readOnly: true },
  UserCreatedKey: { length: 10, readOnly: true },
  DateUpdated: { length: 8, readOnly: true },
  TimeUpdated: { length: 8, readOnly: true },
  UserUpdatedKey: { length: 10, readOnly: true },
};

export function structureOf(company: CompanyData): AccountStructure {
  const format = String(company.tables.GL_Options['G/L']?.AccountFormat ?? '');
  const names = Object.values(company.tables.GL_AccountStructure)
    .sort((a, b) => String(a.SegmentNo).localeCompare(String(b.SegmentNo)))
    .map((row) => String(row.SegmentDesc));
  return parseAccountFormat(format, names);
}

/** Sage's composite keys joined with chr(138), the BOI's field separator. */
export function joinKey(def: TableDef, key: Readonly<Record<string, string | number>>): string {
  return def.keyColumns.map((c) => String(key[c] ?? '')).join('\u008a');
}

export function findByAccount(company: CompanyData, account: string): Row | undefined {
  return Object.values(company.tables.GL_Account).find((row) => row.Account === account);
}

export const subAccountTable: TableDef = {
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

export const mainAccountTable: TableDef = {
  name: 'GL_MainAccount',
  task: 'GL_MainAccount_ui',
  keyColumns: ['SegmentNo', 'MainAccountCode'],
  columns: {
    SegmentNo: { length: 2 },
    MainAccountCode: { length: 15 },
    MainAccountDesc: { length: 30 },
    AccountType: { length: 2 },
    AccountGroup: { length: 15 },
    Status: { length: 1, values: STATUS },
    ...audit,
  },
};

export const accountTable: TableDef = {
  name: 'GL_Account',
  task: 'GL_Account_ui',
  keyColumns: ['AccountKey'],
  indexes: { kACCOUNT: ['Account'] },
  assignsKey: true,
  columns: {
    AccountKey: { length: 9, readOnly: true },
    Account: { length: 41, createOnly: true },
    RawAccount: { length: 32, readOnly: true },
    MainAccountCode: { length: 15, readOnly: true },
    AccountDesc: { length: 50 },
    AccountType: { length: 2, readOnly: true },
    AccountGroup: { length: 15, readOnly: true },
    Status: { length: 1, values: STATUS },
    ClearBalance: { length: 1, values: ['Y', 'N'] },
    ...audit,
  },
  defaults: () => ({ Account: '', AccountDesc: '', Status: 'A', ClearBalance: 'N' }),
  beforeWrite(company, row, isNew) {
    const structure = structureOf(company);
    const parts = String(row.Account).split(structure.separator);
    const segments: Record<string, string> = {};
    structure.segments.slice(1).forEach((s, i) => (segments[segmentNo(s.number)] = parts[i + 1] ?? ''));
    const composed = composeAccount(structure, parts[0] ?? '', segments);
    if (!row.Account) return 'Account number is required.';
    if (!('account' in composed) || composed.account !== row.Account || parts.length !== structure.segments.length) return `Invalid account number ${row.Account}.`;
    const twin = findByAccount(company, composed.account);
    if (isNew && twin) return `Account ${composed.account} already exists.`;
    const main = company.tables.GL_MainAccount[`01\u008a${parts[0]}`];
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

export const optionsTable: TableDef = {
  name: 'GL_Options',
  keyColumns: ['ModuleCode'],
  columns: { ModuleCode: { length: 3 }, AccountFormat: { length: 31 }, AccountMaskDelim: { length: 1 } },
  readOnlyObject: true,
};

export const structureTable: TableDef = {
  name: 'GL_AccountStructure',
  keyColumns: ['SegmentNo'],
  columns: { SegmentNo: { length: 2 }, SegmentDesc: { length: 15 } },
  readOnlyObject: true,
};
