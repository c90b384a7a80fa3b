import { DEFAULT_PERIOD, type Period, type Query, type QueryFilter } from '../model/query.ts';
import { filterParam } from '../stats/query.ts';

/** A card whose tab the URL selects (`?sources=referrer`); its first tab is the default. */
export interface TabbedCard {
  readonly id: string;
  readonly tabs: readonly { readonly id: string }[];
}

/**
 * Everything that makes a view lives in the URL, so any view can be bookmarked and every control
 * is a plain link or GET form: the query every endpoint reads (period, from, to, filter, compare;
 * parsed once, stats/parse-query.ts) plus the dashboard's own (one tab per card, the selected
 * event prop). A view is what its links are written from.
 */
export interface ViewState {
  /** The dashboard page's path as the host serves it (see urls.ts); every view link starts with it. */
  readonly base: string;
  readonly period: Period;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly compare: boolean;
  /** As in the URL, in order. */
  readonly filters: readonly QueryFilter[];
  /** The selected tab of each card in `tabbed`, by card id. */
  readonly tabs: Readonly<Record<string, string>>;
  /** The events card's selected prop key, when one event is filtered. */
  readonly prop: string | undefined;
  /** The cards whose tabs the URL selects, in the order their parameters are written. */
  readonly tabbed: readonly TabbedCard[];
}

/** The view of a parsed query; an unknown tab falls back to the card's first instead of failing the page. */
export function viewState(base: string, query: Query, params: URLSearchParams, cards: readonly TabbedCard[]): ViewState {
  const tabbed = cards.filter((card) => card.tabs.length > 0);
  const tabs = Object.fromEntries(
    tabbed.map((card) => {
      const value = params.get(card.id);
      return [card.id, card.tabs.some((tab) => tab.id === value) ? value! : card.tabs[0]!.id];
    }),
  );
  const custom = query.period === 'custom';
  return {
    base,
    period: query.period,
    from: custom ? query.range.firstDay : undefined,
    to: custom ? query.range.lastDay : undefined,
    compare: query.comparison,
    filters: query.filters,
    tabs,
    prop: params.get('prop') ?? undefined,
    tabbed,
  };
}

export interface Change {
  period?: Period;
  from?: string;
  to?: string;
  compare?: boolean;
  filters?: readonly QueryFilter[];
  tab?: readonly [card: string, tab: string];
  prop?: string | undefined;
}

/** The API's parameters for this view (period, from, to, filters): for the CSV and the script. */
export function apiParams(state: ViewState): URLSearchParams {
  const params = new URLSearchParams({ period: state.period });
  if (state.period === 'custom' && state.from && state.to) {
    params.set('from', state.from);
    params.set('to', state.to);
  }
  for (const filter of state.filters) params.append('filter', filterParam(filter));
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
  if (params.get('period') === DEFAULT_PERIOD) params.delete('period');
  if (!next.compare) params.set('compare', 'off');
  for (const card of state.tabbed) if (next.tabs[card.id] !== card.tabs[0]!.id) params.set(card.id, next.tabs[card.id]!);
  if (next.prop !== undefined) params.set('prop', next.prop);
  const query = params.toString();
  return query ? `${state.base}?${query}` : state.base;
}

const same = (a: QueryFilter) => (b: QueryFilter) => a.property === b.property && a.value === b.value;

/** Adds a filter (once); a new event filter drops the selected prop, which belonged to another event. */
export function withFilter(state: ViewState, filter: QueryFilter): Change {
  if (state.filters.some(same(filter))) return {};
  return { filters: [...state.filters, filter], ...(filter.property === 'event' ? { prop: undefined } : {}) };
}

export function withoutFilter(state: ViewState, filter: QueryFilter): Change {
  const match = same(filter);
  return { filters: state.filters.filter((f) => !match(f)), ...(filter.property === 'event' ? { prop: undefined } : {}) };
}
