// console: time to first render of the pipelines page and of a trail of 1,000 events in Debian's
// Chromium, beside the API's own response time for the same data and for a quarantine page out of
// 10,000 held records (median of 7 each). The store is lowdb on disk, its audit log holding 50,000
// events of other records besides the trail's. Without /usr/bin/chromium the render figures are null.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLowdbStore } from '../runtime/store/lowdb-store.ts';
import type { AuditEvent } from '../runtime/store/store.ts';
import { browserMissing, launchBrowser } from '../test/support/browser.ts';
import { held, login, SECRETS, startConsole } from '../test/console/console-harness.ts';

const RUNS = 7;
const OTHER_EVENTS = 50_000;
const median = (xs: number[]): number => Number(([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0).toFixed(1));

async function timed(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

const dir = mkdtempSync(join(tmpdir(), 'mlc-console-bench-'));
const store = await openLowdbStore(dir, { readOnly: false });
const harness = await startConsole({ store, quarantine: Array.from({ length: 10_000 }, (_, i) => held(i)) });
const at = (i: number): string => new Date(Date.parse('2026-11-28T00:00:00Z') + i * 1000).toISOString();
const commitAudit = (audit: AuditEvent[]) => store.commit({ pipeline: 'people', runId: 'seed', mirror: { upsert: [], remove: [] }, desired: { upsert: [], remove: [] }, actual: { upsert: [], remove: [] }, audit, quarantine: { park: [], release: [] }, pending: { set: [], clear: [] } });
for (let start = 0; start < OTHER_EVENTS; start += 5000) {
  await commitAudit(Array.from({ length: 5000 }, (_, i): AuditEvent => ({ pipeline: 'people', runId: `o${(start + i) % 50}`, recordKey: String(5000 + ((start + i) % 2000)), stage: 'read', at: at(start + i), pipelineVersion: 'abc1234+d1', after: { name: 'Someone Else', department: 'Yard' } })));
}
await commitAudit(Array.from({ length: 1000 }, (_, i): AuditEvent => ({ pipeline: 'people', runId: `r${i % 10}`, recordKey: '1001', stage: i % 2 ? 'mapped' : 'read', at: at(OTHER_EVENTS + i), pipelineVersion: 'abc1234+d1', after: { name: 'Someone Somebody', department: 'Warehouse', costCenter: '10-WHS-01' } })));
const { cookie } = await login(harness.url, { token: SECRETS['console-viewer-token'] as string });
const apiGet = (path: string) => async () => (await fetch(`${harness.url}${path}`, { headers: { cookie } })).json();
const apiPipelinesMs = await timed(apiGet('/api/pipelines'));
const apiTrailMs = await timed(apiGet('/api/pipelines/people/records/1001/trail?limit=1000'));
const apiQuarantinePageMs = await timed(apiGet('/api/pipelines/people/quarantine?limit=100&cursor=9000'));

let renderPipelinesMs: number | null = null;
let renderTrailMs: number | null = null;
const missing = browserMissing();
if (!missing) {
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  const [name, value] = cookie.split('=') as [string, string];
  await browser.context.addCookies([{ name, value, url: harness.url }]);
  // From a blank page each time, so every figure is a full page load, not a hash change.
  renderPipelinesMs = await timed(async () => {
    await page.goto('about:blank');
    await page.goto(`${harness.url}/#/pipelines`);
    await page.getByRole('region', { name: 'Pipeline people' }).waitFor();
  });
  renderTrailMs = await timed(async () => {
    await page.goto('about:blank');
    await page.goto(`${harness.url}/#/trail/people/1001`);
    await page.locator('ol.timeline li').nth(999).waitFor();
  });
  await browser.close();
}
await harness.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ bench: 'console', store: 'lowdb', auditEvents: OTHER_EVENTS + 1000, quarantined: 10_000, renderPipelinesMs, renderTrail1000Ms: renderTrailMs, apiPipelinesMs, apiTrail1000Ms: apiTrailMs, apiQuarantinePageOf10kMs: apiQuarantinePageMs, runs: RUNS, ...(missing ? { skipped: missing } : {}) })}\n`,
);
