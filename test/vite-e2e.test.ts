// The Vite playground in real Chromium. On `vite dev`: every page carries the tracker, and each
// route change in the client-routed section is exactly one pageview, on the wire and in the stats.
// Built for static hosting: the tracker reports to a Footfall server on another origin.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page, Response } from 'playwright-core';
import { createFootfallMiddleware } from '@footfall/vite/node';
import { build, createServer, preview, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { captureBeacons, launchBrowser, newHumanContext } from './support/browser.ts';

const PLAYGROUND = fileURLToPath(new URL('../playground-vite/', import.meta.url));

let dataDir: string;
let server: ViteDevServer;
let browser: Browser;
let base: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'footfall-vite-e2e-'));
  // Read by footfall() when Vite loads the playground's config, i.e. during createServer().
  process.env.FOOTFALL_DATA_DIR = dataDir;
  server = await createServer({
    root: PLAYGROUND,
    configFile: join(PLAYGROUND, 'vite.config.js'),
    cacheDir: join(dataDir, 'vite-cache'),
    logLevel: 'silent',
    server: { host: '127.0.0.1', port: 0 },
  });
  await server.listen();
  base = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  delete process.env.FOOTFALL_DATA_DIR;
  rmSync(dataDir, { recursive: true, force: true });
});

/** Resolves with the collector's answer to the pageview beacon for `url` (so it is stored). */
function pageviewStored(page: Page, url: string): Promise<Response> {
  return page.waitForResponse((res) => {
    const req = res.request();
    if (req.method() !== 'POST' || new URL(req.url()).pathname !== '/_footfall/e') return false;
    const body = req.postDataJSON() as { k?: string; u?: string };
    return body.k === 'p' && body.u === url;
  });
}

/** Performs `action` and waits until the collector has stored the pageview of `url`. */
async function navigate(page: Page, url: string, action: () => Promise<unknown>): Promise<void> {
  const seen: string[] = [];
  const log = (req: { method(): string; url(): string; postData(): string | null }) => void seen.push(`${req.method()} ${req.url()} ${req.postData() ?? ''}`);
  page.on('request', log);
  try {
    const [res] = await Promise.all([pageviewStored(page, url), action()]);
    expect(res.status(), url).toBe(202);
  } catch (error) {
    throw new Error(`no stored pageview for ${url}; requests meanwhile:\n${seen.join('\n')}`, { cause: error });
  } finally {
    page.off('request', log);
  }
}

it('counts one pageview per page load and per client-side route change', async () => {
  const context = await newHumanContext(browser);
  const page = await context.newPage();
  const beacons = captureBeacons(page);
  try {
    await navigate(page, `${base}/`, () => page.goto(`${base}/`));
    await navigate(page, `${base}/about/`, () => page.click('a[href="/about/"]'));
    await navigate(page, `${base}/app/`, () => page.click('a[href="/app/"]'));
    await page.waitForSelector('#view[data-route="/app/"]');

    // pushState routes, then the back button (popstate) to a route seen before.
    await navigate(page, `${base}/app/settings`, () => page.click('#routes a[href="/app/settings"]'));
    await navigate(page, `${base}/app/reports`, () => page.click('#routes a[href="/app/reports"]'));
    await navigate(page, `${base}/app/settings`, () => page.goBack());
    // An in-page anchor is not a new page; the next route change is the sentinel proving that
    // nothing was sent for it (the browser reports requests in order).
    await page.click('a[href="#details"]');
    await page.waitForFunction(() => location.hash === '#details');
    await navigate(page, `${base}/app/`, () => page.click('#routes a[href="/app/"]'));
    // A last request after everything: any duplicate beacon would have been sent before it.
    expect(await page.evaluate(() => fetch('/_footfall/privacy').then((r) => r.status))).toBe(200);

    const pageviews = beacons.matching({ k: 'p' }).map((b) => b.u);
    expect(pageviews).toEqual([`${base}/`, `${base}/about/`, `${base}/app/`, `${base}/app/settings`, `${base}/app/reports`, `${base}/app/settings`, `${base}/app/`]);

    // vite dev opens the dashboard API without a password; one tab is one visit.
    const res = await fetch(`${base}/_analytics/api/summary?period=today`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ pageviews: 7, visitors: 1, visits: 1 });
    const pages = await (await fetch(`${base}/_analytics/api/breakdown?property=page&period=today`)).json();
    expect(pages.results).toEqual(
      expect.arrayContaining([expect.objectContaining({ value: '/app/settings', pageviews: 2 }), expect.objectContaining({ value: '/app/reports', pageviews: 1 })]),
    );
  } finally {
    beacons.stop();
    await context.close();
  }
});

it('a statically hosted build reports to a Footfall server on another origin', async () => {
  const statsDir = mkdtempSync(join(tmpdir(), 'footfall-vite-stats-'));
  const footfall = createFootfallMiddleware({ dataDir: statsDir, publicDashboard: true }, { env: {}, log: () => {} });
  const stats = createHttpServer(footfall);
  await new Promise<void>((resolve) => stats.listen(0, '127.0.0.1', resolve));
  const statsOrigin = `http://127.0.0.1:${(stats.address() as AddressInfo).port}`;
  const outDir = join(statsDir, 'site');
  const config = { root: PLAYGROUND, configFile: join(PLAYGROUND, 'vite.config.js'), logLevel: 'silent' as const, build: { outDir, emptyOutDir: true } };

  process.env.FOOTFALL_ENDPOINT = `${statsOrigin}/_footfall/e`;
  process.env.FOOTFALL_DATA_DIR = join(statsDir, 'unused-local-store');
  let site: Awaited<ReturnType<typeof preview>> | undefined;
  const context = await newHumanContext(browser);
  try {
    await build(config);
    // Any static file server would do; preview serves the built files as they are.
    site = await preview({ ...config, preview: { host: '127.0.0.1', port: 0 } });
    const siteOrigin = `http://127.0.0.1:${(site.httpServer.address() as AddressInfo).port}`;
    const page = await context.newPage();
    // Cross-origin: a CORS preflight, then the beacon, both answered by the stats server.
    await navigate(page, `${siteOrigin}/app/`, () => page.goto(`${siteOrigin}/app/`));
    await navigate(page, `${siteOrigin}/app/reports`, () => page.click('#routes a[href="/app/reports"]'));
    const summary = await (await fetch(`${statsOrigin}/_analytics/api/summary?period=today`)).json();
    expect(summary).toMatchObject({ pageviews: 2, visitors: 1 });
  } finally {
    delete process.env.FOOTFALL_ENDPOINT;
    process.env.FOOTFALL_DATA_DIR = dataDir;
    await context.close();
    await site?.close();
    await new Promise((resolve) => stats.close(resolve));
    await footfall.close();
    rmSync(statsDir, { recursive: true, force: true });
  }
});
