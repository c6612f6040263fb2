// The selftest against the strict simulator and its variants: a full PASS run, each variant reported,
// and the profile it writes makes the boi driver work against that variant (where the built-in
// guesses do not). Plus its bad inputs: no rights to the company, --write-test on a real company,
// a lock that never clears.
import { afterEach, describe, expect, it } from 'vitest';
import { AgentError } from '../errors.ts';
import type { Backend } from '../backends/backend.ts';
import { createBoiBackend } from '../backends/boi/backend.ts';
import { SIM_PASSWORD, SIM_USER, SimDatabase } from '../backends/sim/database.ts';
import { fakeComRuntime } from '../backends/sim/fake-com.ts';
import { seedKbs } from '../backends/sim/seed.ts';
import { parseVariant, STRICT_VARIANT, type SimVariant } from '../backends/sim/variant.ts';
import { simulatorProfile } from '../backends/sim/backend.ts';
import { parseProfile } from '../profile/load.ts';
import type { SiteProfile } from '../profile/profile.ts';
import { runSelftest, type SelftestOptions } from './run.ts';

const ENV = { platform: 'linux', arch: 'x64', node: 'v22', runtime: 'simulator' };
let backend: Backend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

function selftest(db: SimDatabase, variant: SimVariant = STRICT_VARIANT, options: Partial<SelftestOptions> = {}) {
  return runSelftest({ com: fakeComRuntime(db, [], variant), environment: ENV, homePath: 'C:\\Sage\\MAS90\\Home', user: SIM_USER, password: SIM_PASSWORD, company: 'KBS', today: '20261128', ...options });
}

function driver(db: SimDatabase, variant: SimVariant, profile: SiteProfile): Backend {
  backend = createBoiBackend({ com: fakeComRuntime(db, [], variant), homePath: 'H', user: SIM_USER, password: SIM_PASSWORD, companies: [{ code: 'KBS', name: 'KBS' }], profile });
  return backend;
}

const status = (steps: Array<{ id: string; status: string }>, id: string): string | undefined => steps.find((s) => s.id === id)?.status;

/** Everything the agent does, through the driver: structure, accounts (list, get, create) and headcount. */
async function exercise(b: Backend): Promise<void> {
  expect((await b.accountStructure('KBS')).segments).toHaveLength(4);
  expect((await b.listAccounts('KBS', { limit: 10 }, '6000')).items.map((a) => a.account)).toEqual(['6000-10-OPS-01', '6000-20-SLS-02']);
  expect((await b.getAccount('KBS', '6500-10-ADM-01')).accountKey).toBe('000000001');
  const created = await b.upsertAccount('KBS', { mainAccount: '6200', segments: { '02': '20', '03': 'SLS', '04': '02' }, description: 'Benefits CS Lanc' }, {});
  expect(created.outcome).toBe('created');
  const hc = await b.upsertHeadcount('KBS', { costCenter: { '02': '20', '03': 'SLS', '04': '02' }, period: '2026-11', headcount: 6 }, {});
  expect(hc.record).toMatchObject({ fiscalYear: '2027', fiscalPeriod: '02', headcount: 6 });
  expect((await b.listHeadcount('KBS', '2026-11', { limit: 10 })).items).toEqual([expect.objectContaining({ headcount: 6 })]);
}

describe('agent selftest against the strict simulator', () => {
  it('is a full PASS run; the profile is verified with headcount and valid against the profile schema', async () => {
    const result = await selftest(new SimDatabase());
    expect(result.steps.filter((s) => s.status !== 'PASS')).toEqual([]);
    expect(result.steps.length).toBeGreaterThanOrEqual(20);
    expect(result.profile.verified).toMatchObject({ company: 'KBS', headcount: true });
    expect(parseProfile(JSON.parse(JSON.stringify(result.profile)))).toEqual(result.profile);
    const text = JSON.stringify(result.transcript);
    expect(text).not.toContain(SIM_PASSWORD);
    expect(result.transcript.calls.find((c) => c.member === 'nSetUser')?.args).toEqual([SIM_USER, '(password not recorded)']);
    await exercise(driver(new SimDatabase(), STRICT_VARIANT, result.profile));
  });
});

