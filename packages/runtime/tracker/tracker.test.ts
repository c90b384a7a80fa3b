// The tracker in real Chromium. Each test serves tiny pages that inline trackerScript() and
// waits for the beacons it expects (from the browser's request events, or from the server for
// beacons sent while a page unloads). "Nothing was sent" is proved with a sentinel request made
// after the page loaded: the browser reports requests in order, so an earlier beacon would show.
// Time-based behaviour (engaged time) runs on Playwright's fake clock: no test sleeps.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TRACKER_BUDGET_BYTES, trackerScript, type TrackerConfig } from '../src/tracker.ts';
import { captureBeacons, launchBrowser, newHumanContext, type Beacon, type BeaconCapture } from '../../../test/support/browser.ts';

const ENDPOINT = '/_footfall/e';

interface PageSpec {
  config?: TrackerConfig;
  body?: string;
}

interface Site {
  origin: string;
  /** Serve `path` with the tracker (allowLocalhost: true unless the spec's config says otherwise). */
  page(path: string, spec?: PageSpec): string;
  /** Every beacon the server received, in arrival order. */
  received: Beacon[];
  subscribe: (onBeacon: (beacon: Beacon) => void) => () => void;
  close(): Promise<void>;
}

async function startSite(): Promise<Site> {
  const pages = new Map<string, PageSpec>();
  const received: Beacon[] = [];
  const listeners = new Set<(beacon: Beacon) => void>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (url.pathname === ENDPOINT) {
        let beacon: Beacon;
        try {
          beacon = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Beacon;
        } catch {
          beacon = { unparsable: Buffer.concat(chunks).toString('utf8') };
        }
        beacon['content-type'] = req.headers['content-type'];
        received.push(beacon);
        for (const listener of listeners) listener(beacon);
        res.writeHead(202).end();
        return;
      }
      if (url.pathname.endsWith('.pdf')) {
        res.writeHead(200, { 'content-type': 'application/pdf', 'content-disposition': 'attachment' }).end('%PDF-1.4');
        return;
      }
      const spec = pages.get(url.pathname);
      if (!spec) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      const script = trackerScript({ allowLocalhost: true, ...spec.config });
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<!doctype html><html><head><meta charset="utf-8"><title>t</title><script>${script}</script></head><body>${spec.body ?? ''}</body></html>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    page(path, spec = {}) {
      pages.set(path, spec);
      return origin + path;
    },
    received,
    subscribe(onBeacon) {
      listeners.add(onBeacon);
      return () => listeners.delete(onBeacon);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let browser: Browser;
let site: Site;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  [browser, site] = await Promise.all([launchBrowser(), startSite()]);
});

afterEach(async () => {
  // The tracker never sets a cookie and never throws into the page, whatever a test did.
  for (const context of contexts.splice(0)) {
    expect(await context.cookies()).toEqual([]);
    await context.close();
  }
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

function track(context: BrowserContext): BrowserContext {
  contexts.push(context);
  context.on('weberror', (error) => pageErrors.push(String(error.error())));
  return context;
}

async function human(): Promise<BrowserContext> {
  return track(await newHumanContext(browser));
}

/** Beacons of this context as the browser sends them. */
async function humanWithBeacons(): Promise<{ context: BrowserContext; beacons: BeaconCapture }> {
  const context = await human();
  return { context, beacons: captureBeacons(context) };
}

/** Every request the page makes to the collector path, whatever its method. */
function collectorRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === ENDPOINT) seen.push(`${request.method()} ${request.url()}`);
  });
  return seen;
}

/** Make a request after everything so far and wait until the browser has reported it. */
async function sentinel(page: Page): Promise<void> {
  const marker = `/sentinel-${Math.random().toString(36).slice(2)}`;
  const seen = page.waitForRequest((request) => request.url().endsWith(marker));
  await page.evaluate((path) => fetch(path).then((response) => response.text()), marker);
  await seen;
}

const pageviews = (capture: BeaconCapture) => capture.matching({ k: 'p' }).map((b) => new URL(String(b.u)).pathname + new URL(String(b.u)).search);

