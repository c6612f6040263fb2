// GL account look-ups on a 5,000-account chart with the strict simulator. GL_Account is keyed by
// AccountKey, so a formatted account is found by scanning (then cached) unless the site's selftest
// showed the kACCOUNT index works. What matters on a real Sage 100 is the number of COM reads
// (each is a cross-process call), so those are counted beside the in-process times. One JSON line.
import { createBoiBackend } from '../agent/backends/boi/backend.ts';
import type { ComRuntime } from '../agent/backends/boi/com.ts';
import { simulatorProfile } from '../agent/backends/sim/backend.ts';
import { SIM_PASSWORD, SIM_USER, SimDatabase } from '../agent/backends/sim/database.ts';
import { fakeComRuntime } from '../agent/backends/sim/fake-com.ts';
import { STRICT_VARIANT } from '../agent/backends/sim/variant.ts';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 5000);

function chart(): SimDatabase {
  const db = new SimDatabase();
  const company = db.companies.KBS!;
  for (let i = 0; i < ACCOUNTS; i++) {
    const key = String(company.nextAccountKey++).padStart(9, '0');
    const account = `${String(1000 + (i % 8999)).padStart(4, '0')}-${String(10 + Math.floor(i / 8999)).padStart(2, '0')}-OPS-01`;
    company.tables.GL_Account[key] = { AccountKey: key, Account: account, RawAccount: account.replaceAll('-', ''), MainAccountCode: account.slice(0, 4), AccountDesc: `Account ${i}`, AccountType: '13', AccountGroup: 'LABOR', Status: 'A', ClearBalance: 'N', DateUpdated: '20250102' };
  }
  return db;
}

/** Counts nGetValue reads: each takes one by-ref variant. */
function counting(com: ComRuntime): { com: ComRuntime; reads: () => number } {
  let reads = 0;
  return { com: { ...com, byRef: (initial) => (reads++, com.byRef(initial)) }, reads: () => reads };
}

async function measure(run: () => Promise<unknown>, reads: () => number): Promise<{ ms: number; reads: number }> {
  const before = reads();
  const t0 = performance.now();
  await run();
  return { ms: Math.round((performance.now() - t0) * 10) / 10, reads: reads() - before };
}

const target = `${String(1000 + ((ACCOUNTS - 1) % 8999)).padStart(4, '0')}-${String(10 + Math.floor((ACCOUNTS - 1) / 8999)).padStart(2, '0')}-OPS-01`;
const options = { homePath: 'H', user: SIM_USER, password: SIM_PASSWORD, companies: [{ code: 'KBS', name: 'KBS' }] };

const scan = counting(fakeComRuntime(chart()));
const scanning = createBoiBackend({ ...options, com: scan.com, profile: simulatorProfile() });
await scanning.accountStructure('KBS');
const cold = await measure(() => scanning.getAccount('KBS', target), scan.reads);
const warm = await measure(() => scanning.getAccount('KBS', target), scan.reads);
const list = await measure(() => scanning.listAccounts('KBS', { limit: 1000 }), scan.reads);
await scanning.close();

const index = counting(fakeComRuntime(chart(), [], { ...STRICT_VARIANT, accountIndex: true }));
const indexed = createBoiBackend({ ...options, com: index.com, profile: { ...simulatorProfile(), accountLookup: { method: 'index', index: 'kACCOUNT' } } });
await indexed.accountStructure('KBS');
const byIndex = await measure(() => indexed.getAccount('KBS', target), index.reads);
await indexed.close();

process.stdout.write(
  `${JSON.stringify({
    bench: 'sage100-agent-accounts',
    accounts: ACCOUNTS,
    coldScanLookupMs: cold.ms,
    coldScanLookupComReads: cold.reads,
    cachedLookupMs: warm.ms,
    cachedLookupComReads: warm.reads,
    indexLookupMs: byIndex.ms,
    indexLookupComReads: byIndex.reads,
    list1000Ms: list.ms,
    list1000ComReads: list.reads,
  })}\n`,
);
