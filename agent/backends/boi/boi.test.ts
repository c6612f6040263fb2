// The boi backend against the fake ProvideX COM object model: the documented call sequence, BOI
// return codes, the session pool (licences, reuse, idle close), rebuild after a COM failure, drain.
import { afterEach, describe, expect, it } from 'vitest';
import { AgentError } from '../../errors.ts';
import type { Backend } from '../backend.ts';
import { SimDatabase, SIM_PASSWORD, SIM_USER } from '../sim/database.ts';
import { fakeComRuntime, type CallLog } from '../sim/fake-com.ts';
import { findByAccount, SIM_LAYOUT } from '../sim/tables.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedKbs } from '../sim/seed.ts';
import { tempDir } from '../../test-support.ts';
import type { SySession } from './com.ts';
import { createBoiBackend, type BoiBackendOptions } from './backend.ts';
import { loadWinaxRuntime } from './winax.ts';
import { DEFAULT_PROFILE, mergeProfile } from '../../profile/profile.ts';
import { createSimBackend, simulatorProfile } from '../sim/backend.ts';

let backend: Backend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

function setup(options: Partial<BoiBackendOptions> = {}, db = new SimDatabase()): { backend: Backend; db: SimDatabase; calls: CallLog } {
  const calls: CallLog = [];
  backend = createBoiBackend({
    com: fakeComRuntime(db, calls),
    homePath: 'C:\\Sage\\MAS90\\Home',
    user: SIM_USER,
    password: SIM_PASSWORD,
    companies: [{ code: 'KBS', name: 'Keystone Building Supply' }],
    profile: simulatorProfile(),
    ...options,
  });
  return { backend, db, calls };
}

async function failure(promise: Promise<unknown>): Promise<AgentError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AgentError)) throw new Error(`expected an AgentError, got ${String(error)}`);
  return error;
}

