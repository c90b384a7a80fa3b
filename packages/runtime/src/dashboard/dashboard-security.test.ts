// Access and stored XSS in real Chromium. Tracked strings are attacker input: a visitor (or
// anyone who can POST to the collector) chooses paths, referrers, UTM tags, event names and props.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { follow, injected, launchBrowser, watchedPage, type WatchedPage } from '../../../../test/support/dashboard-browser.ts';
import { startDashboardServer, type DashboardServer } from '../../../../test/support/dashboard-server.ts';
import type { BreakdownRow } from '../model/stats.ts';

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const JS = 'javascript:alert(1)';
const SVG = "'><svg onload=alert(document.domain)>";
/** Chromium logs the status of a 4xx document (the login form is a 401) as a console error. */
const EXPECTED_4XX = /status of 40[13]/;

let browser: Browser;
let open: WatchedPage | undefined;
const servers: DashboardServer[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterEach(async () => {
  const problems = open?.problems ?? [];
  await open?.close();
  open = undefined;
  for (const s of servers.splice(0)) await s.close();
  expect(problems).toEqual([]);
});
afterAll(() => browser?.close());

async function start(...args: Parameters<typeof startDashboardServer>) {
  const server = await startDashboardServer(...args);
  servers.push(server);
  return server;
}

describe('dashboard access (Chromium)', () => {
  it('asks for the password in production, signs the owner in with a strict cookie, and out', async () => {
    const server = await start({ password: 'correct horse battery' }, { days: 2, visitsPerDay: 6, seed: 3 });
    open = await watchedPage(browser, {}, EXPECTED_4XX);
    const { page } = open;
    const first = await page.goto(`${server.origin}/_analytics`);
    expect(first!.status()).toBe(401);
    expect(first!.headers()['content-security-policy']).toMatch(/^default-src 'none'; script-src 'nonce-/);
    await page.getByLabel('Password').fill('wrong password');
    await follow(page, page.getByRole('button', { name: 'Sign in' }));
    expect(await page.getByRole('alert').textContent()).toBe('Wrong password.');
    expect(await page.context().cookies()).toEqual([]);

    await page.getByLabel('Password').fill('correct horse battery');
    await follow(page, page.getByRole('button', { name: 'Sign in' }));
    expect(new URL(page.url()).pathname).toBe('/_analytics');
    expect(await page.locator('#stat-visitors .value').textContent()).toMatch(/^\d/);
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'footfall_owner', path: '/_analytics', httpOnly: true, sameSite: 'Strict' });

    await follow(page, page.getByRole('button', { name: 'Sign out' }));
    expect(await page.context().cookies()).toEqual([]);
    expect(await page.getByLabel('Password').isVisible()).toBe(true);
    expect((await page.reload())!.status()).toBe(401);
  });

  it('refuses in production without a password, saying how to set one', async () => {
    const server = await start({}, false);
    open = await watchedPage(browser, {}, EXPECTED_4XX);
    const response = await open.page.goto(`${server.origin}/_analytics`);
    expect(response!.status()).toBe(403);
    expect(await open.page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard locked');
    expect(await open.page.locator('main').textContent()).toContain('FOOTFALL_PASSWORD');
    expect((await fetch(`${server.origin}/_analytics/api/summary`)).status).toBe(403);
  });
});

describe('stored XSS (Chromium)', () => {
  /** Every value of a card as the API has it must be on the page, as text. */
  async function expectAsText(page: Page, server: DashboardServer, query: string, cardId: string) {
    const { results } = await server.api<{ results: BreakdownRow[] }>(`breakdown?${query}`);
    expect(results.length, query).toBeGreaterThan(0);
    const labels = await page.locator(`#${cardId} tbody td.v`).allTextContents();
    expect(labels, query).toEqual(results.map((r) => r.value));
    expect(await injected(page), query).toEqual([]);
  }

  it('renders script payloads in paths, referrers, UTM tags, event names and props as text', async () => {
    const server = await start({ publicDashboard: true }, false);
    const utm = new URLSearchParams({ utm_source: SCRIPT, utm_medium: JS, utm_campaign: IMG, utm_term: SVG });
    await server.send({ k: 'p', u: `https://example.com/${SCRIPT}${SVG}?${utm}`, s: 'x1', r: `https://evil.example/${IMG}` });
    await server.send({ k: 'e', u: 'https://example.com/', s: 'x1', n: SCRIPT, p: { [IMG]: JS, plan: SVG } });
    await server.send({ k: 'e', u: 'https://example.com/', s: 'x1', n: IMG, p: { note: SCRIPT } });
    await server.send({ k: 'e', u: 'https://example.com/', s: 'x1', n: 'Outbound Link: Click', p: { url: JS } });
    await server.send({ k: 'p', u: 'https://example.com/a', s: 'x2', r: JS }, '216.160.83.57');

    open = await watchedPage(browser);
    const { page } = open;
    const views: [string, string, string][] = [
      ['', 'property=source', 'card-sources'],
      ['?sources=referrer', 'property=referrer', 'card-sources'],
      ['?sources=utm_medium', 'property=utm_medium', 'card-sources'],
      ['?sources=utm_campaign', 'property=utm_campaign', 'card-sources'],
      ['', 'property=page', 'card-pages'],
      ['?pages=exit_page', 'property=exit_page', 'card-pages'],
      ['', 'property=event', 'card-events'],
      ['', `property=prop:url&filter=${encodeURIComponent('event:Outbound Link: Click')}`, 'card-links'],
      [`?filter=${encodeURIComponent(`event:${SCRIPT}`)}`, `property=${encodeURIComponent(`prop:${IMG}`)}&filter=${encodeURIComponent(`event:${SCRIPT}`)}`, 'card-events'],
      [`?filter=${encodeURIComponent(`event:${SCRIPT}`)}&prop=plan`, `property=prop:plan&filter=${encodeURIComponent(`event:${SCRIPT}`)}`, 'card-events'],
    ];
    for (const [view, query, card] of views) {
      await page.goto(`${server.origin}/_analytics${view}`);
      await expectAsText(page, server, query, card);
    }
    // Serialised, text is escaped again: a payload found verbatim would be markup.
    for (const payload of [SCRIPT, IMG, SVG]) expect(await page.content()).not.toContain(payload);

    // Filtering by a payload shows it in a chip, as text; the props of that event are its tabs.
    await page.goto(`${server.origin}/_analytics`);
    await follow(page, page.locator('#card-events tbody a', { hasText: IMG }));
    expect(await page.locator('.chip span').textContent()).toBe(`Event is ${IMG}`);
    expect(await page.locator('#card-events tbody td.v').allTextContents()).toEqual([SCRIPT]);
    await follow(page, page.getByRole('link', { name: `Remove filter: Event is ${IMG}` }));
    expect(await page.locator('.chip').count()).toBe(0);
    expect(await injected(page)).toEqual([]);
  });
});
