// The questions and answers of the stats API: what a query names and what engines return. The
// bottom layer: this module imports nothing.

/** Properties a breakdown or filter can name (the HTTP API's contract, README), plus `prop:<key>`. */
export const PROPERTIES = [
  'page',
  'entry_page',
  'exit_page',
  'source',
  'referrer',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
  'country',
  'region',
  'city',
  'browser',
  'os',
  'device',
  'event',
  'hostname',
  'goal',
] as const;

export type PropertyName = (typeof PROPERTIES)[number] | `prop:${string}`;

/** "Realtime" visitors: those with any event in this window before now. */
export const REALTIME_WINDOW_MS = 5 * 60_000;

/** What a breakdown shows for a visit without a referrer or source. */
export const DIRECT = 'Direct / None';

/**
 * A goal the site defines in its configuration (the `goals` setting): a custom event by name, or
 * pageviews whose path matches a pattern (`*` one segment, `**` any number). Computed at query
 * time from events already stored; `name` is what the API, the filter and the dashboard show.
 */
export type Goal =
  | { readonly kind: 'event'; readonly name: string; readonly event: string /** The prop holding a numeric revenue amount. */; readonly revenue?: string }
  | { readonly kind: 'page'; readonly name: string; readonly page: string };

/** A funnel the site defines (the `funnels` setting): 2 to 8 goals a visit reaches in this order (stats/funnels.ts). */
export interface Funnel {
  readonly name: string;
  readonly steps: readonly Goal[];
}

export interface Filter {
  readonly property: PropertyName;
  /** Any of these values matches (several filters on one property combine with OR). */
  readonly values: readonly string[];
}

export interface Interval {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

export interface StatsQuery {
  /** Inclusive start, exclusive end, UTC milliseconds. */
  readonly from: number;
  readonly to: number;
  readonly filters: readonly Filter[];
  /** The site's goals: what the `goal` property and filter mean. None configured when absent. */
  readonly goals?: readonly Goal[];
}

export interface Totals {
  visitors: number;
  visits: number;
  pageviews: number;
  events: number;
  bounces: number;
  /** Pageviews of the matched visits (views per visit = visitPageviews / visits). */
  visitPageviews: number;
  /** Sum of the matched visits' durations. */
  durationMs: number;
}

export interface SeriesPoint {
  date: string;
  visitors: number;
  visits: number;
  pageviews: number;
}

export interface BreakdownRow {
  value: string;
  visitors: number;
  visits: number;
  pageviews: number;
  events: number;
  /** Average engaged seconds per pageview (page breakdown only). */
  time_on_page?: number;
  /**
   * Average deepest scroll depth, a whole percentage, over the page's views (one per visit) that
   * reported one; null where none did (page breakdown only).
   */
  scroll_depth?: number | null;
  /** Goal breakdown, revenue goals only: the sum of the numeric revenue prop values (rounded to cents)... */
  revenue?: number;
  /** ...and how many conversions carried one. */
  revenue_events?: number;
}
