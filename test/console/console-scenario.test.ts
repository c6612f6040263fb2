// Issue 17's "done when", in Debian's Chromium against `serve` with the BambooHR sandbox and the Sage
// 100 agent: log in (as a client behind a proxy, so loopback grants nothing), find the moved Warehouse
// employee's trail, see a new department quarantined, add its mapping row on disk (serve reloads the
// table and replays what it fixes), watch the records heal, and see the plan empty afterwards.
// A screenshot of each page goes to test-artifacts/console-scenario/ (git-ignored).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserMissing, launchBrowser, type Page } from '../support/browser.ts';
import { repoRoot } from '../support/cli.ts';
import { OPERATOR_TOKEN, startScenario, type Scenario } from './scenario-harness.ts';

const missing = browserMissing();
const ARTIFACTS = join(repoRoot, 'test-artifacts', 'console-scenario');
const PIPELINE = 'keystone-bamboohr-to-sage100';

/** Reloads the page at `hash` until `ready` holds; bounded (about 30 s of 250 ms waits). */
async function reloadUntil(page: Page, url: string, ready: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    await page.goto(url);
    await page.reload();
    await page.locator('main[aria-busy="false"]').waitFor();
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.skipIf(missing !== undefined)('console scenario: sandbox, agent, serve and a browser', () => {
  let scenario: Scenario;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    scenario = await startScenario();
    browser = await launchBrowser({ 'x-forwarded-for': '203.0.113.7' });
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await scenario?.close();
  });

  it('follows a move, a new department, its mapping row and the healed records', async () => {
    const { standIns, serving, mover } = scenario;
    const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    const main = async () => (await page.locator('main').textContent()) ?? '';

    await page.goto(`${serving.url}/`);
    await page.getByLabel('Access token').fill(OPERATOR_TOKEN);
    await shot('login');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('region', { name: `Pipeline ${PIPELINE}` }).waitFor();
    expect(await page.locator('#who').textContent()).toBe('Signed in as operator');
    await shot('pipelines');

    // The Warehouse employee moves to Yard: BambooHR's signed webhook reaches serve, which writes Sage 100.
    standIns.sandbox.admin.move('keystone', mover.id, { department: 'Yard' });
    const trailUrl = `${serving.url}/#/trail/${PIPELINE}/${mover.id}`;
    await reloadUntil(page, trailUrl, async () => (await main()).includes('written') && (await main()).includes('YRD'), `${mover.id}'s move to reach Sage 100`);
    const trail = await main();
    expect(trail).toContain('Yard');
    expect(trail).toMatch(/headcount: 4 → 5|headcount: \d+ → \d+/);
    await shot('trail');

    // A department BambooHR just created has no mapping row: the record waits in quarantine.
    const newcomer = scenario.colleague;
    standIns.sandbox.admin.addOption('keystone', 'department', 'Rentals');
    standIns.sandbox.admin.move('keystone', newcomer, { department: 'Rentals' });
    const quarantineUrl = `${serving.url}/#/quarantine/${PIPELINE}`;
    await reloadUntil(page, quarantineUrl, async () => (await main()).includes('Rentals'), 'the new department to be quarantined');
    // The seed has one employee with no department at all: that one waits beside it, before and after.
    expect(await page.getByRole('table', { name: 'By cause' }).textContent()).toMatch(/MLC_MAPPING_UNMAPPED2.*'Rentals' has no row.*\(1\)/);
    await shot('quarantine');
    await page.goto(`${serving.url}/#/coverage/${PIPELINE}`);
    await page.getByRole('region', { name: 'department → mappings/departments.yaml' }).waitFor();
    expect(await page.getByRole('region', { name: 'department → mappings/departments.yaml' }).getByRole('table', { name: 'Values with no row' }).textContent()).toContain('Rentals');
    await shot('coverage');

    // The integrator adds the row; serve reloads the table and replays the records it now maps.
    scenario.addMappingRow('departments', '{ from: Rentals, to: RNT, description: Rentals }');
    await reloadUntil(page, quarantineUrl, async () => !(await main()).includes('Rentals'), 'the quarantined record to heal');
    expect(await main()).toMatch(/(^|\D)1 record\(s\) wait/);
    await shot('quarantine-healed');
    await reloadUntil(page, `${serving.url}/#/trail/${PIPELINE}/${newcomer}`, async () => (await main()).includes('RNT'), 'the healed record to be written');
    await shot('trail-healed');
    await page.goto(`${serving.url}/#/coverage/${PIPELINE}`);
    await page.locator('main[aria-busy="false"]').waitFor();
    expect(await page.getByRole('region', { name: 'department → mappings/departments.yaml' }).textContent()).toContain('Every value the source offers has a row.');

    await page.goto(`${serving.url}/#/runs/${PIPELINE}`);
    await page.getByRole('table', { name: /^Runs since/ }).waitFor();
    expect(await page.getByRole('img', { name: /webhook\(s\): half answered in/ }).count()).toBe(1);
    expect(await page.getByRole('table', { name: /^Runs since/ }).locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
    await shot('runs');

    await page.goto(`${serving.url}/#/plan/${PIPELINE}`);
    await page.getByText('No changes: the target system already matches.').waitFor({ timeout: 60_000 });
    expect(await main()).not.toContain('Rentals');
    await shot('plan');
  }, 180_000);
});

it.runIf(missing !== undefined)('console scenario was skipped: Chromium is missing', () => {
  expect(missing).toMatch(/SKIPPED/);
});
