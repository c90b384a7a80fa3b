// The Astro playground, built and served as `npm start` serves it (playground/start.mjs), in
// real Chromium: a visitor browses full page loads, a Markdown post, client-side navigation
// with view transitions, custom events from HTML and from JavaScript, a download and an
// outbound link. The stats then hold exactly that visit, and the data files hold no IP address
// and no user agent.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildSite, readTree, startServer, type RunningServer } from './support/astro-sites.ts';
import { captureBeacons, humanUserAgent, launchBrowser, newHumanContext } from './support/browser.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PLAYGROUND = join(ROOT, 'playground');
const COLLECTOR = '/_footfall/e';

let dataDir: string;
let server: RunningServer;
let browser: Browser;
/** The site as the visitor types it: by name, so the stored hostname is not the IP we look for. */
let site: string;

/** Newest modification time of the files the built playground depends on. */
async function newestInput(): Promise<number> {
  let newest = 0;
  const dirs = ['playground/src', 'playground/public', 'packages/astro-integration/dist', 'packages/runtime/dist'];
  for (const dir of dirs) {
    for (const entry of await readdir(join(ROOT, dir), { withFileTypes: true, recursive: true })) {
      if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return Math.max(newest, statSync(join(PLAYGROUND, 'astro.config.mjs')).mtimeMs);
}

/** `npm start` builds the playground; reuse that build when nothing changed since. */
async function buildPlaygroundIfStale(): Promise<void> {
  const entry = join(PLAYGROUND, 'dist/server/entry.mjs');
  let built = 0;
  try {
    built = statSync(entry).mtimeMs;
  } catch {}
  if (built < (await newestInput())) await buildSite(PLAYGROUND);
}

beforeAll(async () => {
  await buildPlaygroundIfStale();
  dataDir = mkdtempSync(join(tmpdir(), 'footfall-astro-e2e-'));
  server = await startServer(join(PLAYGROUND, 'start.mjs'), { FOOTFALL_DATA_DIR: dataDir, PORT: '0' });
  site = server.url.replace('127.0.0.1', 'localhost');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

type Beacon = { k?: string; u?: string; n?: string; h?: string; g?: number; p?: Record<string, string> };

/** Resolves with the collector's answer to the first beacon that `matches`. */
function collectorAnswer(page: Page, matches: (beacon: Beacon) => boolean) {
  return page.waitForResponse((res) => {
    const request = res.request();
    if (request.method() !== 'POST' || new URL(request.url()).pathname !== COLLECTOR) return false;
    return matches(request.postDataJSON() as Beacon);
  });
}

/** Performs `action` and resolves once the collector has stored (202) every matching beacon. */
async function stored(page: Page, matchers: ((beacon: Beacon) => boolean)[], action: () => Promise<unknown>): Promise<void> {
  const answers = Promise.all(matchers.map((matches) => collectorAnswer(page, matches)));
  const [responses] = await Promise.all([answers, action()]);
  for (const res of responses) expect(res.status(), res.request().postData() ?? '').toBe(202);
}

const isPageview = (path: string) => (b: Beacon) => b.k === 'p' && b.u === `${site}${path}`;
const isEngagement = (path: string) => (b: Beacon) => b.k === 'g' && b.u === `${site}${path}` && Number(b.g) > 0;

const pageview = (page: Page, path: string, action: () => Promise<unknown>) => stored(page, [isPageview(path)], action);
const event = (page: Page, name: string, action: () => Promise<unknown>) => stored(page, [isEvent(name)], action);
/** A client-side navigation: the engaged time of the page left, and the next page's view. */
const leave = (page: Page, from: string, to: string, action: () => Promise<unknown>) => stored(page, [isEngagement(from), isPageview(to)], action);

/**
 * The beacon of one custom event: `footfall(name)` sends the name; a tagged element sends its
 * dataset and a link its address, and the server names those events.
 */
function isEvent(name: string) {
  return (b: Beacon): boolean => {
    if (b.k === 'e') return b.n === name;
    if (b.k === 't') return b.p?.footfallEvent === name;
    if (b.k === 'l') return name === (String(b.h).endsWith('.csv') ? 'File Download' : 'Outbound Link: Click');
    return false;
  };
}

it('counts one visit exactly: pages, client-side navigation, custom events, and stores no IP or user agent', async () => {
  const userAgent = humanUserAgent(browser);
  const context = await newHumanContext(browser);
  // The outbound link leaves for astro.build; this machine is offline, so answer for it.
  await context.route('https://astro.build/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>Elsewhere</title>' }));
  const page = await context.newPage();
  const beacons = captureBeacons(context);
  try {
    await pageview(page, '/', () => page.goto(`${site}/`));
    await pageview(page, '/about/', () => page.click('nav a[href="/about/"]'));
    await pageview(page, '/blog/', () => page.click('nav a[href="/blog/"]'));
    await pageview(page, '/blog/hello-footfall/', () => page.click('main a[href="/blog/hello-footfall/"]'));
    await pageview(page, '/spa/', () => page.click('nav a[href="/spa/"]'));

    // View transitions: the same document throughout (the marker survives), one pageview per
    // page, and the engaged time of each page left.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    await leave(page, '/spa/', '/spa/details/', () => page.click('nav a[href="/spa/details/"]'));
    await leave(page, '/spa/details/', '/spa/', () => page.goBack());
    expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);

    await pageview(page, '/', () => page.click('a[href="/"][data-astro-reload]'));
    await event(page, 'Signup', () => page.click('button[data-footfall-event="Signup"]'));
    await event(page, 'Theme toggle', () => page.click('#theme-toggle'));
    await event(page, 'File Download', () => Promise.all([page.waitForEvent('download'), page.click('a[download]')]));
    // Leaving the site by an outbound link. Its beacon goes out as the document unloads (fetch
    // keepalive), when the browser no longer ties the answer to the page: watch it leave, then
    // wait for the server to count it. (The engaged time sent at unload is not counted below.)
    const outbound = beacons.waitFor({ k: 'l', h: 'https://astro.build/' });
    await page.click('a[href="https://astro.build/"]');
    await page.waitForURL('https://astro.build/');
    await outbound;
    await page.close({ runBeforeUnload: true });

    const beaconUrls = beacons.matching({ k: 'p' }).map((b) => new URL(String(b.u)).pathname);
    expect(beaconUrls).toEqual(['/', '/about/', '/blog/', '/blog/hello-footfall/', '/spa/', '/spa/details/', '/spa/', '/']);

    const api = (path: string) => fetch(`${server.url}/_analytics/api/${path}`).then((r) => r.json());
    await expect.poll(() => api('summary?period=today').then((s) => s.events), { timeout: 10_000 }).toBe(4);
    const summary = await api('summary?period=today');
    expect(summary).toMatchObject({ visitors: 1, visits: 1, pageviews: 8, events: 4, bounce_rate: 0 });
    expect(summary.visit_duration).toBeGreaterThan(0);

    const pages = (await api('breakdown?property=page&period=today')) as { results: { value: string; pageviews: number }[] };
    expect(Object.fromEntries(pages.results.map((r) => [r.value, r.pageviews]))).toEqual({
      '/': 2,
      '/about/': 1,
      '/blog/': 1,
      '/blog/hello-footfall/': 1,
      '/spa/': 2,
      '/spa/details/': 1,
    });
    const events = (await api('breakdown?property=event&period=today')) as { results: { value: string; events: number }[] };
    expect(Object.fromEntries(events.results.map((r) => [r.value, r.events]))).toEqual({
      Signup: 1,
      'Theme toggle': 1,
      'File Download': 1,
      'Outbound Link: Click': 1,
    });

    // Privacy: the visitor came from 127.0.0.1 with `userAgent`; neither is in any stored byte.
    const files = await readTree(dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const { path, bytes } of files) {
      expect(bytes.includes('127.0.0.1'), path).toBe(false);
      expect(bytes.includes(userAgent), path).toBe(false);
      expect(bytes.includes('Chrome/'), path).toBe(false);
    }
  } finally {
    beacons.stop();
    await context.close();
  }
});
