// base: '/docs' with trailingSlash 'always' (fixture base-path) and 'never' (base-path-never).
// Astro serves every route under the base and insists on its slash style: the built server
// redirects the other spelling (a 301 turns a POSTed form into a GET), `astro dev` answers 404.
// So the tracker and every URL the dashboard writes must be spelled the site's way; the owner's
// visit is driven in Chromium with a password set, the dev server is asked for every link.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../../test/support/browser.ts';
import { walkDashboard } from '../../../test/support/dashboard-walk.ts';
import { buildFixture, FIXTURES, getJson, postBeacon, startBuiltServer, startServer, type RunningServer } from '../../../test/support/astro-sites.ts';

const PASSWORD = 'correct horse battery';
const DEV_ENTRY = fileURLToPath(new URL('../../../test/support/astro-dev-entry.mjs', import.meta.url));

const SITES = [
  { fixture: 'base-path', trailingSlash: 'always', slash: '/' },
  { fixture: 'base-path-never', trailingSlash: 'never', slash: '' },
] as const;

let temp: string;
let browser: Browser;
const servers: RunningServer[] = [];

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), 'footfall-astro-base-'));
  browser = await launchBrowser();
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await browser?.close();
  await rm(temp, { recursive: true, force: true });
});

async function started(server: Promise<RunningServer>): Promise<RunningServer> {
  servers.push(await server);
  return servers.at(-1)!;
}

/** A visit to the home page and one to another page, from a search engine, through the tracker's URL. */
async function seed(server: RunningServer, collector: string, home: string): Promise<void> {
  for (const [path, s] of [
    [home, 'visit1'],
    [`${home}${home.endsWith('/') ? '' : '/'}guide`, 'visit2'],
  ] as const) {
    const response = await postBeacon(server.url, { k: 'p', u: `${server.url}${path}`, s, r: 'https://www.google.com/' }, collector);
    expect(response.status, server.output()).toBe(202);
    expect(response.headers.get('x-footfall-dropped')).toBeNull();
  }
}

describe.each(SITES)('a site under /docs with trailingSlash $trailingSlash', ({ fixture, slash }) => {
  const home = `/docs${slash}`;
  const collector = `/docs/_footfall/e${slash}`;
  const dashboard = `/docs/_analytics${slash}`;
  let root: string;

  beforeAll(async () => {
    root = await buildFixture(fixture);
  });

  it('writes the collector address into the tracker in the site style', async () => {
    const html = await readFile(join(root, 'dist/client/index.html'), 'utf8');
    expect(html).toContain(`"e":"${collector}"`);
  });

  describe('public dashboard', () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await started(startBuiltServer(join(root, 'dist/server/entry.mjs'), { FOOTFALL_DATA_DIR: join(temp, `${fixture}-public`), FOOTFALL_PUBLIC_DASHBOARD: 'true' }));
    });

    it('accepts the beacon where the tracker sends it and counts it', async () => {
      const response = await postBeacon(server.url, { k: 'p', u: `${server.url}${home}`, s: 'abc123' }, collector);
      expect(response.status, server.output()).toBe(202);
      const summary = await getJson(`${server.url}/docs/_analytics/api/summary${slash}?period=today`);
      expect(summary).toMatchObject({ visitors: 1, pageviews: 1 });
    });

    it('serves the dashboard and the privacy page under the base', async () => {
      expect((await fetch(`${server.url}${dashboard}`)).status).toBe(200);
      expect((await fetch(`${server.url}/docs/_footfall/privacy${slash}`)).status).toBe(200);
    });
  });

  // About twenty page loads in Chromium: on a 2-core machine that is also building other sites,
  // each can take seconds, so the walk gets more than the default minute (each step still has
  // its own 15 s limit, so a missing link fails fast).
  it('lets the owner sign in, follow every kind of link, export and sign out, with no 404 and no redirect (Chromium)', { timeout: 180_000 }, async () => {
    const server = await started(startBuiltServer(join(root, 'dist/server/entry.mjs'), { FOOTFALL_DATA_DIR: join(temp, `${fixture}-owner`), FOOTFALL_PASSWORD: PASSWORD }));
    await seed(server, collector, home);
    const walk = await walkDashboard(browser, `${server.url}${dashboard}`, PASSWORD);
    expect(walk.problems, JSON.stringify(walk.hops, null, 1)).toEqual([]);
    const login = walk.hops.find((hop) => hop.method === 'POST' && hop.url.includes('/login'));
    expect(login).toEqual({ method: 'POST', status: 303, url: `${server.url}/docs/_analytics/login${slash}` });
  });

  it('works in `astro dev`: the dashboard and every address it writes answer 200', async () => {
    const server = await started(startServer(DEV_ENTRY, { NODE_ENV: 'development', FOOTFALL_DATA_DIR: join(temp, `${fixture}-dev`) }, [join(FIXTURES, fixture)], 120_000));
    await seed(server, collector, home);
    const page = await fetch(`${server.url}${dashboard}`, { redirect: 'manual' });
    expect(page.status, server.output()).toBe(200);
    const html = await page.text();
    const urls = new Set([...html.matchAll(/(?:href|action|data-src)="(\/[^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&')));
    expect([...urls].some((url) => url.includes('export.csv'))).toBe(true);
    expect(urls.size).toBeGreaterThan(20);
    const answers = await Promise.all([...urls].map(async (url) => `${(await fetch(`${server.url}${url}`, { redirect: 'manual' })).status} ${url}`));
    expect(answers.filter((answer) => !answer.startsWith('200 '))).toEqual([]);
  });
});
