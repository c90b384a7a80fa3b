import { escapeHtml } from '../html/escape.ts';
import type { PrivacyFacts } from '../privacy/statement.ts';
import { breakdownCards } from './cards.ts';
import { CLIENT_SCRIPT } from './client-script.ts';
import { emptyState } from './empty-state.ts';
import { filterChips } from './filter-chips.ts';
import { formatNumber, rangeLabel } from './format.ts';
import { documentHtml, LOGO } from './layout.ts';
import type { ViewData } from './load-view.ts';
import { mainChart } from './main-chart.ts';
import { PERIOD_LABELS, toolbar } from './period-picker.ts';
import { privacyPanel } from './privacy-panel.ts';
import { topStats } from './top-stats.ts';
import type { DashboardUrls } from './urls.ts';
import type { ViewState } from './view-state.ts';

export interface DashboardPage {
  readonly nonce: string;
  readonly state: ViewState;
  readonly data: ViewData;
  /** The request's hostname: the title when no event stored the site's own (paranoid mode). */
  readonly site: string;
  readonly privacy: PrivacyFacts;
  readonly urls: DashboardUrls;
  readonly timezone: string;
  /** A password protects the dashboard, so there is a session to end. */
  readonly signOut: boolean;
}

/** The whole dashboard: header, period toolbar, filters, top stats and chart, cards, privacy. */
export function dashboardPage(p: DashboardPage): string {
  const { state, data } = p;
  const { urls } = p;
  const site = data.hostname ?? p.site;
  const signOut = p.signOut ? `<form method="post" action="${escapeHtml(urls.logout)}"><button type="submit">Sign out</button></form>` : '';
  const header = `<a class="skip" href="#main">Skip to the statistics</a><header class="top"><div class="wrap">`
    + `<p class="brand">${LOGO}<span>Footfall</span></p><h1>${escapeHtml(site)}<span class="sr-only"> analytics</span></h1>`
    + `<p class="live"><span class="pulse" aria-hidden="true"></span><span>Current visitors: <strong data-realtime data-src="${escapeHtml(urls.realtime)}">${formatNumber(data.realtime)}</strong></span></p>`
    + `${signOut}</div></header>`;
  const comparing = data.previous !== undefined;
  const overview = `<section class="overview" aria-labelledby="overview-title"><h2 id="overview-title">${PERIOD_LABELS[data.range.period]} `
    + `<span class="muted">· ${escapeHtml(rangeLabel(data.range.firstDay, data.range.lastDay))}${comparing ? ', compared with the previous period' : ''}</span></h2>`
    + `${topStats(data.summary, data.previous)}${mainChart({ intervals: data.intervals, series: data.series, previous: data.previousSeries, now: data.now })}</section>`;
  const main = data.hasData
    ? `<main id="main" class="wrap">${filterChips(state)}${overview}${breakdownCards(state, data)}${privacyPanel(p.privacy, urls.privacy)}</main>`
    : `<main id="main" class="wrap" data-empty>${emptyState(urls.collector)}${privacyPanel(p.privacy, urls.privacy)}</main>`;
  const footer = `<footer class="wrap"><p>Footfall: cookieless analytics served by this site’s own server. Days and hours in ${escapeHtml(p.timezone)}.</p></footer>`;
  return documentHtml({
    nonce: p.nonce,
    title: `${site}: ${PERIOD_LABELS[data.range.period]} · site analytics`,
    body: `${header}${data.hasData ? toolbar(state, data.range, urls.exportCsv) : ''}${main}${footer}`,
    script: CLIENT_SCRIPT,
  });
}

/** A view address the API cannot parse (a typo'd filter, a bad date): say what, offer a way back. */
export function badViewPage(nonce: string, page: string, error: string): string {
  return documentHtml({
    nonce,
    title: 'Invalid view: site analytics',
    body: `<main class="center"><div class="login panel notice"><p class="brand">${LOGO}Footfall</p><h1>This view cannot be shown</h1>`
      + `<p>${escapeHtml(error)}</p><p><a href="${escapeHtml(page)}">Back to the last 30 days</a></p></div></main>`,
  });
}
