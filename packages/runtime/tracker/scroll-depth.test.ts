// Scroll depth end to end: a real page in Chromium, scrolled, then left or closed; the figure is
// checked where it matters, in what a real Footfall stored (its API). The page's clock is
// Playwright's, so the 15 s heartbeat takes no waiting; stored rows are waited for, never time.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newHumanContext } from '../../../test/support/browser.ts';
import { startTrackedSite, type TrackedSite } from '../../../test/support/tracked-site.ts';

let browser: Browser;
let site: TrackedSite;
let origin: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  // /tall: 3200 px of page, then a link to /short, which fits in the viewport.
  site = await startTrackedSite((url) => ({
    body: url.pathname.startsWith('/tall') ? '<div style="height:3200px"></div><a id="next" href="/short">next</a>' : '<p>short</p>',
    bodyStyle: 'margin:0',
  }));
  origin = site.origin;
  // Beacons sent while a page unloads carry the browser's own user agent: see launchBrowser.
  browser = await launchBrowser({ humanUserAgent: true });
});

afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** The Pages breakdown's scroll depth of `path` (undefined while it has no pageview). */
async function scrollDepth(path: string): Promise<number | null | undefined> {
  return (await site.pageRow<{ scroll_depth: number | null }>(path))?.scroll_depth;
}

async function visitor() {
  const context = await newHumanContext(browser);
  contexts.push(context);
  await context.clock.install();
  const page = await context.newPage();
  const stored = (path: string) =>
    page.waitForResponse((r) => r.url().endsWith('/_footfall/e') && /"k":"p"/.test(r.request().postData() ?? '') && r.request().postData()!.includes(`"u":"${origin}${path}"`));
  return { page, stored };
}

describe('scroll depth (Chromium, stored by a real Footfall)', () => {
  it("averages each visit's deepest position on a page: read to the end and left by a link, half read then scrolled back up and hidden", async () => {
    // A reads /tall to the end and follows its link.
    const a = await visitor();
    let view = a.stored('/tall');
    await a.page.goto(`${origin}/tall`);
    expect((await view).status()).toBe(202);
    await a.page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
    await a.page.clock.fastForward(3_000);
    view = a.stored('/short');
    await a.page.click('#next');
    expect((await view).status()).toBe(202);
    await expect.poll(() => scrollDepth('/tall'), { timeout: 10_000 }).toBe(100);
    // /short has a pageview but no report yet: no depth.
    expect(await scrollDepth('/short')).toBeNull();

    // B scrolls /tall to 1000 px and stays past a heartbeat, then scrolls back to the top and
    // hides the tab: its deepest report is the heartbeat's, not the last one.
    const b = await visitor();
    view = b.stored('/tall');
    await b.page.goto(`${origin}/tall`);
    expect((await view).status()).toBe(202);
    await b.page.evaluate(() => scrollTo(0, 1000));
    const fraction = await b.page.evaluate(() => (scrollY + innerHeight) / document.documentElement.scrollHeight);
    expect(fraction).toBeGreaterThan(0.4);
    expect(fraction).toBeLessThan(0.7);
    const report = () => b.page.waitForResponse((r) => r.url().endsWith('/_footfall/e') && /"k":"g"/.test(r.request().postData() ?? ''));
    let reported = report();
    await b.page.clock.fastForward(15_000);
    expect((await reported).status()).toBe(202);
    await b.page.evaluate(() => scrollTo(0, 0));
    await b.page.clock.fastForward(2_000);
    reported = report();
    await b.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      Object.defineProperty(document, 'hidden', { value: true, configurable: true });
      document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    });
    const hidden = await reported;
    expect(hidden.status()).toBe(202);
    expect(JSON.parse(hidden.request().postData()!).d).toBeLessThan(fraction);
    // Both of B's reports are stored (202 answers after the commit): A's 100 and B's deepest.
    expect(await scrollDepth('/tall')).toBe(Math.round((100 + Math.round(fraction * 100)) / 2));
  });
});
