// The dashboard in real Chromium over demo traffic sent through the collector: every number the
// page shows is compared with what the JSON API answers for the same view.
import { describe, expect, it } from 'vitest';
import { cardRows, follow, statText, dashboardSuite, watchedPage } from '../../../../test/support/dashboard-browser.ts';
import type { Summary } from '../stats/summary.ts';
import { formatDuration, formatMetric, formatNumber, formatScrollDepth, intervalLabel } from './format.ts';
import { CARDS } from './cards/index.ts';
import { LINK_EVENTS } from './cards/links.ts';
import { METRICS } from './top-stats.ts';
import type { BreakdownRow, SeriesPoint } from '../model/stats.ts';

const suite = dashboardSuite();

async function visit(path: string) {
  suite.open = await watchedPage(suite.browser);
  await suite.open.page.goto(`${suite.server.origin}${path}`);
  return suite.open.page;
}

const breakdown = async (property: string, filters: string[] = []) => {
  const params = new URLSearchParams({ property, limit: '10' });
  for (const f of filters) params.append('filter', f);
  return (await suite.server.api<{ results: BreakdownRow[] }>(`breakdown?${params}`)).results;
};

/** The cells a card shows for an API row, in column order. */
function expectedCells(card: string, property: string, row: BreakdownRow): string[] {
  if (property === 'page') return [formatNumber(row.visitors), formatNumber(row.pageviews), formatDuration(row.time_on_page ?? 0), formatScrollDepth(row.scroll_depth)];
  if (property === 'entry_page' || property === 'exit_page') return [formatNumber(row.visitors), formatNumber(row.visits)];
  if (card === 'events' || card === 'links') return [formatNumber(row.visitors), formatNumber(row.events)];
  return [formatNumber(row.visitors)];
}

async function expectCard(page: Awaited<ReturnType<typeof visit>>, card: string, property: string, apiFilters: string[] = []) {
  const api = await breakdown(property, apiFilters);
  expect(api.length, `${card}/${property} has demo data`).toBeGreaterThan(0);
  // The demo's engagement reports carry scroll depths: every top page shows one.
  if (property === 'page') expect(api.every((r) => typeof r.scroll_depth === 'number' && r.scroll_depth > 0 && r.scroll_depth <= 100)).toBe(true);
  const rows = await cardRows(page, `card-${card}`);
  expect(
    rows.map((r) => r.filter),
    `${card}/${property} values`,
  ).toEqual(api.map((r) => `${property}:${r.value}`));
  expect(
    rows.map((r) => r.cells),
    `${card}/${property} numbers`,
  ).toEqual(api.map((r) => expectedCells(card, property, r)));
  if (property !== 'country') expect(rows.map((r) => r.label)).toEqual(api.map((r) => r.value));
}

describe('dashboard numbers (Chromium)', () => {
  it('shows the summary, the chart and the realtime count the API returns', async () => {
    const page = await visit('/_analytics');
    const summary = await suite.server.api<Summary & { previous: Summary }>('summary?period=30d');
    expect(summary.visitors).toBeGreaterThan(50);
    for (const m of METRICS) expect(await statText(page, m.key), m.key).toBe(formatMetric(summary[m.key], m.kind));
    for (const m of METRICS) {
      expect(await page.locator(`#stat-${m.key} .chg`).getAttribute('title')).toBe(`Previous period: ${formatMetric(summary.previous[m.key], m.kind)}`);
    }
    const series = (await suite.server.api<{ results: SeriesPoint[] }>('timeseries?period=30d')).results;
    const table = await page.locator('#chart tbody tr').evaluateAll((rows) => rows.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(table).toEqual(series.map((p) => [intervalLabel(p.date, true), formatNumber(p.visitors), formatNumber(p.pageviews), expect.any(String)]));
    const realtime = await suite.server.api<{ visitors: number }>('realtime');
    expect(realtime.visitors).toBeGreaterThan(0);
    expect(await page.locator('[data-realtime]').textContent()).toBe(formatNumber(realtime.visitors));
  });

  it('renders every tab of every card with the API breakdown of the same view', async () => {
    const page = await visit('/_analytics');
    for (const { id: card, tabs } of CARDS) {
      for (const [i, tab] of tabs.entries()) {
        if (i > 0) await follow(page, page.locator(`#card-${card} .tabs a`, { hasText: tab.label }));
        if (card === 'links') await expectCard(page, card, 'prop:url', [`event:${LINK_EVENTS[tab.id as keyof typeof LINK_EVENTS]}`]);
        else await expectCard(page, card, tab.id);
      }
    }
    const flags = await page.locator('#card-locations .flag').count();
    expect(flags).toBe(0); // Cities tab: no flags; the Countries tab has them (checked below)
    await follow(page, page.locator('#card-locations .tabs a', { hasText: 'Countries' }));
    expect(await page.locator('#card-locations tbody tr').first().textContent()).toMatch(/^\p{Regional_Indicator}{2}United States/u);
  });

  it('lists custom events, then the props of the event clicked', async () => {
    const page = await visit('/_analytics');
    await expectCard(page, 'events', 'event');
    await follow(page, page.locator('#card-events tbody a', { hasText: /^Copy code$/ }));
    expect(new URL(page.url()).searchParams.getAll('filter')).toEqual(['event:Copy code']);
    // Both keys ride on every "Copy code" event: equally used, so by name.
    expect(await page.locator('#card-events .tabs a').allTextContents()).toEqual(['language', 'snippet']);
    await expectCard(page, 'events', 'prop:language', ['event:Copy code']);
    await follow(page, page.locator('#card-events .tabs a', { hasText: 'snippet' }));
    await expectCard(page, 'events', 'prop:snippet', ['event:Copy code']);
    await follow(page, page.locator('#card-events .back a'));
    expect(new URL(page.url()).searchParams.getAll('filter')).toEqual([]);
    await expectCard(page, 'events', 'event');
  });

  it('shows chart values on hover and with the keyboard', async () => {
    const page = await visit('/_analytics?period=7d');
    const series = (await suite.server.api<{ results: SeriesPoint[] }>('timeseries?period=7d')).results;
    const tip = page.locator('#chart .tip');
    await page.locator('#chart .pt').nth(2).hover();
    await expect.poll(() => tip.textContent()).toContain(`${intervalLabel(series[2]!.date, true)}: ${formatNumber(series[2]!.visitors)} visitors`);
    await page.locator('#chart .pt[tabindex="0"]').focus();
    await expect.poll(() => tip.textContent()).toContain(intervalLabel(series[6]!.date, true));
    await page.keyboard.press('ArrowLeft');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-i'))).toBe('5');
    await expect.poll(() => tip.textContent()).toContain(`${intervalLabel(series[5]!.date, true)}: ${formatNumber(series[5]!.visitors)} visitors`);
    expect(await tip.isVisible()).toBe(true);
  });

  it('refreshes the current visitors every 30 seconds', async () => {
    suite.open = await watchedPage(suite.browser);
    const { page } = suite.open!;
    await page.clock.install();
    await page.goto(`${suite.server.origin}/_analytics`);
    const before = (await suite.server.api<{ visitors: number }>('realtime')).visitors;
    await suite.server.send({ k: 'p', u: 'https://example.com/pricing', s: 'latecomer' }, '89.160.20.200');
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/_analytics/api/realtime'));
    await page.clock.fastForward(30_000);
    expect(await (await refreshed).json()).toEqual({ visitors: before + 1 });
    await expect.poll(() => page.locator('[data-realtime]').textContent()).toBe(formatNumber(before + 1));
  });
});