describe('boi backend over the fake COM model', () => {
  it('opens a session with the documented sequence, then LookupTask/SetProgram before each business object', async () => {
    const { backend, calls } = setup();
    await backend.listSubAccounts('KBS', '03', { limit: 10 });
    const first = calls.slice(0, 6);
    expect(first).toEqual(['Init', 'NewObject:SY_Session', 'SetUser', 'SetCompany', 'SetDate', 'SetModule']);
    const bus = calls.indexOf('NewObject:GL_SubAccount_bus');
    expect(calls.slice(bus - 2, bus)).toEqual(['LookupTask', 'SetProgram']);
  });

  it('reuses its session (one Init for many calls) and holds at most maxSessions licences', async () => {
    const { backend, calls, db } = setup({ maxSessions: 1 });
    for (let i = 0; i < 5; i++) await backend.listAccounts('KBS', { limit: 5 });
    expect(calls.filter((c) => c === 'Init')).toHaveLength(1);
    expect(db.licencesInUse).toBe(1);
  });

  it('SetKey 2 creates and 1 updates; Write -1 is success with Sage\'s warning', async () => {
    const { backend } = setup();
    const created = await backend.upsertSubAccount('KBS', { segment: '03', code: 'QA', description: 'Quality' }, {});
    expect(created.outcome).toBe('created');
    const read = await backend.getSubAccount('KBS', '03', 'QA');
    const updated = await backend.upsertSubAccount('KBS', { segment: '03', code: 'QA', description: 'Quality Assurance' }, { ifMatch: read.etag });
    expect(updated.outcome).toBe('updated');
    const ops = await backend.getSubAccount('KBS', '03', 'OPS');
    const inactivated = await backend.upsertSubAccount('KBS', { segment: '03', code: 'OPS', description: ops.description, status: 'inactive' }, { ifMatch: ops.etag });
    expect(inactivated.record.status).toBe('inactive');
    expect(inactivated.warnings).toEqual([expect.stringMatching(/used by \d+ active accounts/)]);
  });

  it('a financial main account configured for headcount is refused before any GL account is created', async () => {
    const { backend, db } = setup({ headcountMainAccount: '6000' });
    const before = Object.keys(db.companies.KBS!.tables.GL_Account).length;
    const error = await failure(backend.upsertHeadcount('KBS', { costCenter: { '02': '20', '03': 'SLS', '04': '01' }, period: '2026-11', headcount: 3 }, {}));
    expect(error.code).toBe('sage_rejected');
    expect(error.message).toMatch(/account type 13, not 15/);
    expect(Object.keys(db.companies.KBS!.tables.GL_Account)).toHaveLength(before);
  });

  it('a refused SetValue names the request field (a description Sage finds too long)', async () => {
    const { backend } = setup();
    // The HTTP layer's schema stops this first; the driver must still name the field if Sage refuses.
    const error = await failure(backend.upsertSubAccount('KBS', { segment: '03', code: 'QA', description: 'x'.repeat(41) }, {}));
    expect(error.code).toBe('validation_failed');
    expect(error.details).toMatchObject({ field: 'description', rule: 'sage' });
  });

  it('rebuilds the session after a COM failure: a read retries transparently, a write reports session_lost', async () => {
    const { backend, calls, db } = setup();
    await backend.listAccounts('KBS', { limit: 1 });
    db.faults.comFailures = 1;
    expect((await backend.listAccounts('KBS', { limit: 1 })).items).toHaveLength(1);
    expect(calls.filter((c) => c === 'Init')).toHaveLength(2);
    db.faults.comFailures = 1;
    const error = await failure(backend.upsertSubAccount('KBS', { segment: '03', code: 'QB', description: 'x' }, {}));
    expect(error).toMatchObject({ code: 'session_lost', retryable: true });
    expect((await backend.upsertSubAccount('KBS', { segment: '03', code: 'QB', description: 'x' }, {})).outcome).toBe('created');
  });

  it('a dead COM server (every session invalid) is recovered on the next call', async () => {
    const { backend, db } = setup();
    await backend.listAccounts('KBS', { limit: 1 });
    db.generation++;
    db.licencesInUse = 0;
    expect((await backend.listAccounts('KBS', { limit: 1 })).items).toHaveLength(1);
  });

  it('no licence: SetUser fails when other users hold every licence', async () => {
    const db = new SimDatabase({ licences: 1 });
    const other = fakeComRuntime(db).createScript();
    other.Init('home');
    const session = other.NewObject('SY_Session') as SySession;
    expect(session.nSetUser(SIM_USER, SIM_PASSWORD)).toBe(1);
    const { backend } = setup({}, db);
    const error = await failure(backend.listAccounts('KBS', { limit: 1 }));
    expect(error).toMatchObject({ code: 'no_licence', retryable: true });
    expect(error.details.retryAfterSeconds).toBe(30);
    session.nCleanup();
    expect((await backend.listAccounts('KBS', { limit: 1 })).items).toHaveLength(1);
  });

  it('wrong Sage credentials, a company closed to external access and an unserved company', async () => {
    expect((await failure(setup({ password: 'nope' }).backend.listAccounts('KBS', { limit: 1 }))).code).toBe('permission_denied');
    const db = new SimDatabase();
    db.companies.KBS!.allowExternalAccess = false;
    expect((await failure(setup({}, db).backend.listAccounts('KBS', { limit: 1 }))).code).toBe('unknown_company');
    expect((await failure(setup().backend.listAccounts('ABC', { limit: 1 }))).code).toBe('unknown_company');
  });

  it('a record locked by another user is record_locked at once, with the configured Retry-After', async () => {
    const { backend, db } = setup({ lockRetryAfterSeconds: 7 });
    db.lockRecord('KBS', 'GL_Account', String(findByAccount(db.companies.KBS!, '6000-10-OPS-01')?.AccountKey), null);
    const started = Date.now();
    const error = await failure(backend.upsertAccount('KBS', { mainAccount: '6000', segments: { '02': '10', '03': 'OPS', '04': '01' }, description: 'x' }, { ifMatch: '*' }));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ code: 'record_locked', retryable: true, details: { retryAfterSeconds: 7 } });
  });

  it('drain cleans up every session and licence, refuses work, and resume takes work again', async () => {
    const { backend, db, calls } = setup();
    await backend.listAccounts('KBS', { limit: 1 });
    await backend.drain();
    expect(db.licencesInUse).toBe(0);
    expect(calls).toContain('Cleanup');
    expect(backend.status()).toMatchObject({ draining: true, sessionsOpen: 0 });
    expect((await failure(backend.listAccounts('KBS', { limit: 1 }))).code).toBe('draining');
    backend.resume();
    expect((await backend.listAccounts('KBS', { limit: 1 })).items).toHaveLength(1);
  });

  it('closes idle sessions and returns their licences', async () => {
    const { backend, db } = setup({ sessionIdleMs: 1 });
    await backend.listAccounts('KBS', { limit: 1 });
    expect(db.licencesInUse).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(db.licencesInUse).toBe(0);
  });

  it('classifies lock, licence and security texts by configurable patterns', async () => {
    const db = new SimDatabase({ lockMessage: 'Datensatz gesperrt' });
    const { backend } = setup({ profile: mergeProfile(DEFAULT_PROFILE, { messages: { lock: 'gesperrt' } }) }, db);
    db.lockRecord('KBS', 'GL_SubAccount', '03\u008aOPS', 5);
    const error = await failure(backend.upsertSubAccount('KBS', { segment: '03', code: 'OPS', description: 'x' }, { ifMatch: '*' }));
    expect(error.code).toBe('record_locked');
    expect(error.details.sageMessage).toBe('Datensatz gesperrt');
  });
});

describe('winax loading', () => {
  it.skipIf(process.platform === 'win32')('refuses to load off Windows with a message that points to the sim backend', async () => {
    await expect(loadWinaxRuntime()).rejects.toThrow(/Windows.*--backend sim/);
  });
});

describe('simulator data files', () => {
  it('a file written by an older simulator (GL_Account keyed by the formatted account) is re-seeded, not misread', async () => {
    const dir = tempDir();
    mkdirSync(join(dir.path, 'sim'));
    const old = seedKbs() as unknown as Record<string, unknown>;
    delete old.layout;
    writeFileSync(join(dir.path, 'sim', 'sage100-sim.json'), JSON.stringify({ companies: { KBS: old } }));
    const sim = createSimBackend({ dataDir: dir.path });
    expect(sim.db.companies.KBS?.layout).toBe(SIM_LAYOUT);
    expect((await sim.backend.getAccount('KBS', '6000-10-OPS-01')).accountKey).toBe('000000002');
    await sim.backend.close();
    dir.remove();
  });
});
