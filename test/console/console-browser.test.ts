// The console in Debian's Chromium: log in off-loopback style, the pipelines page, one employee's
// trail, the quarantine with an XSS attempt shown as text and replayed by an operator, and the plan
// page's plain-words error state. A screenshot of each page goes to test-artifacts/console/ (git-ignored).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';
import { browserMissing, launchBrowser, type Page } from '../support/browser.ts';
import { held, SECRETS, startConsole, type ConsoleHarness } from './console-harness.ts';

const missing = browserMissing();
const ARTIFACTS = join(repoRoot, 'test-artifacts', 'console');
const XSS = `<img src=x onerror="window.__xss=1">`;

describe.skipIf(missing !== undefined)('console in a browser', () => {
  let harness: ConsoleHarness;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    harness = await startConsole({ quarantine: [held(1, 'MLC_MAPPING_UNMAPPED', `department '${XSS}' has no mapping row`), held(2)] });
    const base = { pipeline: 'people', runId: 'r1', pipelineVersion: 'abc1234+d1' };
    await harness.store.commit({
      pipeline: 'people', runId: 'r1', mirror: { upsert: [], remove: [] }, desired: { upsert: [], remove: [] }, actual: { upsert: [], remove: [] },
      audit: [
        { ...base, recordKey: '1001', stage: 'read', at: '2026-11-28T08:00:00.000Z', after: { name: XSS, department: 'Warehouse' } },
        { ...base, recordKey: 'Employee/1001', stage: 'written', at: '2026-11-28T08:00:01.000Z', related: ['1001'], before: { Dept: 'OFF' }, after: { Dept: 'WHS' } },
      ],
      quarantine: { park: [], release: [] }, pending: { set: [], clear: [] },
    });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('logs in, shows each page as text, and replays as operator', async () => {
    await page.goto(`${harness.url}/`);
    await page.getByLabel('Access token').fill(SECRETS['console-operator-token'] as string);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
    expect(await page.getByRole('region', { name: 'Pipeline people' }).textContent()).toContain('abc1234+d1');
    await page.screenshot({ path: join(ARTIFACTS, 'pipelines.png'), fullPage: true });

    await page.goto(`${harness.url}/#/trail/people/1001`);
    await page.getByRole('list', { name: 'Trail of 1001' }).waitFor();
    // The value sits in JSON there (its quotes escaped), but as text: the tag is visible, not parsed.
    expect(await page.getByRole('list', { name: 'Trail of 1001' }).textContent()).toContain('<img src=x onerror=');
    await page.screenshot({ path: join(ARTIFACTS, 'trail.png'), fullPage: true });

    await page.goto(`${harness.url}/#/quarantine/people`);
    await page.getByRole('button', { name: 'Replay 1001' }).waitFor();
    expect(await page.locator('main').textContent()).toContain(XSS);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.getByRole('button', { name: 'Replay 1001' }).click();
    await page.getByText('1 record(s) queued for replay.').waitFor();
    expect((await harness.store.jobs.list('people')).map((j) => j.keys)).toEqual([['1001']]);
    expect(await page.locator('main').textContent()).not.toContain('null');
    await page.screenshot({ path: join(ARTIFACTS, 'quarantine.png'), fullPage: true });

    // The stand-in pipeline cannot plan, so this shows the page's error state, in plain words.
    await page.goto(`${harness.url}/#/plan/people`);
    await page.getByRole('alert').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'plan.png'), fullPage: true });
  }, 60_000);
});

it.runIf(missing !== undefined)('browser tests were skipped: Chromium is missing', () => {
  expect(missing).toMatch(/SKIPPED/);
});
