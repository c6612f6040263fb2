// `store export` / `store import`: the state of an embedded (lowdb) store moves to PostgreSQL and comes
// back out the same (every kind of record the port keeps); a non-empty target is refused without
// --force; a truncated, foreign or newer-version export is refused before anything is written.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgPool } from '../../runtime/lib/pg.ts';
import { openLowdbStore } from '../../runtime/store/lowdb-store.ts';
import { openPostgresStore } from '../../runtime/store/postgres-store.ts';
import type { Store } from '../../runtime/store/store.ts';
import { runCli } from '../support/cli.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.ts';

const server: TestPostgres | undefined = await startTestPostgres();
if (!server) console.warn('\n*** store export/import to PostgreSQL SKIPPED: no PostgreSQL binaries and no PG_TEST_URL (CI sets MLC_REQUIRE_PG=1) ***\n');
const dirs: string[] = [];
afterAll(() => {
  server?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-transfer-'));
  dirs.push(dir);
  return dir;
};

const T0 = '2026-11-28T10:00:00.000Z';

/** A store holding one of everything the port keeps, for two pipelines. */
async function populate(store: Store): Promise<void> {
  for (const pipeline of ['alpha', 'beta']) {
    for (let chunk = 0; chunk < 3; chunk += 1) {
      const keys = Array.from({ length: 400 }, (_, i) => `e${chunk * 400 + i}`);
      await store.commit({
        pipeline,
        runId: `run-${chunk}`,
        mirror: { upsert: keys.map((key) => ({ key, source: { id: key, name: `N ${key}` }, version: '3', record: { id: key } })), remove: [] },
        desired: { upsert: keys.map((key) => ({ entity: 'employee', key, values: { name: `N ${key}` } })), remove: [] },
        actual: { upsert: keys.slice(0, 10).map((key) => ({ entity: 'employee', key, active: true, values: { name: `N ${key}` } })), remove: [] },
        audit: keys.map((recordKey, i) => ({ pipeline, runId: `run-${chunk}`, recordKey, stage: 'written', at: new Date(Date.parse(T0) + i).toISOString(), pipelineVersion: 'v1', related: [`employee/${recordKey}`] })),
        quarantine: { park: [{ pipeline, recordKey: `bad-${chunk}`, code: 'MLC_TRANSFORM_FAILED', cause: 'no name', since: T0, sourceKeys: [`bad-${chunk}`] }], release: [] },
        pending: { set: [{ entity: 'employee', key: `e${chunk}`, action: 'update', idempotencyKey: `k${chunk}`, attempts: 2, lastError: 'busy', since: T0 }], clear: [] },
        checkpoint: { cursor: `${pipeline}-${chunk}` },
      });
    }
    await store.inbox.append({ pipeline, trigger: 'hook', keys: ['e1', 'e2'], receivedAt: T0 });
    await store.jobs.enqueue({ pipeline, kind: 'changed' }, { dedupeKey: `${pipeline}/cron0/${T0}`, notBefore: new Date(T0) });
    const { id } = await store.jobs.enqueue({ pipeline, kind: 'keys', keys: ['e5'] }, { notBefore: new Date(T0) });
    await store.jobs.retryAt(id, new Date('2026-11-28T11:00:00.000Z'), 'sink busy');
    await store.state.set(`serve/${pipeline}`, 'cron0:last', T0);
    await store.state.set(`${pipeline}/source`, 'cursor/with/slashes', { page: 7 });
  }
}

/** An export's records in an order and form that do not depend on the store (ids, key order, listing order). */
function normalized(ndjson: string): string[] {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(canonical) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, canonical(v)])) : value;
  const lines = ndjson.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return lines.slice(1).map((l) => JSON.stringify(canonical(l))).sort();
}

async function lowdbWithState(): Promise<string> {
  const dir = tempDir();
  const store = await openLowdbStore(dir);
  await populate(store);
  await store.close();
  return dir;
}

