// What one dashboard, API or CSV address asks: read from its query string once (stats/parse-query.ts)
// and handed to every part that answers it. Types and constants only.
import type { Funnel, PropertyName, StatsQuery } from './stats.ts';

export const PERIODS = ['today', 'yesterday', '7d', '30d', 'month', '12mo', 'all', 'custom'] as const;
export type Period = (typeof PERIODS)[number];
/** The period of an address that names none; links leave it out. */
export const DEFAULT_PERIOD: Period = '30d';
export const INTERVALS = ['hour', 'day', 'month'] as const;
export type IntervalUnit = (typeof INTERVALS)[number];

export interface Range {
  readonly period: Period;
  /** UTC ms, inclusive; `to` exclusive and possibly in the future (today ends at midnight). */
  readonly from: number;
  readonly to: number;
  /** First and last local calendar day covered, YYYY-MM-DD. */
  readonly firstDay: string;
  readonly lastDay: string;
  readonly interval: IntervalUnit;
}

/** One `filter=` parameter: `page:/pricing` is page + `/pricing`, `prop:plan:pro` is `prop:plan` + `pro`. */
export interface QueryFilter {
  readonly property: PropertyName;
  readonly value: string;
}

export interface Query {
  readonly period: Period;
  /** The period resolved to local days in the site's zone. */
  readonly range: Range;
  /** The `filter=` parameters in the order given (the chips' order); `stats` groups them. */
  readonly filters: readonly QueryFilter[];
  /** The dashboard draws the previous period beside this one unless `compare=off`. */
  readonly comparison: boolean;
  /** The chart's step: `interval=` on the API, else what the period implies. */
  readonly interval: IntervalUnit;
  /** What the store is asked: the range, and the filters grouped by property (OR within, AND across). */
  readonly stats: StatsQuery;
  /** The site's funnels (the `funnels` setting), for the funnel card; none configured when absent. */
  readonly funnels?: readonly Funnel[];
}
