// One fake business object (`GL_…_bus` / `_svc`) over a simulated table. Strict where real Sage is
// strict: only the current index's key columns take SetKeyValue, a browse filter is a prefix of that
// index's key, `Name$` names a string column and `Name` a numeric one, and nGetValue's by-reference
// variant must have the column's type (unless the variant is loose).
import type { BusObject, ByRef } from '../boi/com.ts';
import { sageStamp, type SimDatabase } from './database.ts';
import type { FakeSession } from './fake-com.ts';
import { joinKey, type ColumnDef, type CompanyData, type Row, type TableDef } from './tables.ts';
import type { SimVariant } from './variant.ts';

export interface FakeRef extends ByRef {
  value: unknown;
  readonly initialType: string;
}

/** What winax hands back for a member without type information: an object, primitive via valueOf(). */
export function dispatchWrapper(value: unknown): object {
  return Object.freeze({ valueOf: () => value });
}

export class FakeBusObject implements BusObject {
  private message = '';
  private key: Record<string, string> = {};
  /** 0 = no record, 1 = existing, 2 = new (BOI's EditState). */
  private editState = 0;
  private current: Row | undefined;
  private browse: Row[] = [];
  private browseIndex = 0;
  private filter = '';
  private index = 'kPRIMARY';
  /** Present only when the variant has it (declared, not initialised), as a member COM does not have. */
  declare nSetIndex?: (index: string) => number;

  constructor(private readonly db: SimDatabase, private readonly session: FakeSession, private readonly def: TableDef, private readonly variant: SimVariant) {
    if (variant.accountIndex && def.indexes) this.nSetIndex = (index) => this.selectIndex(index);
  }

  get sLastErrorMsg(): unknown {
    return this.variant.wrapProperties ? dispatchWrapper(this.message) : this.message;
  }

  private enter(): CompanyData {
    this.db.comCall(this.session.generation);
    if (!this.session.company) throw new Error('Session has no company');
    return this.session.company;
  }

  private fail(message: string): number {
    this.message = message;
    return 0;
  }

  private ok(): number {
    this.message = '';
    return 1;
  }

  private selectIndex(index: string): number {
    this.enter();
    if (index !== 'kPRIMARY' && !this.def.indexes?.[index]) return this.fail(`Index ${index} is not defined for ${this.def.name}.`);
    this.index = index;
    this.key = {};
    return this.ok();
  }

  private keyColumns(): readonly string[] {
    return this.index === 'kPRIMARY' ? this.def.keyColumns : (this.def.indexes?.[this.index] ?? []);
  }

  /** `Name$` is a string column, `Name` a numeric one; anything else is not a column here. */
  private column(name: string): { name: string; spec: ColumnDef } | undefined {
    const bare = name.replace(/\$$/, '');
    const spec = this.def.columns[bare];
    if (!spec || name.endsWith('$') === Boolean(spec.numeric)) return undefined;
    return { name: bare, spec };
  }

  nSetKeyValue(column: string, value: string): number {
    const company = this.enter();
    const col = this.column(column);
    if (!col || !this.keyColumns().includes(col.name)) return this.fail(`${column} is not a key column of index ${this.index}.`);
    const problem = this.def.checkKeyValue?.(company, col.name, String(value));
    if (problem) return this.fail(problem);
    this.key[col.name] = String(value);
    return this.ok();
  }

  /** The record the key (or the selected secondary index's key) names, if any. */
  private lookup(company: CompanyData, key: Record<string, string>): [string, Row | undefined] {
    const rows = company.tables[this.def.name];
    if (this.index !== 'kPRIMARY') {
      const columns = this.keyColumns();
      const entry = Object.entries(rows).find(([, row]) => columns.every((c) => String(row[c]) === (key[c] ?? '')));
      return entry ?? ['', undefined];
    }
    const joined = joinKey(this.def, key);
    return [joined, rows[joined]];
  }

  private resolveKey(company: CompanyData): Record<string, string> | string {
    return this.def.normaliseKey && this.index === 'kPRIMARY' ? this.def.normaliseKey(company, this.key) : this.key;
  }