describe('pageviews', () => {
  it('sends one pageview on load with u, s, r and a JSON content type', async () => {
    const { context, beacons } = await humanWithBeacons();
    const atServer = captureBeacons(site.subscribe);
    const page = await context.newPage();
    const url = site.page('/load');
    await page.goto(url, { referer: 'https://search.example/?q=footfall' });
    const [beacon] = await beacons.waitFor({ k: 'p' });
    expect(beacon).toEqual({
      k: 'p',
      u: url,
      // The collector accepts 1-64 of [A-Za-z0-9_-].
      s: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
      r: 'https://search.example/?q=footfall',
    });
    await sentinel(page);
    expect(beacons.beacons).toHaveLength(1);
    const [received] = await atServer.waitFor({ k: 'p', u: url });
    expect(received!['content-type']).toBe('application/json');
    atServer.stop();
  });

  it('counts pushState once per path, ignores replaceState to the same path, counts back (popstate)', async () => {
    const { context, beacons } = await humanWithBeacons();
    const page = await context.newPage();
    await page.goto(site.page('/spa/a'));
    await beacons.waitFor({ k: 'p' });

    await page.evaluate(() => history.pushState({}, '', '/spa/b'));
    await beacons.waitFor({ k: 'p' }, 2);
    await page.evaluate(() => {
      history.replaceState({}, '', '/spa/b?tab=2');
      history.pushState({}, '', '/spa/b?tab=3'); // same path again: not a new page
      history.pushState({}, '', '/spa/c');
    });
    await beacons.waitFor({ k: 'p' }, 3);
    await page.goBack();
    await beacons.waitFor({ k: 'p' }, 4);
    await page.evaluate(() => {
      location.hash = '#section'; // hash routing is off: the same page
    });
    await sentinel(page);
    expect(pageviews(beacons)).toEqual(['/spa/a', '/spa/b', '/spa/c', '/spa/b?tab=3']);
    // Pageviews after the first carry no referrer, and every beacon has the tab's session.
    const [first, ...rest] = beacons.matching({ k: 'p' });
    expect(rest.every((b) => !('r' in b) && b.s === first!.s)).toBe(true);
  });

  it('does not double count astro:page-load (first load and view-transition navigations)', async () => {
    const { context, beacons } = await humanWithBeacons();
    const page = await context.newPage();
    await page.goto(site.page('/astro/a'));
    await page.evaluate(() => document.dispatchEvent(new Event('astro:page-load')));
    // Astro's ClientRouter pushes the new URL, swaps the DOM, then fires astro:page-load.
    await page.evaluate(() => {
      history.pushState({}, '', '/astro/b');
      document.dispatchEvent(new Event('astro:page-load'));
    });
    await beacons.waitFor({ k: 'p' }, 2);
    await sentinel(page);
    expect(pageviews(beacons)).toEqual(['/astro/a', '/astro/b']);
  });

  it('counts hash routes as pages when hashRouting is on', async () => {
    const { context, beacons } = await humanWithBeacons();
    const page = await context.newPage();
    await page.goto(`${site.page('/hash', { config: { hashRouting: true } })}#/home`);
    await beacons.waitFor({ k: 'p' });
    await page.evaluate(() => {
      location.hash = '#/pricing';
    });
    const views = await beacons.waitFor({ k: 'p' }, 2);
    expect(views.map((b) => new URL(String(b.u)).hash)).toEqual(['#/home', '#/pricing']);
  });

  it('keeps one session id per tab, and a new tab starts a new one', async () => {
    const { context, beacons } = await humanWithBeacons();
    const page = await context.newPage();
    await page.goto(site.page('/session/one'), { referer: 'https://elsewhere.example/' });
    await beacons.waitFor({ k: 'p' });
    await page.goto(site.page('/session/two'), { referer: 'https://elsewhere.example/' });
    await beacons.waitFor({ k: 'p' }, 2);
    const tab2 = await context.newPage();
    await tab2.goto(site.page('/session/three'));
    const [one, two, three] = await beacons.waitFor({ k: 'p' }, 3);
    expect(two!.s).toBe(one!.s);
    expect(three!.s).not.toBe(one!.s);
    // The referrer belongs to the visit's first pageview only.
    expect(one!.r).toBe('https://elsewhere.example/');
    expect(two).not.toHaveProperty('r');
  });
});