describe('against other variants of Sage 100', () => {
  const variant = parseVariant('legacy-budget,no-options,plain-properties,account-index') as SimVariant;

  it('reports each difference, and the profile it writes makes the driver work there', async () => {
    const result = await selftest(new SimDatabase(), variant);
    expect(status(result.steps, 'object.options')).toBe('UNKNOWN');
    expect(result.steps.find((s) => s.id === 'gl.accountFormat')).toMatchObject({ status: 'UNKNOWN', data: { format: '-N04N02A03N02' } });
    expect(result.steps.find((s) => s.id === 'com.propertyTypes')?.detail).toMatch(/a string/);
    expect(result.steps.find((s) => s.id === 'headcount.budgetColumns')?.detail).toMatch(/code=BudgetPlanNo\$.*year=FiscalYr\$/);
    expect(result.profile).toMatchObject({ accountFormat: '-N04N02A03N02', accountLookup: { method: 'index' }, objects: { options: null }, budget: { columns: { code: 'BudgetPlanNo$', year: 'FiscalYr$' } } });
    expect(result.ok).toBe(true);
    await exercise(driver(new SimDatabase(), variant, result.profile));
  });

  it("the built-in guesses do not work there: that is what the profile is for", async () => {
    const b = driver(new SimDatabase(), variant, simulatorProfile());
    expect(((await b.accountStructure('KBS').catch((e: unknown) => e)) as AgentError).code).toBe('not_supported');
  });

  it('the strict by-ref variant is told apart from a loose one', async () => {
    const loose = await selftest(new SimDatabase(), parseVariant('loose-byref') as SimVariant);
    expect(loose.steps.find((s) => s.id === 'byref.string')?.detail).toMatch(/with 0 → rc 1/);
    const strict = await selftest(new SimDatabase());
    expect(strict.steps.find((s) => s.id === 'byref.string')?.detail).toMatch(/with 0 → rc 0/);
  });

  it('a company without HEADCOUNT or a NonFin main account: FAIL with what to do, profile without headcount', async () => {
    const db = new SimDatabase();
    delete db.companies.KBS!.tables.GL_Budget.HEADCOUNT;
    const result = await selftest(db, STRICT_VARIANT, { headcountAccount: '6000' });
    expect(result.steps.find((s) => s.id === 'headcount.mainAccount')).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/account type 13, not 15/) });
    expect(result.steps.find((s) => s.id === 'headcount.budgetCode')).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/Budget Code HEADCOUNT is not on file.*Budget Maintenance/) });
    expect(result.ok).toBe(false);
    expect(result.profile.verified).toBeNull();
  });
});

describe('bad input', () => {
  it('a company the user has no rights to: FAIL with Sage’s own message, and the run stops there', async () => {
    const db = new SimDatabase();
    db.companies.KBS!.usersWithoutAccess = [SIM_USER];
    const result = await selftest(db);
    expect(result.sessionOpened).toBe(false);
    expect(result.steps.at(-1)).toMatchObject({ id: 'session.SetCompany', status: 'FAIL', detail: expect.stringContaining('User MLCONNECT does not have rights to company KBS.') });
    expect(db.licencesInUse).toBe(0);
  });

  it('--write-test on a company whose name does not mark it as a test company is refused, and nothing is written', async () => {
    const db = new SimDatabase();
    const before = JSON.stringify(db.companies.KBS!.tables);
    const result = await selftest(db, STRICT_VARIANT, { writeTest: true });
    expect(result.steps.find((s) => s.id === 'write.refused')).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/"Keystone Building Supply".*TEST/) });
    expect(JSON.stringify(db.companies.KBS!.tables)).toBe(before);
    expect(result.ok).toBe(false);
  });

  it('--write-test on a test company creates, reads back, updates and deactivates ZZAGENT', async () => {
    const db = new SimDatabase();
    db.companies.TST = seedKbs('TST', 'Keystone TEST copy');
    const result = await selftest(db, STRICT_VARIANT, { writeTest: true, company: 'TST' });
    expect(['write.create', 'write.readBack', 'write.update', 'write.deactivate'].map((id) => status(result.steps, id))).toEqual(['PASS', 'PASS', 'PASS', 'PASS']);
    expect(db.companies.TST!.tables.GL_SubAccount['03\u008aZZA']).toMatchObject({ SubAccountDesc: 'ml-connector selftest (updated)', Status: 'I' });
    expect(result.ok).toBe(true);
  });

  it('--probe-lock on a lock that never clears: the text is captured and both waits are bounded', async () => {
    const db = new SimDatabase({ lockMessage: 'Record in use by JSMITH on WKSTN07' });
    db.lockRecord('KBS', 'GL_SubAccount', '03\u008aOPS', null);
    let sleeps = 0;
    const result = await selftest(db, STRICT_VARIANT, { probeLock: { segment: '03', code: 'OPS', waitSeconds: 5, intervalMs: 1000, sleep: async () => void sleeps++ } });
    expect(result.steps.find((s) => s.id === 'lock.capture')).toMatchObject({ status: 'UNKNOWN', data: { text: 'Record in use by JSMITH on WKSTN07', matches: true, cleared: false } });
    expect(sleeps).toBe(5);
  });

  it('--probe-lock on a record nobody holds: FAIL after a bounded number of tries; an unmatched text becomes the pattern', async () => {
    let sleeps = 0;
    const free = await selftest(new SimDatabase(), STRICT_VARIANT, { probeLock: { segment: '03', code: 'OPS', waitSeconds: 3, intervalMs: 1000, sleep: async () => void sleeps++ } });
    expect(free.steps.find((s) => s.id === 'lock.capture')).toMatchObject({ status: 'FAIL', data: { tries: 3 } });
    expect(sleeps).toBe(2);
    const db = new SimDatabase({ lockMessage: 'Datensatz gesperrt' });
    db.lockRecord('KBS', 'GL_SubAccount', '03\u008aOPS', null);
    const german = await selftest(db, STRICT_VARIANT, { probeLock: { segment: '03', code: 'OPS', waitSeconds: 1, intervalMs: 1000, sleep: async () => undefined } });
    expect(german.profile.messages.lock).toBe('Datensatz gesperrt');
  });
});
