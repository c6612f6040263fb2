// The same Store contract, unchanged, against a real PostgreSQL (see test/support/postgres-server.ts),
// plus what only a shared database has: replicas claiming at once, migrations run by two at once,
// and a password that never shows in a message.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool } from '../../runtime/lib/pg.ts';
import { migrate } from '../../runtime/store/postgres-schema.ts';
import { openPostgresStore } from '../../runtime/store/postgres-store.ts';
import type { Store } from '../../runtime/store/store.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.ts';
import { describeStoreContract } from './store-contract.ts';

const server: TestPostgres | undefined = await startTestPostgres();
if (!server) console.warn('\n*** PostgreSQL store tests SKIPPED: no PostgreSQL binaries and no PG_TEST_URL (CI sets MLC_REQUIRE_PG=1 and installs them) ***\n');
afterAll(() => server?.stop());

/** Each store gets its own schema, so tests never see each other's rows. */
async function freshSchema(url: string): Promise<string> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = createPgPool({ url, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return schema;
}

const schemas = new WeakMap<Store, string>();

describe.skipIf(!server)('PostgreSQL store', () => {
  const url = server?.url ?? '';
  describeStoreContract('postgres', {
    async open() {
      const schema = await freshSchema(url);
      const store = await openPostgresStore({ url, schema });
      schemas.set(store, schema);
      return store;
    },
    async reopen(store) {
      const schema = schemas.get(store) ?? '';
      await store.close();
      const again = await openPostgresStore({ url, schema });
      schemas.set(again, schema);
      return again;
    },
  });

  let schema: string;
  beforeAll(async () => {
    schema = await freshSchema(url);
  });

  it('two replicas migrating at once apply each migration once', async () => {
    const a = createPgPool({ url, schema });
    const b = createPgPool({ url, schema });
    const [first, second] = await Promise.all([migrate(a), migrate(b)]);
    expect([...first, ...second]).toEqual([1]);
    expect((await a.query('SELECT count(*)::int AS n FROM mlc_migrations')).rows[0]).toEqual({ n: 1 });
    await Promise.all([a.end(), b.end()]);
  });

  it('three replicas claiming at once: every job once, one running job per pipeline', async () => {
    const own = await freshSchema(url);
    const replicas = await Promise.all([0, 1, 2].map(() => openPostgresStore({ url, schema: own })));
    const t0 = new Date('2026-11-28T10:00:00.000Z');
    const first = replicas[0] as Store;
    for (let p = 0; p < 10; p += 1) for (let j = 0; j < 5; j += 1) await first.jobs.enqueue({ pipeline: `p${p}`, kind: 'keys', keys: [String(j)] }, { notBefore: t0 });
    const seen: string[] = [];
    const running = new Set<string>();
    let overlaps = 0;
    await Promise.all(
      replicas.map(async (store, r) => {
        for (let round = 0; round < 400; round += 1) {
          const job = await store.jobs.claim(`w${r}`, 60_000, t0);
          if (!job) {
            if ((await store.jobs.list()).length === 0) return;
            await new Promise((resolve) => setImmediate(resolve));
            continue;
          }
          if (running.has(job.pipeline)) overlaps += 1;
          running.add(job.pipeline);
          seen.push(`${job.pipeline}/${job.keys?.[0]}`);
          // Hold the job across a few event-loop turns so the other replicas try to claim meanwhile.
          for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
          running.delete(job.pipeline);
          await store.jobs.complete(job.id);
        }
      }),
    );
    expect(seen).toHaveLength(50);
    expect(new Set(seen).size).toBe(50);
    expect(overlaps).toBe(0);
    await Promise.all(replicas.map((s) => s.close()));
  });

  it('a leased pipeline waits for its lease; the lease runs out and another replica takes the job', async () => {
    const own = await freshSchema(url);
    const [a, b] = await Promise.all([openPostgresStore({ url, schema: own }), openPostgresStore({ url, schema: own })]);
    const t0 = new Date('2026-11-28T10:00:00.000Z');
    await a.jobs.enqueue({ pipeline: 'p', kind: 'full' }, { notBefore: t0 });
    await a.jobs.enqueue({ pipeline: 'p', kind: 'keys', keys: ['1'] }, { notBefore: t0 });
    const held = await a.jobs.claim('a', 30_000, t0);
    expect(held?.kind).toBe('full');
    expect(await b.jobs.claim('b', 30_000, new Date(t0.getTime() + 1_000))).toBeUndefined();
    // Replica a was killed: its lease runs out and b finishes the same job.
    expect((await b.jobs.claim('b', 30_000, new Date(t0.getTime() + 31_000)))?.id).toBe(held?.id);
    await Promise.all([a.close(), b.close()]);
  });

  it('an unreachable database is a coded error whose message hides the password', async () => {
    const bad = url.replace(/^postgres:\/\/mlc@127\.0\.0\.1:\d+/, 'postgres://mlc:s3cret-pw@127.0.0.1:1');
    await expect(openPostgresStore({ url: bad, connectionTimeoutMs: 2_000 })).rejects.toMatchObject({ code: 'MLC_STORE_UNREACHABLE', message: expect.not.stringContaining('s3cret-pw') });
  });
});

describe.skipIf(!server)('store migrate and store status on PostgreSQL', () => {
  it('migrate says the schema is current; status lists what waits per pipeline, the password hidden', async () => {
    const { runCli } = await import('../support/cli.ts');
    const schema = await freshSchema(server?.url ?? '');
    const url = `${server?.url ?? ''}?options=-c%20search_path%3D${schema}`;
    const migrate = await runCli(['store', 'migrate', '--store', url]);
    expect(migrate.stderr).toBe('');
    expect(migrate.stdout).toMatch(/schema is current/);
    const store = await openPostgresStore({ url: server?.url ?? '', schema });
    await store.jobs.enqueue({ pipeline: 'keystone', kind: 'keys', keys: ['7'] }, { notBefore: new Date('2026-11-28T10:00:00.000Z') });
    await store.close();
    const status = await runCli(['store', 'status', '--store', url, '--format', 'json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ pipelines: [{ pipeline: 'keystone', queued: 1, retrying: 0, pending: 0, quarantined: 0 }] });
    const usage = await runCli(['store', 'migrate', '--store', 'memory:']);
    expect(usage.code).toBe(2);
  });
});