describe('events', () => {
  it('sends custom events from window.footfall(name, props)', async () => {
    const { context, beacons } = await humanWithBeacons();
    const page = await context.newPage();
    const url = site.page('/events/api');
    await page.goto(url);
    await page.evaluate(() => {
      (window as any).footfall('Signup', { plan: 'pro' });
      (window as any).footfall('Ping');
    });
    const [signup] = await beacons.waitFor({ k: 'e', n: 'Signup' });
    expect(signup).toEqual({ k: 'e', n: 'Signup', p: { plan: 'pro' }, u: url, s: expect.any(String) });
    const [ping] = await beacons.waitFor({ k: 'e', n: 'Ping' });
    expect(ping).not.toHaveProperty('p');
  });

  it('sends data-footfall-event clicks with data-footfall-prop-* props, from a child element too', async () => {
    const { context, beacons } = await humanWithBeacons();
    const page = await context.newPage();
    await page.goto(
      site.page('/events/tagged', {
        body: `<button id="buy" data-footfall-event="Buy" data-footfall-prop-plan="pro" data-footfall-prop-billing-period="yearly"><span id="label">Buy</span></button>
               <button id="plain" data-footfall-event="Open menu">Menu</button>`,
      }),
    );
    // The element's dataset goes as it is; the collector keeps the name and data-footfall-prop-*.
    await page.click('#label');
    const [buy] = await beacons.waitFor({ k: 't' });
    expect(buy!.p).toEqual({ footfallEvent: 'Buy', footfallPropPlan: 'pro', footfallPropBillingPeriod: 'yearly' });
    await page.click('#plain');
    const [, menu] = await beacons.waitFor({ k: 't' }, 2);
    expect(menu!.p).toEqual({ footfallEvent: 'Open menu' });
  });

  it('reports clicks on links to other hosts and to files, and nothing for internal pages or mailto:', async () => {
    const { context, beacons } = await humanWithBeacons();
    await context.route('https://partner.example/**', (route) => route.fulfill({ contentType: 'text/plain', body: 'elsewhere' }));
    const page = await context.newPage();
    const url = site.page('/links', {
      body: `<a id="internal" href="/links#top">top</a>
             <a id="mail" href="mailto:hi@example.com">mail</a>
             <a id="file" href="/files/report.pdf?v=2">report</a>
             <a id="out" href="https://partner.example/deal?id=7"><b>partner</b></a>`,
    });
    await page.goto(url);
    await page.click('#internal');
    await page.evaluate(() => {
      // Clicking mailto: would hand off to a mail client; dispatch the click and cancel it.
      document.getElementById('mail')!.addEventListener('click', (e) => e.preventDefault());
      document.getElementById('mail')!.click();
    });
    await page.click('#file');
    const [download] = await beacons.waitFor({ k: 'l' });
    expect(download).toMatchObject({ u: url, h: `${site.origin}/files/report.pdf?v=2` });
    await page.click('#out');
    const [, outbound] = await beacons.waitFor({ k: 'l' }, 2);
    expect(outbound).toMatchObject({ u: url, h: 'https://partner.example/deal?id=7' });
    await page.waitForURL('https://partner.example/**');
    expect(beacons.beacons.filter((b) => b.k !== 'p')).toHaveLength(2);
  });
});

