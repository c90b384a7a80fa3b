import { html, type SafeHtml } from '../html/template.ts';
import { DEFAULT_PERIOD, type Query } from '../model/query.ts';
import type { PrivacyFacts } from '../privacy/statement.ts';
import { cardView } from './cards/card.ts';
import { CARDS } from './cards/index.ts';
import { clientScript } from './client-script.ts';
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
  readonly query: Query;
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
export function dashboardPage(p: DashboardPage): SafeHtml {
  const { state, data, urls } = p;
  const site = data.hostname ?? p.site;
  const signOut = p.signOut && html`<form method="post" action="${urls.logout}"><button type="submit">Sign out</button></form>`;
  const live = html`<p class="live"><span class="pulse" aria-hidden="true"></span><span>Current visitors: <strong data-realtime data-src="${urls.realtime}">${formatNumber(data.realtime)}</strong></span></p>`;
  const header = html`<a class="skip" href="#main">Skip to the statistics</a><header class="top"><div class="wrap"><p class="brand">${LOGO}<span>Footfall</span></p><h1>${site}<span class="sr-only"> analytics</span></h1>${live}${signOut}</div></header>`;
  const comparing = data.previous !== undefined;
  const title = html`<h2 id="overview-title">${PERIOD_LABELS[data.range.period]} <span class="muted">· ${rangeLabel(data.range.firstDay, data.range.lastDay)}${comparing && ', compared with the previous period'}</span></h2>`;
  const chart = mainChart({ intervals: data.intervals, series: data.series, previous: data.previousSeries, now: data.now });
  const overview = html`<section class="overview" aria-labelledby="overview-title">${title}${topStats(data.summary, data.previous)}${chart}</section>`;
  const cards = html`<div class="cards">${CARDS.map((card) => card.render(cardView(card, state, p.query), data.cards.get(card.id)!))}</div>`;
  const main = data.hasData
    ? html`<main id="main" class="wrap">${filterChips(state)}${overview}${cards}${privacyPanel(p.privacy, urls.privacy)}</main>`
    : html`<main id="main" class="wrap" data-empty>${emptyState(urls.collector)}${privacyPanel(p.privacy, urls.privacy)}</main>`;
  const footer = html`<footer class="wrap"><p>Footfall: cookieless analytics served by this site’s own server. Days and hours in ${p.timezone}.</p></footer>`;
  return documentHtml({
    nonce: p.nonce,
    title: `${site}: ${PERIOD_LABELS[data.range.period]} · site analytics`,
    body: html`${header}${data.hasData && toolbar(state, data.range, urls.exportCsv)}${main}${footer}`,
    script: clientScript(),
  });
}

/** A view address the API cannot parse (a typo'd filter, a bad date): say what, offer a way back. */
export function badViewPage(nonce: string, page: string, error: string): SafeHtml {
  return documentHtml({
    nonce,
    title: 'Invalid view: site analytics',
    body: html`<main class="center"><div class="login panel notice"><p class="brand">${LOGO}Footfall</p><h1>This view cannot be shown</h1><p>${error}</p><p><a href="${page}">Back to the ${PERIOD_LABELS[DEFAULT_PERIOD].toLowerCase()}</a></p></div></main>`,
  });
}
