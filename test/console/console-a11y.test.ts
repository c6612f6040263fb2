// The console for people who use a keyboard or a screen reader, in Debian's Chromium: every page is
// reachable and every action works from the keyboard, every control has a name, every text has at
// least 4.5:1 contrast, loading shifts no layout, and empty and error states speak plain words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserMissing, launchBrowser, type Page } from '../support/browser.ts';
import { held, SECRETS, startConsole, type ConsoleHarness } from './console-harness.ts';

const missing = browserMissing();

/** Runs in the page: elements with their own text whose contrast with the background under them is below 4.5:1. */
function lowContrast(): string[] {
  const rgb = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).map(Number);
  const lum = ([r = 0, g = 0, b = 0]: number[]): number => {
    const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el: Element | null): number[] => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c[3] ?? 0) > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const bad: string[] = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el instanceof SVGElement || !(el instanceof HTMLElement) || el.offsetParent === null) continue;
    if (![...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim())) continue;
    const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))].sort((x, y) => y - x) as [number, number];
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 4.5) bad.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent?.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
  }
  return bad;
}

/** Runs in the page: controls a screen reader could not name. */
function unnamedControls(): string[] {
  const out: string[] = [];
  for (const el of document.querySelectorAll('input, select, button, a[href]')) {
    const named = el instanceof HTMLInputElement || el instanceof HTMLSelectElement ? (el.labels?.length ?? 0) > 0 : (el.textContent ?? '').trim().length > 0;
    if (!named) out.push(el.outerHTML.slice(0, 60));
  }
  return out;
}

describe.skipIf(missing !== undefined)('console accessibility in a browser', () => {
  let harness: ConsoleHarness;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    harness = await startConsole({ quarantine: [held(1), held(2, 'MLC_SINK_REFUSED', 'the target refused it')] });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(`${harness.url}/`);
    await page.getByLabel('Access token').fill(SECRETS['console-operator-token'] as string);
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Pipeline people' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('reaches the quarantine and replays a cause with the keyboard alone', async () => {
    await page.goto(`${harness.url}/#/pipelines`);
    await page.reload();
    await page.getByRole('region', { name: 'Pipeline people' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Quarantine'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Replay all 1' }).first().waitFor();
    // Focus moved to the page's content, so the next Tab goes into it, not back to the top.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    for (let i = 0; i < 20 && !(await page.evaluate(() => document.activeElement?.textContent?.startsWith('Replay all'))); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('record(s) queued for replay.').waitFor();
    expect((await harness.store.jobs.list('people')).length).toBe(1);
  });

  it('names every control and keeps every text at 4.5:1 contrast or more, on each page', async () => {
    for (const route of ['pipelines', 'quarantine/people', 'trail/people/1001', 'trail', 'coverage', 'runs/people', 'plan/people']) {
      await page.goto(`${harness.url}/#/${route}`);
      await page.reload();
      await page.locator('main[aria-busy="false"]').waitFor();
      expect(await page.evaluate(unnamedControls), route).toEqual([]);
      expect(await page.evaluate(lowContrast), route).toEqual([]);
    }
  });

  it('shifts no layout while the pipelines page loads', async () => {
    await page.goto('about:blank');
    await page.addInitScript(() => {
      const w = window as unknown as { __shift: number };
      w.__shift = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) if (!entry.hadRecentInput) w.__shift += entry.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(`${harness.url}/#/pipelines`);
    await page.getByRole('region', { name: 'Pipeline people' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __shift: number }).__shift)).toBe(0);
  });

  it('says in plain words when there is nothing to show or the connector cannot answer', async () => {
    await page.goto(`${harness.url}/#/trail/people/9999`);
    await page.getByText('Nothing is recorded for 9999 in people. Check the record key (the employee number).').waitFor();
    await page.goto(`${harness.url}/#/pipelines`);
    await page.getByRole('region', { name: 'Pipeline people' }).waitFor();
    await page.route('**/api/pipelines/people/runs', (route) => route.abort());
    await page.goto(`${harness.url}/#/runs/people`);
    await page.getByRole('alert').getByText('The connector did not answer. Check that it is running, then reload the page.').waitFor();
    await page.unroute('**/api/pipelines/people/runs');
  });
});

it.runIf(missing !== undefined)('accessibility tests were skipped: Chromium is missing', () => {
  expect(missing).toMatch(/SKIPPED/);
});