describe('engaged time', () => {
  it('reports visible time every 15 s, when hidden, and before an SPA pageview, for the right page', async () => {
    const { context, beacons } = await humanWithBeacons();
    await context.clock.install();
    const page = await context.newPage();
    const url = site.page('/engaged/a');
    await page.goto(url);
    await beacons.waitFor({ k: 'p' });
    // Stop the page's clock (a jump far below the 15 s heartbeat): from here on, time only
    // moves when the test says so.
    await page.clock.pauseAt(await page.evaluate(() => Date.now() + 2_000));

    await page.clock.runFor(15_000); // the heartbeat
    const [beat] = await beacons.waitFor({ k: 'g' });
    expect(beat).toMatchObject({ u: url, g: expect.any(Number) });
    expect(beat!.g).toBeGreaterThan(0);

    await page.clock.runFor(4_000);
    await page.evaluate(() => history.pushState({}, '', '/engaged/b'));
    const [, beforeNav] = await beacons.waitFor({ k: 'g' }, 2);
    expect(beforeNav!.u).toBe(url);
    // 4 s plus whatever remained of the heartbeat period when the test paused the clock.
    expect(beforeNav!.g).toBeGreaterThanOrEqual(4_000);
    expect(beforeNav!.g).toBeLessThan(15_000);
    const views = await beacons.waitFor({ k: 'p' }, 2);
    expect(views[1]!.u).toBe(`${site.origin}/engaged/b`);
    // The engagement of page a is sent before page b's pageview.
    expect(beacons.beacons.indexOf(beforeNav!)).toBeLessThan(beacons.beacons.indexOf(views[1]!));

    await page.clock.runFor(2_500);
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      Object.defineProperty(document, 'hidden', { value: true, configurable: true });
      document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    });
    const [, , hidden] = await beacons.waitFor({ k: 'g' }, 3);
    expect(hidden).toMatchObject({ u: `${site.origin}/engaged/b`, g: 2_500 });

    // Hidden time is not engaged time: nothing is reported while the page stays hidden.
    await page.clock.runFor(30_000);
    await sentinel(page);
    expect(beacons.matching({ k: 'g' })).toHaveLength(3);
    expect(beacons.matching({ k: 'g' }).every((b) => Number.isInteger(b.g) && Number(b.g) > 0)).toBe(true);
  });

  it('reports engaged time when the tab closes (visibilitychange)', async () => {
    const context = await human();
    const atServer = captureBeacons(site.subscribe);
    await context.clock.install();
    const page = await context.newPage();
    const url = site.page('/engaged/close');
    await page.goto(url);
    const [view] = await atServer.waitFor({ k: 'p', u: url });
    await page.clock.fastForward(3_000);
    await page.close({ runBeforeUnload: true });
    const closing = await atServer.waitFor({ k: 'g', u: url, s: view!.s });
    const total = closing.reduce((sum, b) => sum + Number(b.g), 0);
    expect(total).toBeGreaterThanOrEqual(3_000);
    expect(closing.every((b) => Number(b.g) > 0)).toBe(true);
    atServer.stop();
  });
});

describe('scroll depth', () => {
  it('rides on heartbeat and hiding reports as the viewport bottom over the page height; a navigation report has none', async () => {
    const { context, beacons } = await humanWithBeacons();
    await context.clock.install();
    const page = await context.newPage();
    const url = site.page('/scroll/tall', { body: '<div style="height:4000px"></div>' });
    await page.goto(url);
    await beacons.waitFor({ k: 'p' });
    await page.clock.pauseAt(await page.evaluate(() => Date.now() + 2_000));
    const fraction = () => page.evaluate(() => (scrollY + innerHeight) / document.documentElement.scrollHeight);

    await page.evaluate(() => scrollTo(0, 1000));
    const at1000 = await fraction();
    expect(at1000).toBeGreaterThan(0.2);
    expect(at1000).toBeLessThan(0.5);
    await page.clock.runFor(15_000); // the heartbeat
    const [beat] = await beacons.waitFor({ k: 'g' });
    expect(beat).toMatchObject({ u: url, d: at1000 });

    // Scrolled to the end, then an SPA navigation: its report is page a's time, without a depth.
    await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
    await page.clock.runFor(3_000);
    await page.evaluate(() => history.pushState({}, '', '/scroll/next'));
    const [, beforeNav] = await beacons.waitFor({ k: 'g' }, 2);
    expect(beforeNav!.u).toBe(url);
    expect(beforeNav).not.toHaveProperty('d');

    // Hiding reports the depth again, for the new page.
    await page.clock.runFor(2_000);
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      Object.defineProperty(document, 'hidden', { value: true, configurable: true });
      document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    });
    const [, , hidden] = await beacons.waitFor({ k: 'g' }, 3);
    expect(hidden).toMatchObject({ u: `${site.origin}/scroll/next`, d: await fraction() });
    expect(hidden!.d).toBeCloseTo(1, 2);
  });

  it('reports a page no taller than the viewport as read to its end', async () => {
    const { context, beacons } = await humanWithBeacons();
    await context.clock.install();
    const page = await context.newPage();
    const url = site.page('/scroll/short', { body: '<p>short</p>' });
    await page.goto(url);
    await beacons.waitFor({ k: 'p' });
    await page.clock.pauseAt(await page.evaluate(() => Date.now() + 2_000));
    await page.clock.runFor(15_000);
    const [beat] = await beacons.waitFor({ k: 'g' });
    expect(beat!.u).toBe(url);
    expect(beat!.d).toBeGreaterThanOrEqual(1);
  });
});