describe('store export / import between embedded stores', () => {
  it('a truncated, foreign or newer export is refused with a coded error and nothing is written', async () => {
    const source = await lowdbWithState();
    const exported = await runCli(['store', 'export', '--data', source]);
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trim().split('\n');
    const target = tempDir();
    const cases: [string, string, RegExp][] = [
      ['truncated', `${lines.slice(0, -1).join('\n')}\n`, /without its end line: the export was cut short/],
      ['foreign', '{"hello":1}\n', /not an ml-connector store export/],
      ['newer', `${JSON.stringify({ ...JSON.parse(lines[0] as string), version: 2 })}\n{"t":"end","records":0}\n`, /version 2; this ml-connector reads version 1 \(the export was written by a newer release/],
      ['bad record', `${lines[0]}\n{"t":"mirror","pipeline":"alpha"}\n{"t":"end","records":1}\n`, /line 2: a 'mirror' record needs 'entry'/],
    ];
    for (const [name, text, message] of cases) {
      const file = join(target, `${name}.ndjson`);
      writeFileSync(file, text);
      const run = await runCli(['store', 'import', file, '--data', join(target, 'state')]);
      expect(run.code, name).toBe(1);
      expect(run.stderr, name).toMatch(/MLC_STORE_EXPORT_INVALID/);
      expect(run.stderr, name).toMatch(message);
    }
    const untouched = await openLowdbStore(join(target, 'state'));
    expect(await untouched.transfer.pipelines()).toEqual([]);
    await untouched.close();
  });

  it('a target holding state is refused without --force; with it the export is added', async () => {
    const source = await lowdbWithState();
    const file = join(tempDir(), 'export.ndjson');
    expect((await runCli(['store', 'export', '--data', source, '--out', file])).code).toBe(0);
    const target = await lowdbWithState();
    const refused = await runCli(['store', 'import', file, '--data', target]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/MLC_STORE_NOT_EMPTY: the target store already holds state/);
    const forced = await runCli(['store', 'import', file, '--data', target, '--force']);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    const store = await openLowdbStore(target);
    // Jobs are added, and a dedupe key already there does not make its job twice.
    expect((await store.jobs.list('alpha')).map((j) => j.kind).sort()).toEqual(['changed', 'keys', 'keys']);
    expect((await store.mirror.all('alpha')).length).toBe(1200);
    await store.close();
  });
});

describe.skipIf(!server)('store export / import: lowdb → PostgreSQL', () => {
  it('round trip: what PostgreSQL exports after the import is what lowdb exported, and the store works on it', async () => {
    const source = await lowdbWithState();
    const file = join(tempDir(), 'export.ndjson');
    const fromLowdb = await runCli(['store', 'export', '--data', source, '--out', file]);
    expect(fromLowdb.stderr).toMatch(/^exported \d+ records to /);
    const schema = `x_${randomBytes(6).toString('hex')}`;
    const admin = createPgPool({ url: server?.url ?? '', max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const url = `${server?.url ?? ''}?options=-c%20search_path%3D${schema}`;
    const imported = await runCli(['store', 'import', file, '--store', url]);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/^imported 7\d{3} records into postgres:/);
    const fromPg = await runCli(['store', 'export', '--store', url]);
    expect(fromPg.code).toBe(0);
    expect(normalized(fromPg.stdout)).toEqual(normalized(readFileSync(file, 'utf8')));

    // Not just the same text: the PostgreSQL store uses what it received.
    const pg = await openPostgresStore({ url: server?.url ?? '', schema });
    expect(await pg.checkpoints.get('beta')).toEqual({ cursor: 'beta-2' });
    expect(await pg.state.get('alpha/source', 'cursor/with/slashes')).toEqual({ page: 7 });
    expect((await pg.jobs.enqueue({ pipeline: 'alpha', kind: 'changed' }, { dedupeKey: `alpha/cron0/${T0}` })).created).toBe(false);
    expect((await pg.jobs.list('alpha')).find((j) => j.kind === 'keys')).toMatchObject({ attempts: 1, lastError: 'sink busy', notBefore: '2026-11-28T11:00:00.000Z', keys: ['e5'] });
    const trail = [];
    for await (const event of pg.audit.query({ recordKey: 'employee/e5' })) trail.push(event.pipeline);
    expect(trail).toEqual(['alpha', 'beta']);
    await pg.close();
  });
});
