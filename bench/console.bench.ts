// console: time to first render of the pipelines page and of a trail of 1,000 events in Debian's
// Chromium, beside the API's own response time for the same data (median of 7 each). Without
// /usr/bin/chromium the render figures are null and the line says why.
import type { AuditEvent } from '../runtime/store/store.ts';
import { browserMissing, launchBrowser } from '../test/support/browser.ts';
import { held, login, SECRETS, startConsole } from '../test/console/console-harness.ts';

const RUNS = 7;
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

const harness = await startConsole({ quarantine: Array.from({ length: 200 }, (_, i) => held(i)) });
const audit = Array.from({ length: 1000 }, (_, i): AuditEvent => ({ pipeline: 'people', runId: `r${i % 10}`, recordKey: '1001', stage: i % 2 ? 'mapped' : 'read', at: new Date(Date.parse('2026-11-28T00:00:00Z') + i * 1000).toISOString(), pipelineVersion: 'abc1234+d1', after: { name: 'Someone Somebody', department: 'Warehouse', costCenter: '10-WHS-01' } }));
await harness.store.commit({ pipeline: 'people', runId: 'seed', mirror: { upsert: [], remove: [] }, desired: { upsert: [], remove: [] }, actual: { upsert: [], remove: [] }, audit, quarantine: { park: [], release: [] }, pending: { set: [], clear: [] } });
const { cookie } = await login(harness.url, { token: SECRETS['console-viewer-token'] as string });
const apiGet = (path: string) => async () => (await fetch(`${harness.url}${path}`, { headers: { cookie } })).json();
const trailPath = '/api/pipelines/people/records/1001/trail?limit=1000';
const apiPipelinesMs = await timed(apiGet('/api/pipelines'));
const apiTrailMs = await timed(apiGet(trailPath));

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
process.stdout.write(`${JSON.stringify({ bench: 'console', renderPipelinesMs, renderTrail1000Ms: renderTrailMs, apiPipelinesMs, apiTrail1000Ms: apiTrailMs, runs: RUNS, ...(missing ? { skipped: missing } : {}) })}\n`);