  nSetKey(): number {
    const company = this.enter();
    if (this.def.readOnlyObject) return this.fail(`${this.def.name} cannot be edited through this object.`);
    if (this.index !== 'kPRIMARY') return this.fail('SetKey needs the primary index.');
    const key = this.resolveKey(company);
    if (typeof key === 'string') return this.fail(key);
    const blank = this.def.keyColumns.every((c) => !key[c]);
    if (blank && !this.def.assignsKey) return this.fail('The key is blank.');
    const [joined, existing] = blank ? ['', undefined] : this.lookup(company, key);
    if (!blank && !existing && this.def.assignsKey) return this.fail(`${this.def.keyColumns.join('+')} ${joined} is not on file; Sage assigns new keys.`);
    if (existing && this.db.isLocked(company.code, this.def.name, joined)) return this.fail(this.db.messages.lock);
    this.key = key;
    this.current = existing ? { ...existing } : { ...this.def.defaults?.(company, key), ...key };
    this.editState = existing ? 1 : 2;
    this.message = '';
    return this.editState;
  }

  nFind(fullKey?: string): number {
    const company = this.enter();
    if (fullKey !== undefined && this.keyColumns().length === 1) this.key = { [this.keyColumns()[0] ?? '']: fullKey };
    const key = this.resolveKey(company);
    if (typeof key === 'string') return this.fail(key);
    const [, row] = this.lookup(company, key);
    if (!row) return this.fail('Record not found.');
    this.current = { ...row };
    this.editState = 0;
    return this.ok();
  }

  nSetValue(column: string, value: string | number): number {
    this.enter();
    const col = this.column(column);
    if (this.editState === 0 || !this.current) return this.fail('No record is selected.');
    if (!col) return this.fail(`Column ${column} is not valid.`);
    const { name, spec } = col;
    if (spec.readOnly || this.def.keyColumns.includes(name) || (spec.createOnly && this.editState !== 2)) return this.fail(`Column ${name} is read only.`);
    const text = String(value);
    if (spec.numeric ? !Number.isFinite(Number(value)) : text.length > spec.length) return this.fail(`The value for ${name} is invalid or too long (maximum ${spec.length}).`);
    if (spec.values && !spec.values.includes(text)) return this.fail(`${text} is not a valid value for ${name}.`);
    this.current[name] = spec.numeric ? Number(value) : text;
    return this.ok();
  }

  nGetValue(column: string, ref: ByRef): number {
    this.enter();
    const row = this.editState === 0 && !this.current ? this.browse[this.browseIndex] : this.current;
    const col = this.column(column);
    if (!row || !col) return this.fail(`Column ${column} is not valid.`);
    const fake = ref as FakeRef;
    const wanted = col.spec.numeric ? 'number' : 'string';
    if (this.variant.strictByRef && fake.initialType !== wanted) return this.fail(`Type mismatch reading ${column}: pass a ${wanted} variable.`);
    const value = row[col.name] ?? (col.spec.numeric ? 0 : '');
    fake.value = col.spec.numeric ? Number(value) : String(value);
    return this.ok();
  }

  nWrite(): number {
    const company = this.enter();
    if (this.editState === 0 || !this.current) return this.fail('No record is selected.');
    const isNew = this.editState === 2;
    const row = this.current;
    const problem = this.def.beforeWrite?.(company, row, isNew);
    if (problem) return this.fail(problem);
    const { date, time } = sageStamp();
    if (isNew) Object.assign(row, { DateCreated: date, TimeCreated: time, UserCreatedKey: '0000000042' });
    Object.assign(row, { DateUpdated: date, TimeUpdated: time, UserUpdatedKey: '0000000042' });
    company.tables[this.def.name][joinKey(this.def, row)] = row;
    this.db.save();
    const warning = this.def.warning?.(company, row);
    this.nClear();
    if (warning) {
      this.message = warning;
      return -1;
    }
    return this.ok();
  }

  nClear(): number {
    this.key = {};
    this.current = undefined;
    this.editState = 0;
    return 1;
  }

  nSetBrowseFilter(prefix: string): number {
    this.enter();
    this.filter = prefix;
    return this.ok();
  }

  nMoveFirst(): number {
    const company = this.enter();
    this.nClear();
    // The filter is a prefix of the primary key as stored: a formatted account never matches AccountKey.
    this.browse = Object.entries(company.tables[this.def.name])
      .filter(([key]) => key.startsWith(this.filter))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => row);
    this.browseIndex = 0;
    this.message = '';
    return this.browse.length > 0 ? 1 : 0;
  }

  nMoveNext(): number {
    this.enter();
    this.browseIndex++;
    return this.browseIndex < this.browse.length ? 1 : 0;
  }

  nEOF(): number {
    this.enter();
    return this.browseIndex >= this.browse.length ? 1 : 0;
  }

  DropObject(): unknown {
    this.nClear();
    return undefined;
  }
}
