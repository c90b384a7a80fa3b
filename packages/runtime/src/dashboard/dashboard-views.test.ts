// The dashboard's controls in real Chromium: row filters and chips, periods, the comparison,
// the custom range form, the CSV export, and the screenshots the README shows.
import { mkdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cardRows, follow, statText, dashboardSuite, watchedPage } from '../../../../test/support/dashboard-browser.ts';
import type { Summary } from '../stats/summary.ts';
import { change, formatNumber } from './format.ts';

const SCREENSHOTS = new URL('../../../../docs/screenshots/', import.meta.url);

const suite = dashboardSuite();

async function visit(path: string, options = {}) {
  suite.open = await watchedPage(suite.browser, options);
  await suite.open.page.goto(`${suite.server.origin}${path}`);
  return suite.open.page;
}

const summary = (query: string) => suite.server.api<Summary & { previous: Summary }>(`summary?${query}`);
const filtersOf = (url: string) => new URL(url).searchParams.getAll('filter');

describe('dashboard views (Chromium)', () => {
  it('filters the page by a clicked row, combines filters, and removes one with its chip', async () => {
    const page = await visit('/_analytics');
    const all = await summary('period=30d');
    await follow(page, page.locator('#card-sources tbody a', { hasText: /^Google$/ }));
    expect(filtersOf(page.url())).toEqual(['source:Google']);
    const google = await summary('period=30d&filter=source:Google');
    expect(google.visitors).toBeLessThan(all.visitors);
    expect(await statText(page, 'visitors')).toBe(formatNumber(google.visitors));
    expect(await page.locator('.chip').allTextContents()).toEqual(['Source is Google×']);

    const [country] = await cardRows(page, 'card-locations');
    await follow(page, page.locator('#card-locations tbody a').first());
    expect(filtersOf(page.url())).toEqual(['source:Google', country!.filter]);
    const both = await summary(`period=30d&filter=source:Google&filter=${encodeURIComponent(country!.filter!)}`);
    expect(both.visitors).toBeLessThan(google.visitors);
    expect(await statText(page, 'visitors')).toBe(formatNumber(both.visitors));
    expect(await statText(page, 'pageviews')).toBe(formatNumber(both.pageviews));
    expect(await page.locator('.chip').count()).toBe(2);

    await follow(page, page.getByRole('link', { name: 'Remove filter: Source is Google' }));
    expect(filtersOf(page.url())).toEqual([country!.filter]);
    const only = await summary(`period=30d&filter=${encodeURIComponent(country!.filter!)}`);
    expect(await statText(page, 'visitors')).toBe(formatNumber(only.visitors));
  });

  it('shows goal conversions and filters the whole page by a clicked goal', async () => {
    const page = await visit('/_analytics');
    type Goal = { value: string; visitors: number; events: number; conversion_rate: number; revenue?: number };
    const goals = (await suite.server.api<{ results: Goal[] }>('breakdown?property=goal&period=30d')).results;
    // The demo's goals all convert in 30 days: an event, an event with revenue, two page patterns.
    expect(goals.map((g) => g.value).sort()).toEqual(['Purchase', 'Signup', 'Visit /blog/*', 'Visit /docs/**']);
    const rows = await cardRows(page, 'card-goals');
    expect(rows.map((r) => r.label)).toEqual(goals.map((g) => g.value));
    const purchase = goals.find((g) => g.value === 'Purchase')!;
    expect(purchase.revenue).toBeGreaterThan(0);
    const row = rows.find((r) => r.label === 'Purchase')!;
    expect(row.filter).toBe('goal:Purchase');
    expect(row.cells.slice(0, 3)).toEqual([formatNumber(purchase.visitors), formatNumber(purchase.events), `${purchase.conversion_rate}%`]);

    await follow(page, page.locator('#card-goals tbody a', { hasText: /^Purchase$/ }));
    expect(filtersOf(page.url())).toEqual(['goal:Purchase']);
    expect(await page.locator('.chip').allTextContents()).toEqual(['Goal is Purchase×']);
    const filtered = await summary('period=30d&filter=goal:Purchase');
    expect(filtered.visitors).toBe(purchase.visitors);
    expect(await statText(page, 'visitors')).toBe(formatNumber(purchase.visitors));
    expect(await cardRows(page, 'card-goals')).toHaveLength(1);
  });

  it('changes the numbers with the period, shows the comparison, and takes a custom range', async () => {
    const page = await visit('/_analytics');
    const month = await summary('period=30d');
    await follow(page, page.getByRole('link', { name: 'Last 7 days' }));
    expect(new URL(page.url()).searchParams.get('period')).toBe('7d');
    const week = await summary('period=7d');
    expect(week.visitors).toBeLessThan(month.visitors);
    expect(await statText(page, 'visitors')).toBe(formatNumber(week.visitors));
    expect(await page.getByRole('link', { name: 'Last 7 days' }).getAttribute('aria-current')).toBe('true');

    const expected = change(week.visitors, week.previous.visitors, 'count');
    expect(expected.direction).not.toBe('flat');
    const chg = page.locator('#stat-visitors .chg');
    expect(await chg.textContent()).toContain(expected.text);
    expect(await chg.textContent()).toContain(`${expected.direction} from ${formatNumber(week.previous.visitors)} in the previous period`);
    expect(await page.locator('.legend').textContent()).toContain('previous period');
    expect(await page.locator('#chart path.previous').count()).toBe(1);

    await follow(page, page.getByRole('link', { name: 'Hide comparison' }));
    expect(new URL(page.url()).searchParams.get('compare')).toBe('off');
    expect(await page.locator('.chg').count()).toBe(0);
    expect(await page.locator('#chart path.previous').count()).toBe(0);

    await page.locator('.custom summary').click();
    await page.locator('#from').fill('2026-02-10');
    await page.locator('#to').fill('2026-02-20');
    await follow(page, page.getByRole('button', { name: 'Apply' }));
    const params = new URL(page.url()).searchParams;
    expect([params.get('period'), params.get('from'), params.get('to'), params.get('compare')]).toEqual(['custom', '2026-02-10', '2026-02-20', 'off']);
    const custom = await summary('period=custom&from=2026-02-10&to=2026-02-20');
    expect(custom.visitors).toBeGreaterThan(0);
    expect(await statText(page, 'visitors')).toBe(formatNumber(custom.visitors));
    expect(await page.locator('#chart tbody tr').count()).toBe(11);
  });

  it('downloads the current view as CSV with a safe file name', async () => {
    const page = await visit('/_analytics?period=7d&filter=source%3AGoogle');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('footfall-7d-2026-03-04-2026-03-10.csv');
    const lines = readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(lines[0]).toBe('section,value,visitors,visits,pageviews,events,views_per_visit,bounce_rate,visit_duration,scroll_depth,conversion_rate,revenue,average_revenue');
    const week = await summary('period=7d&filter=source:Google');
    expect(lines[1]).toMatch(new RegExp(`^summary,2026-03-04\\.\\.2026-03-10,${week.visitors},${week.visits},${week.pageviews},`));
    // The view's goal conversions, as the API answers them.
    const goals = (await suite.server.api<{ results: { value: string; visitors: number; conversion_rate: number }[] }>('breakdown?property=goal&period=7d&filter=source:Google'))
      .results;
    expect(goals.length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.startsWith('goal,')).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(goals.map((g) => `goal,${g.value},${g.visitors}`));
    const head = await page.request.get(
      await page
        .getByRole('link', { name: 'Export CSV' })
        .getAttribute('href')
        .then((h) => new URL(h!, page.url()).href),
    );
    expect(head.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(head.headers()['content-disposition']).toBe('attachment; filename="footfall-7d-2026-03-04-2026-03-10.csv"');
  });

  it('writes light and dark screenshots, desktop and phone, with nothing wider than a phone', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const [device, viewport] of [
        ['desktop', { width: 1280, height: 900 }],
        ['phone', { width: 390, height: 844 }],
      ] as const) {
        const page = await visit('/_analytics', { colorScheme, viewport, deviceScaleFactor: 1 });
        const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        expect(background).toBe(colorScheme === 'dark' ? 'rgb(15, 17, 21)' : 'rgb(245, 246, 248)');
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
        await page.screenshot({ path: new URL(`dashboard-${colorScheme}-${device}.png`, SCREENSHOTS).pathname, fullPage: device === 'desktop' });
        const problems = suite.open!.problems.splice(0);
        await suite.open!.close();
        suite.open = undefined;
        expect(problems).toEqual([]);
      }
    }
  });
});
