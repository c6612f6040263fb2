// The six places the evidence review (sage100.md §9) found the driver would break on a real Sage 100,
// each against the strict simulator. Every test here failed on the driver before the review's fixes.
import { afterEach, describe, expect, it } from 'vitest';
import { AgentError } from '../../errors.ts';
import { DEFAULT_PROFILE } from '../../profile/profile.ts';
import type { Backend } from '../backend.ts';
import { simulatorProfile } from '../sim/backend.ts';
import { SIM_PASSWORD, SIM_USER, SimDatabase } from '../sim/database.ts';
import { fakeComRuntime } from '../sim/fake-com.ts';
import { seedFiscalCalendar } from '../sim/seed.ts';
import { findByAccount } from '../sim/tables.ts';
import { createBoiBackend, type BoiBackendOptions } from './backend.ts';

let backend: Backend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

function setup(options: Partial<BoiBackendOptions> = {}, db = new SimDatabase()): { backend: Backend; db: SimDatabase } {
  backend = createBoiBackend({
    com: fakeComRuntime(db),
    homePath: 'C:\\Sage\\MAS90\\Home',
    user: SIM_USER,
    password: SIM_PASSWORD,
    companies: [{ code: 'KBS', name: 'Keystone Building Supply' }],
    profile: simulatorProfile(),
    ...options,
  });
  return { backend, db };
}

async function failure(promise: Promise<unknown>): Promise<AgentError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AgentError)) throw new Error(`expected an AgentError, got ${String(error)}`);
  return error;
}

const accounts = (db: SimDatabase): number => Object.keys(db.companies.KBS!.tables.GL_Account).length;

describe('1. GL_Options is read by its key, ModuleCode G/L', () => {
  it('the account structure (and so every GL endpoint) works on a company whose options need the key', async () => {
    const { backend } = setup();
    expect(await backend.accountStructure('KBS')).toMatchObject({ separator: '-', segments: [{ length: 4 }, { length: 2 }, { length: 3 }, { length: 2 }] });
    expect((await backend.listSubAccounts('KBS', '03', { limit: 10 })).items.length).toBeGreaterThan(0);
  });
});

describe('2. every COM value goes through one helper (winax wrappers), by-ref variants typed by column', () => {
  it("a refusal by Sage is Sage's refusal, not a lost session, when sLastErrorMsg is a wrapper", async () => {
    const { backend } = setup();
    const error = await failure(backend.upsertAccount('KBS', { mainAccount: '6000', segments: { '02': '10', '03': 'WHS', '04': '01' }, description: 'Wages warehouse' }, {}));
    expect(error).toMatchObject({ code: 'sage_rejected', retryable: false, details: { sageMessage: 'Sub account WHS is inactive.' } });
  });

  it('an empty browse is an empty list', async () => {
    const db = new SimDatabase();
    const subs = db.companies.KBS!.tables.GL_SubAccount;
    for (const key of Object.keys(subs)) if (key.startsWith('04')) delete subs[key];
    const { backend } = setup({}, db);
    expect(await backend.listSubAccounts('KBS', '04', { limit: 10 })).toEqual({ items: [], nextCursor: null });
  });

  it('a numeric column (the budget amount) is read through a numeric by-ref variant', async () => {
    const { backend } = setup();
    const costCenter = { '02': '10', '03': 'OPS', '04': '01' };
    await backend.upsertHeadcount('KBS', { costCenter, period: '2026-03', headcount: 4.5 }, {});
    const again = await backend.upsertHeadcount('KBS', { costCenter, period: '2026-03', headcount: 4.5 }, {});
    expect(again.outcome).toBe('unchanged');
    expect((await backend.listHeadcount('KBS', '2026-03', { limit: 10 })).items).toEqual([expect.objectContaining({ account: '9900-10-OPS-01', headcount: 4.5 })]);
  });
});

describe('3. GL_Account is keyed by AccountKey; the formatted account is a secondary index', () => {
  it('finds one account by its formatted number and reports the AccountKey Sage gave it', async () => {
    const { backend, db } = setup();
    const one = await backend.getAccount('KBS', '6000-20-SLS-02');
    expect(one.accountKey).toBe(findByAccount(db.companies.KBS!, '6000-20-SLS-02')?.AccountKey);
    expect((await failure(backend.getAccount('KBS', '6000-20-SLS-01'))).code).toBe('not_found');
  });

  it('a remembered AccountKey is confirmed before use: an account re-created by hand under a new key is still found', async () => {
    const { backend, db } = setup();
    const before = await backend.getAccount('KBS', '6000-20-SLS-02');
    const rows = db.companies.KBS!.tables.GL_Account;
    const row = rows[before.accountKey]!;
    delete rows[before.accountKey];
    rows['000000099'] = { ...row, AccountKey: '000000099' };
    expect((await backend.getAccount('KBS', '6000-20-SLS-02')).accountKey).toBe('000000099');
  });

  it('lists by main account and pages in formatted-account order (browse order is AccountKey order)', async () => {
    const { backend } = setup();
    expect((await backend.listAccounts('KBS', { limit: 10 }, '6000')).items.map((a) => a.account)).toEqual(['6000-10-OPS-01', '6000-20-SLS-02']);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await backend.listAccounts('KBS', cursor ? { limit: 2, cursor } : { limit: 2 });
      seen.push(...page.items.map((a) => a.account));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toHaveLength(7);
  });

  it('creates an account (Sage assigns the key) and updates it by its key', async () => {
    const { backend, db } = setup();
    const created = await backend.upsertAccount('KBS', { mainAccount: '6100', segments: { '02': '20', '03': 'SLS', '04': '02' }, description: 'Payroll Taxes Contractor Sales Lanc' }, {});
    expect(created).toMatchObject({ outcome: 'created', record: { account: '6100-20-SLS-02', accountKey: '000000008' } });
    const updated = await backend.upsertAccount('KBS', { mainAccount: '6100', segments: { '02': '20', '03': 'SLS', '04': '02' }, description: 'Payroll Taxes CS Lanc' }, { ifMatch: created.record.etag });
    expect(updated).toMatchObject({ outcome: 'updated', record: { accountKey: '000000008', description: 'Payroll Taxes CS Lanc' } });
    expect(accounts(db)).toBe(8);
  });

  it('the headcount guard reads the main account itself: a financial main account is refused before any account is created', async () => {
    const { backend, db } = setup({ headcountMainAccount: '6100' });
    const before = accounts(db);
    const error = await failure(backend.upsertHeadcount('KBS', { costCenter: { '02': '20', '03': 'SLS', '04': '01' }, period: '2026-11', headcount: 3 }, {}));
    expect(error).toMatchObject({ code: 'sage_rejected' });
    expect(error.message).toMatch(/account type 13, not 15/);
    expect(accounts(db)).toBe(before);
  });
});

