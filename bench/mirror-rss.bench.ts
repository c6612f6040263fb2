// mirror-rss: resident memory of a process holding 10,000 mirrored employees (a full run committed to
// the embedded store, then the mirror read back as a run does). Target: under 200 MB.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLowdbStore } from '../runtime/store/lowdb-store.ts';
import { engineHarness } from '../test/support/engine-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'mlc-bench-rss-'));
const h = engineHarness({ count: 10_000, store: await openLowdbStore(dir) });
await h.run('full');
await h.close();
const baseline = process.memoryUsage().rss;
const store = await openLowdbStore(dir);
const mirror = await store.mirror.all('test-headcount');
global.gc?.();
const rss = process.memoryUsage().rss;
process.stdout.write(`${JSON.stringify({ bench: 'mirror-rss', mirrored: mirror.length, rssMb: Math.round(rss / 1048576), storeOpenDeltaMb: Math.round((rss - baseline) / 1048576), targetMb: 200 })}\n`);
await store.close();