describe('never tracks', () => {
  async function expectSilent(context: BrowserContext, url: string): Promise<Page> {
    const page = await context.newPage();
    const requests = collectorRequests(page);
    await page.goto(url);
    // Site code may still call the API: it exists and does nothing.
    await page.evaluate(() => (window as any).footfall('Signup', { plan: 'pro' }));
    await page.evaluate(() => history.pushState({}, '', `${location.pathname}/next`));
    await sentinel(page);
    expect(requests).toEqual([]);
    expect(site.received.filter((b) => String(b.u).startsWith(url))).toEqual([]);
    return page;
  }

  it('automation: navigator.webdriver is true in a default context', async () => {
    const context = track(await browser.newContext());
    await expectSilent(context, site.page('/silent/webdriver'));
  });

  it('the owner opted out with localStorage.footfall_ignore = "1"', async () => {
    const context = await human();
    await context.addInitScript(() => {
      // Init scripts also run in opaque documents (about:blank), where storage throws.
      if (location.protocol === 'http:') localStorage.setItem('footfall_ignore', '1');
    });
    await expectSilent(context, site.page('/silent/ignore'));
  });

  it('localhost and 127.x unless allowLocalhost is on', async () => {
    const context = await human();
    await expectSilent(context, site.page('/silent/local', { config: { allowLocalhost: false } }));
    await expectSilent(context, site.page('/silent/local2', { config: { allowLocalhost: false } }).replace('127.0.0.1', 'localhost'));
  });
});

describe('privacy and size', () => {
  it('never sets a cookie; stores only the session id, in sessionStorage', async () => {
    const { context, beacons } = await humanWithBeacons();
    const page = await context.newPage();
    await page.goto(site.page('/cookies', { body: '<button id="b" data-footfall-event="Click">x</button>' }));
    await page.click('#b');
    await page.evaluate(() => history.pushState({}, '', '/cookies/next'));
    await beacons.waitFor({ k: 'p' }, 2);
    await beacons.waitFor({ k: 't' });
    const storage = await page.evaluate(() => ({ cookie: document.cookie, local: localStorage.length, session: Object.keys(sessionStorage) }));
    expect(storage).toEqual({ cookie: '', local: 0, session: ['ff_s'] });
    expect(await context.cookies()).toEqual([]);
  });

  it(`default build is at most ${TRACKER_BUDGET_BYTES} bytes after gzip -9`, () => {
    const code = trackerScript({});
    const size = gzipSync(code, { level: 9 }).length;
    console.log(`tracker: ${code.length} B, gzip -9 ${size} B (budget ${TRACKER_BUDGET_BYTES} B)`);
    expect(size).toBeLessThanOrEqual(TRACKER_BUDGET_BYTES);
  });

  it('fills in only non-default config keys, escaped for an inline script', () => {
    expect(trackerScript({})).toMatch(/\(\{\}\)$/);
    expect(trackerScript({ endpoint: '/_footfall/e', allowLocalhost: false })).toBe(trackerScript({}));
    const custom = trackerScript({ endpoint: '/x</script>', allowLocalhost: true, hashRouting: true });
    expect(custom).not.toContain('</script>');
    expect(custom).toMatch(/\(\{"e":"\/x\\u003c\/script>","l":1,"h":1\}\)$/);
    expect(() => trackerScript({ endpoint: '' })).toThrow(/^@footfall\/runtime:/);
  });
});