describe('4. NewObject may return Nothing: a refusal is 403, not an endless retryable 503', () => {
  it('no role rights on the task is permission_denied with the session’s message', async () => {
    const { backend, db } = setup();
    db.faults.deniedTasks = ['GL_Account_ui'];
    const error = await failure(backend.listAccounts('KBS', { limit: 5 }));
    expect(error).toMatchObject({ code: 'permission_denied', status: 403, retryable: false, details: { sageMessage: 'You do not have security rights to this task.' } });
  });

  it('an object this Sage 100 does not have is not_supported, pointing at the selftest', async () => {
    const { backend } = setup({ profile: { ...simulatorProfile(), objects: { ...DEFAULT_PROFILE.objects, structure: 'GL_AccountStructure_svc', options: { name: 'GL_NoSuchOptions_svc', key: 'G/L' } } } });
    const error = await failure(backend.accountStructure('KBS'));
    expect(error.code).toBe('not_supported');
    expect(error.message).toMatch(/selftest/);
  });
});

describe('5. headcount: Budget Code, FiscalYear/FiscalPeriod, the fiscal calendar read from Sage', () => {
  it('stores the month under the fiscal period that holds its last day (KBS: fiscal years October–September)', async () => {
    const { backend, db } = setup();
    const r = await backend.upsertHeadcount('KBS', { costCenter: { '02': '20', '03': 'SLS', '04': '02' }, period: '2026-11', headcount: 7 }, {});
    expect(r.record).toMatchObject({ account: '9900-20-SLS-02', period: '2026-11', fiscalYear: '2027', fiscalPeriod: '02' });
    expect(Object.values(db.companies.KBS!.tables.GL_BudgetDetail)).toEqual([expect.objectContaining({ BudgetCode: 'HEADCOUNT', FiscalYear: '2027', FiscalPeriod: '02', BudgetAmount: 7 })]);
  });

  it('a 13-period year: December 2026 falls in period 13 or earlier, never "12" by its month number', async () => {
    const db = new SimDatabase();
    seedFiscalCalendar(db.companies.KBS!, { firstMonth: 1, periods: 13, years: [2026, 2027] });
    const { backend } = setup({}, db);
    const dec = await backend.upsertHeadcount('KBS', { costCenter: { '02': '10', '03': 'OPS', '04': '01' }, period: '2026-12', headcount: 2 }, {});
    expect(dec.record).toMatchObject({ fiscalYear: '2026', fiscalPeriod: '13' });
    const outside = await failure(backend.upsertHeadcount('KBS', { costCenter: { '02': '10', '03': 'OPS', '04': '01' }, period: '2031-01', headcount: 2 }, {}));
    expect(outside.details).toMatchObject({ field: 'period', rule: 'fiscalCalendar' });
  });

  it('a Budget Code Sage does not have is refused with its message before any account is created', async () => {
    const db = new SimDatabase();
    delete db.companies.KBS!.tables.GL_Budget.HEADCOUNT;
    const { backend } = setup({}, db);
    const before = accounts(db);
    const error = await failure(backend.upsertHeadcount('KBS', { costCenter: { '02': '20', '03': 'ADM', '04': '02' }, period: '2026-11', headcount: 1 }, {}));
    expect(error).toMatchObject({ code: 'sage_rejected', details: { sageMessage: 'Budget Code HEADCOUNT is not on file.' } });
    expect(accounts(db)).toBe(before);
  });

  it('without a verified site profile headcount is not_supported (501) rather than a guess', async () => {
    const { backend, db } = setup({ profile: DEFAULT_PROFILE });
    const before = accounts(db);
    const error = await failure(backend.upsertHeadcount('KBS', { costCenter: { '02': '20', '03': 'ADM', '04': '02' }, period: '2026-11', headcount: 1 }, {}));
    expect(error).toMatchObject({ code: 'not_supported', status: 501 });
    expect((await failure(backend.listHeadcount('KBS', '2026-11', { limit: 5 }))).code).toBe('not_supported');
    expect(accounts(db)).toBe(before);
    expect(backend.status().profile).toMatchObject({ source: 'defaults', verified: false, headcount: false });
  });
});
