// Helpers for the dashboard's Chromium tests: pages that record every dialog, console error,
// CSP violation and uncaught exception, and readers that turn the rendered cards into data.
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startDashboardServer, type DashboardServer } from './dashboard-server.ts';
import { launchBrowser } from './browser.ts';

export { launchBrowser };

export interface WatchedPage {
  readonly page: Page;
  /** Dialogs (alert!), console errors (CSP violations are console errors) and page errors. */
  readonly problems: string[];
  close(): Promise<void>;
}

/**
 * A page in a fresh context. `allow` lists console errors a test expects: Chromium logs one for
 * every 4xx document (the login form answers 401).
 */
export async function watchedPage(browser: Browser, options: BrowserContextOptions = {}, allow?: RegExp): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !allow?.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return { page, problems, close: () => context.close() };
}

export interface CardRow {
  /** The row's text, without a flag. */
  readonly label: string;
  /** The filter its link adds (the link's last `filter` parameter), if it is a link. */
  readonly filter: string | undefined;
  /** The numeric cells, as shown. */
  readonly cells: readonly string[];
}

export function cardRows(page: Page, cardId: string): Promise<CardRow[]> {
  return page.locator(`#${cardId} tbody tr`).evaluateAll((rows) =>
    rows.map((tr) => {
      const cell = tr.querySelector('td.v a, td.v .label')!;
      const href = tr.querySelector('td.v a')?.getAttribute('href');
      const flag = cell.querySelector('.flag')?.textContent ?? '';
      return {
        label: (cell.textContent ?? '').slice(flag.length),
        filter: href ? new URL(href, location.href).searchParams.getAll('filter').at(-1) : undefined,
        cells: [...tr.querySelectorAll('td.n')].map((td) => td.textContent ?? ''),
      };
    }),
  );
}

export async function statText(page: Page, key: string): Promise<string> {
  return (await page.locator(`#stat-${key} .value`).textContent()) ?? '';
}

/** Clicks a link and waits for the navigation it starts, then for the new page's load. */
export async function follow(page: Page, link: ReturnType<Page['locator']>): Promise<void> {
  await Promise.all([page.waitForNavigation(), link.click()]);
}

/** Whether anything a payload could have injected exists: extra scripts, handlers, javascript: links. */
export function injected(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    if (document.scripts.length !== 1) found.push(`${document.scripts.length} scripts`);
    for (const el of document.querySelectorAll('*')) {
      for (const attr of el.getAttributeNames()) if (/^on/i.test(attr)) found.push(`<${el.localName} ${attr}>`);
      if (el.localName === 'img' || el.localName === 'iframe') found.push(`<${el.localName}>`);
      if (/^\s*javascript:/i.test(el.getAttribute('href') ?? '')) found.push(`href ${el.getAttribute('href')}`);
    }
    return found;
  });
}

/**
 * The shared set-up of a dashboard browser test file: one demo-filled server and one browser
 * for the file, a watched page per test, and no test may leave a dialog, console error or CSP
 * violation behind.
 */
export function dashboardSuite(): { readonly server: DashboardServer; readonly browser: Browser; open: WatchedPage | undefined } {
  const suite = { server: undefined as unknown as DashboardServer, browser: undefined as unknown as Browser, open: undefined as WatchedPage | undefined };
  beforeAll(async () => {
    [suite.server, suite.browser] = await Promise.all([startDashboardServer({ publicDashboard: true }), launchBrowser()]);
  });
  afterEach(async () => {
    const problems = suite.open?.problems ?? [];
    await suite.open?.close();
    suite.open = undefined;
    expect(problems).toEqual([]);
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}
