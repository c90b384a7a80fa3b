// The Funnels card in real Chromium, on the demo's traffic and funnels: each funnel's steps with
// the API's numbers, a second funnel picked by its disclosure, and the page's filters applied.
import { describe, expect, it } from 'vitest';
import { dashboardSuite, follow, watchedPage } from '../../../../test/support/dashboard-browser.ts';
import type { FunnelAnswer } from '../stats/funnels.ts';
import { formatNumber } from './format.ts';
import type { Page } from 'playwright-core';

const suite = dashboardSuite();

async function visit(path: string) {
  suite.open = await watchedPage(suite.browser);
  await suite.open.page.goto(`${suite.server.origin}${path}`);
  return suite.open.page;
}

/** What a funnel's table shows, step by step, as text (only visible rows: a closed funnel shows none). */
async function shownSteps(page: Page, funnel: string): Promise<string[][]> {
  const rows = page.locator(`#card-funnels details[data-funnel="${funnel}"] tbody tr`);
  await rows.first().waitFor({ state: 'visible' });
  return rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
}

const expected = (answer: FunnelAnswer) =>
  answer.steps.map((s, k) => [`${k + 1}. ${s.name}`, formatNumber(s.visitors), `${s.conversion_rate}%`, k === 0 ? '' : `${formatNumber(s.dropoff)} (${s.dropoff_rate}%)`]);

describe('the Funnels card (Chromium)', () => {
  it("shows every step of the demo's funnels with the API's numbers, under the page's filters", async () => {
    const page = await visit('/_analytics?period=30d');
    const blog = await suite.server.api<FunnelAnswer>('funnel?name=Blog%20to%20signup&period=30d');
    // The demo's traffic gets through every step: the numbers are real, not zeros.
    expect(
      blog.steps.map((s) => s.visitors).every((n) => n > 0),
      JSON.stringify(blog),
    ).toBe(true);
    expect(await page.locator('#card-funnels summary').allTextContents()).toEqual([
      `Blog to signup: ${formatNumber(blog.entered)} entered`,
      expect.stringMatching(/^Checkout: [\d,]+ entered$/),
    ]);
    expect(await shownSteps(page, 'Blog to signup')).toEqual(expected(blog));

    // The second funnel opens on a click on its summary.
    const checkout = await suite.server.api<FunnelAnswer>('funnel?name=Checkout&period=30d');
    expect(checkout.steps[1]!.visitors, JSON.stringify(checkout)).toBeGreaterThan(0);
    await expect(page.locator('#card-funnels details[data-funnel="Checkout"] tbody tr').first().isVisible()).resolves.toBe(false);
    await page.locator('#card-funnels summary', { hasText: 'Checkout' }).click();
    expect(await shownSteps(page, 'Checkout')).toEqual(expected(checkout));

    // A row filter of another card narrows the funnel too.
    await follow(page, page.locator('#card-sources tbody a', { hasText: /^Google$/ }));
    const google = await suite.server.api<FunnelAnswer>('funnel?name=Blog%20to%20signup&period=30d&filter=source:Google');
    expect(google.entered).toBeLessThan(blog.entered);
    expect(await shownSteps(page, 'Blog to signup')).toEqual(expected(google));
  });
});
