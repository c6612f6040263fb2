// The one module that imports playwright-core: Debian's Chromium (never a downloaded browser),
// headless, with a fresh profile. Without /usr/bin/chromium the browser tests skip loudly, unless
// MLC_REQUIRE_BROWSER=1 (set by .ci/run), where its absence is a failure.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export type { BrowserContext, Page };

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. Throws under CI. */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `${CHROMIUM} is missing: browser tests SKIPPED (apt-get install -y chromium)`;
  if (process.env.MLC_REQUIRE_BROWSER === '1') throw new Error(`MLC_REQUIRE_BROWSER=1 but ${reason}`);
  console.warn(`\n*** ${reason} ***\n`);
  return reason;
}

/** A fresh profile each time (playwright passes it to Chromium as --user-data-dir). `headers` go on every
 * request (e.g. x-forwarded-for, to be seen as a client behind a proxy rather than this machine). */
export async function launchBrowser(headers: Record<string, string> = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'mlc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    extraHTTPHeaders: headers,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
