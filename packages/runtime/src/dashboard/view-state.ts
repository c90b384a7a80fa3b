import { PERIODS, type Period } from '../stats/periods.ts';
import type { PropertyName } from '../model/stats.ts';

/**
 * Everything that makes a view lives in the URL, so any view can be bookmarked and every control
 * is a plain link or GET form: the API's own parameters (period, from, to, filter) plus the
 * dashboard's (compare, one tab per card, the selected event prop).
 */
export const CARD_TABS = {
  sources: ['source', 'referrer', 'utm_medium', 'utm_source', 'utm_campaign'],
  pages: ['page', 'entry_page', 'exit_page'],
  locations: ['country', 'region', 'city'],
  devices: ['browser', 'os', 'device'],
  links: ['outbound', 'downloads'],
} as const satisfies Record<string, readonly string[]>;

export type TabCard = keyof typeof CARD_TABS;
export const TAB_CARDS = Object.keys(CARD_TABS) as TabCard[];

/** The events behind the links card's tabs (the tracker's link beacons become these). */
export const LINK_EVENTS = { outbound: 'Outbound Link: Click', downloads: 'File Download' } as const;

export interface ViewState {
  /** The dashboard page's path as the host serves it (see urls.ts); every view link starts with it. */
  readonly base: string;
  readonly period: Period;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly compare: boolean;
  /** Raw `property:value` strings, as in the URL, in order. */
  readonly filters: readonly string[];
  readonly tabs: { readonly [C in TabCard]: (typeof CARD_TABS)[C][number] };
  /** The events card's selected prop key, when one event is filtered. */
  readonly prop: string | undefined;
}

export function readViewState(base: string, params: URLSearchParams): ViewState {
  const raw = params.get('period');
  const period = PERIODS.includes(raw as Period) ? (raw as Period) : '30d';
  const tabs = Object.fromEntries(TAB_CARDS.map((card) => {
    const value = params.get(card);
    const allowed: readonly string[] = CARD_TABS[card];
    return [card, value && allowed.includes(value) ? value : allowed[0]];
  })) as unknown as ViewState['tabs'];
  return {
    base,
    period,
    from: period === 'custom' ? params.get('from') ?? undefined : undefined,
    to: period === 'custom' ? params.get('to') ?? undefined : undefined,
    compare: params.get('compare') !== 'off',
    filters: params.getAll('filter'),
    tabs,
    prop: params.get('prop') ?? undefined,
  };
}

export interface Change {
  period?: Period;
  from?: string;
  to?: string;
  compare?: boolean;
  filters?: readonly string[];
  tab?: readonly [TabCard, string];
  prop?: string | undefined;
}

/** The API's parameters for this view (period, from, to, filters): for the CSV and the script. */
export function apiParams(state: ViewState): URLSearchParams {
  const params = new URLSearchParams({ period: state.period });
  if (state.period === 'custom' && state.from && state.to) {
    params.set('from', state.from);
    params.set('to', state.to);
  }
  for (const filter of state.filters) params.append('filter', filter);
  return params;
}

/** A link to this view with some of it changed. Defaults stay out of the URL, so links are short. */
export function viewHref(state: ViewState, change: Change = {}): string {
  const next: ViewState = {
    ...state,
    ...('period' in change ? { period: change.period!, from: change.from, to: change.to } : {}),
    ...('compare' in change ? { compare: change.compare! } : {}),
    ...('filters' in change ? { filters: change.filters! } : {}),
    ...('prop' in change ? { prop: change.prop } : {}),
    tabs: change.tab ? { ...state.tabs, [change.tab[0]]: change.tab[1] } : state.tabs,
  };
  const params = apiParams(next);
  if (params.get('period') === '30d') params.delete('period');
  if (!next.compare) params.set('compare', 'off');
  for (const card of TAB_CARDS) if (next.tabs[card] !== CARD_TABS[card][0]) params.set(card, next.tabs[card]);
  if (next.prop !== undefined) params.set('prop', next.prop);
  const query = params.toString();
  return query ? `${state.base}?${query}` : state.base;
}

/** `filter=property:value` as the API splits it: props are `prop:key:value`. */
export function filterText(property: PropertyName, value: string): string {
  return `${property}:${value}`;
}

/** Adds a filter (once); a new event filter drops the selected prop, which belonged to another event. */
export function withFilter(state: ViewState, filter: string): Change {
  if (state.filters.includes(filter)) return {};
  return { filters: [...state.filters, filter], ...(filter.startsWith('event:') ? { prop: undefined } : {}) };
}

export function withoutFilter(state: ViewState, filter: string): Change {
  return { filters: state.filters.filter((f) => f !== filter), ...(filter.startsWith('event:') ? { prop: undefined } : {}) };
}
