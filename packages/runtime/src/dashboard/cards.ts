import { escapeHtml } from '../html/escape.ts';
import { isPropertyName } from '../stats/query.ts';
import { breakdownCard, type Column } from './breakdown-card.ts';
import { flag, formatDuration, formatNumber } from './format.ts';
import { propertyLabel, TAB_LABELS, valueLabel } from './labels.ts';
import type { ViewData } from './load-view.ts';
import { CARD_TABS, filterText, viewHref, withFilter, withoutFilter, type TabCard, type ViewState } from './view-state.ts';
import type { BreakdownRow, PropertyName } from '../model/stats.ts';

const TITLES: Record<TabCard | 'events', string> = {
  sources: 'Sources', pages: 'Pages', locations: 'Locations', devices: 'Devices',
  events: 'Custom events', links: 'Outbound links & downloads',
};

const count = (label: string, pick: (r: BreakdownRow) => number, optional = false): Column => ({ label, value: (r) => formatNumber(pick(r)), optional });
const VISITORS = count('Visitors', (r) => r.visitors);

function columnsFor(property: PropertyName, card: TabCard | 'events'): Column[] {
  if (property === 'page') return [VISITORS, count('Pageviews', (r) => r.pageviews, true), { label: 'Time on page', value: (r) => formatDuration(r.time_on_page ?? 0) }];
  if (property === 'entry_page' || property === 'exit_page') return [VISITORS, count('Visits', (r) => r.visits, true)];
  if (card === 'events') return [VISITORS, count('Events', (r) => r.events)];
  if (card === 'links') return [VISITORS, count('Clicks', (r) => r.events)];
  return [VISITORS];
}

/** The filter a row adds, or undefined when the API could not parse it back (a ':' in a prop key). */
function rowFilter(property: PropertyName, value: string): string | undefined {
  return property.startsWith('prop:') && !isPropertyName(property) ? undefined : filterText(property, value);
}

/** The six breakdown cards, each showing the tab the URL selects. */
export function breakdownCards(state: ViewState, data: ViewData): string {
  const href = (property: PropertyName) => (row: BreakdownRow) => {
    const filter = rowFilter(property, row.value);
    return filter === undefined ? undefined : viewHref(state, withFilter(state, filter));
  };
  const tabCard = (card: Exclude<TabCard, 'links'>) => {
    const { property, rows } = data.cards[card];
    return breakdownCard({
      id: `card-${card}`,
      title: TITLES[card],
      tabs: CARD_TABS[card].map((tab) => ({ label: TAB_LABELS[tab]!, href: viewHref(state, { tab: [card, tab] }), current: tab === property })),
      valueHeader: propertyLabel(property),
      columns: columnsFor(property, card),
      rows,
      label: (row) => valueLabel(property, row.value),
      ...(property === 'country' ? { mark: (row: BreakdownRow) => flag(row.value) } : {}),
      href: href(property),
      empty: 'No data for this period.',
    });
  };
  return `<div class="cards">${tabCard('sources')}${tabCard('pages')}${tabCard('locations')}${tabCard('devices')}${eventsCard(state, data, href)}${linksCard(state, data, href)}</div>`;
}

type RowHref = (property: PropertyName) => (row: BreakdownRow) => string | undefined;

/** Events; with one event filtered, that event's props, one tab per key seen. */
function eventsCard(state: ViewState, data: ViewData, href: RowHref): string {
  const { property, rows, propKeys } = data.cards.events;
  const event = state.filters.find((f) => f.startsWith('event:'));
  const intro = propKeys && event
    ? `<p class="back"><a href="${escapeHtml(viewHref(state, withoutFilter(state, event)))}">← All events</a> · properties of <strong>${escapeHtml(event.slice(6))}</strong></p>`
    : '';
  return breakdownCard({
    id: 'card-events',
    title: TITLES.events,
    tabs: (propKeys ?? []).map((key) => ({ label: key, href: viewHref(state, { prop: key }), current: property === `prop:${key}` })),
    valueHeader: propKeys ? propertyLabel(property) : 'Event',
    columns: columnsFor(property, 'events'),
    rows,
    label: (row) => row.value,
    href: href(property),
    empty: 'No custom events in this period.',
    intro,
  });
}

/** Outbound link clicks or file downloads, by link address. */
function linksCard(state: ViewState, data: ViewData, href: RowHref): string {
  const { rows } = data.cards.links;
  return breakdownCard({
    id: 'card-links',
    title: TITLES.links,
    tabs: CARD_TABS.links.map((tab) => ({ label: TAB_LABELS[tab]!, href: viewHref(state, { tab: ['links', tab] }), current: tab === state.tabs.links })),
    valueHeader: 'Link',
    columns: columnsFor('prop:url', 'links'),
    rows,
    label: (row) => row.value,
    href: href('prop:url'),
    empty: state.tabs.links === 'outbound' ? 'No outbound link clicks in this period.' : 'No downloads in this period.',
  });
}
