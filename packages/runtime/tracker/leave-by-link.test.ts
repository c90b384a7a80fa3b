// Time on a page that the visitor leaves by a plain link to another page of the site, in
// Chromium, checked where it matters: in what a real Footfall stored (its API), not in the
// requests Playwright reports (it misses most of those sent while a page unloads). The page's
// clock is Playwright's, so "3 s on the page" takes no waiting.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newHumanContext, type Beacon } from '../../../test/support/browser.ts';
import { startTrackedSite, type TrackedSite } from '../../../test/support/tracked-site.ts';

let browser: Browser;
let site: TrackedSite;
let origin: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  // Every page has the tracker and a plain link to `?next=`.
  site = await startTrackedSite((url) => ({ body: `<a id="next" href="${url.searchParams.get('next') ?? '/'}">next</a>` }));
  origin = site.origin;
  // The browser's own user agent must be a person's too: see launchBrowser.
  browser = await launchBrowser({ humanUserAgent: true });
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** Seconds on `path` as the dashboard reports them (undefined while it has no pageview). */
async function timeOnPage(path: string): Promise<number | undefined> {
  return (await site.pageRow<{ time_on_page: number }>(path))?.time_on_page;
}

/**
 * A visitor who spends 3 s on `from` and clicks its link to `to`. Returns the engagement beacons
 * page `from` handed to fetch (logged in sessionStorage, which survives the navigation).
 */
async function leaveByLink(from: string, to: string, init?: () => void): Promise<Beacon[]> {
  const context = await newHumanContext(browser);
  contexts.push(context);
  await context.addInitScript(() => {
    const send = window.fetch;
    window.fetch = function (input: RequestInfo | URL, options?: RequestInit) {
      if (options?.keepalive && typeof options.body === 'string') {
        sessionStorage.sent = JSON.stringify([...JSON.parse(sessionStorage.sent ?? '[]'), JSON.parse(options.body)]);
      }
      return send.call(this, input, options);
    };
  });
  if (init) await context.addInitScript(init);
  await context.clock.install();
  const page = await context.newPage();
  // The pageview of `path` (the browser reports the requests of a loaded page, not of one unloading).
  const collected = (path: string) =>
    page.waitForResponse((r) => r.url().endsWith('/_footfall/e') && /"k":"p"/.test(r.request().postData() ?? '') && r.request().postData()!.includes(`"u":"${origin}${path}`));
  const first = collected(from);
  await page.goto(`${origin}${from}?next=${encodeURIComponent(to)}`);
  expect((await first).status()).toBe(202);
  await page.clock.fastForward(3_000);
  const second = collected(to);
  await page.click('#next');
  expect((await second).status()).toBe(202);
  const sent = JSON.parse(await page.evaluate(() => sessionStorage.sent ?? '[]')) as Beacon[];
  return sent.filter((beacon) => beacon.k === 'g');
}

describe('engaged time on a page left by a plain link', () => {
  it('is stored for that page, from one beacon', async () => {
    const engagement = await leaveByLink('/leave/a', '/leave/b');
    expect(engagement).toEqual([expect.objectContaining({ u: `${origin}/leave/a?next=%2Fleave%2Fb`, g: expect.any(Number) })]);
    expect(engagement[0]!.g).toBeGreaterThanOrEqual(3_000);
    // The beacon may still be on its way when page b has loaded: wait for the collector's commit.
    await expect.poll(() => timeOnPage('/leave/a'), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
  });

  it('is stored when the browser fires only pagehide, as Safari may on a link', async () => {
    const engagement = await leaveByLink('/leave/safari-a', '/leave/safari-b', () => {
      // Swallow visibilitychange before any listener of the page sees it.
      addEventListener('visibilitychange', (event) => event.stopImmediatePropagation(), true);
    });
    expect(engagement).toHaveLength(1);
    expect(engagement[0]!.g).toBeGreaterThanOrEqual(3_000);
    await expect.poll(() => timeOnPage('/leave/safari-a'), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
  });
});
