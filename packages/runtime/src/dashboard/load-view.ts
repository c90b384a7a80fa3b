import { REALTIME_WINDOW_MS } from '../model/stats.ts';
import type { StatsContext } from '../store/types.ts';
import { intervalsOf, previousRange, resolvePeriod, type Range } from '../stats/periods.ts';
import { summarise, type Summary } from '../stats/summary.ts';
import { isoDate, parseIsoDate } from '../time/zone.ts';
import { LINK_EVENTS, TAB_CARDS, type TabCard, type ViewState } from './view-state.ts';
import type { BreakdownRow, Filter, Interval, PropertyName, SeriesPoint, StatsQuery } from '../model/stats.ts';

/** Rows per card: the long tail is one click away in the CSV export. */
export const CARD_ROWS = 10;
const MAX_PROP_KEYS = 12;

export interface CardData {
  readonly property: PropertyName;
  readonly rows: readonly BreakdownRow[];
  /** Events card with one event filtered: that event's prop keys (the tabs). */
  readonly propKeys?: readonly string[];
}

export interface ViewData {
  readonly range: Range;
  readonly now: number;
  readonly summary: Summary;
  /** The preceding period of equal length, when comparing. */
  readonly previous: Summary | undefined;
  readonly intervals: readonly Interval[];
  readonly series: readonly SeriesPoint[];
  readonly previousSeries: readonly SeriesPoint[] | undefined;
  readonly realtime: number;
  /** False for a site that has never stored an event: the page shows how to check tracking. */
  readonly hasData: boolean;
  /** The hostname most of the site's traffic went to, all time (the page's title), if stored. */
  readonly hostname: string | undefined;
  readonly cards: { readonly [C in TabCard | 'events']: CardData };
}

/**
 * Asks the store every question the page needs at once (Promise.all): totals, the chart, the
 * realtime count and one breakdown per card, for its selected tab only.
 */
export async function loadView(state: ViewState, range: Range, query: StatsQuery, ctx: StatsContext): Promise<ViewData> {
  const { store, timezone } = ctx;
  const now = ctx.now();
  const intervals = intervalsOf(range, timezone);
  if ('error' in intervals) throw new RangeError(intervals.error);
  const comparing = state.compare && range.period !== 'all';
  const previousIntervals = comparing ? previousChartIntervals(range, timezone, now) : undefined;
  const card = async (property: PropertyName): Promise<CardData> => ({ property, rows: await store.breakdown(query, property, CARD_ROWS) });
  const [totals, before, series, previousSeries, realtime, earliest, hostnames, events, links, ...tabs] = await Promise.all([
    store.totals(query),
    comparing ? store.totals({ ...query, ...previousRange(range, now) }) : undefined,
    store.timeseries(query, intervals),
    previousIntervals ? store.timeseries({ ...query, from: previousIntervals[0]!.start, to: previousIntervals.at(-1)!.end }, previousIntervals) : undefined,
    store.realtime(now - REALTIME_WINDOW_MS),
    store.earliest(),
    store.breakdown({ from: 0, to: Number.MAX_SAFE_INTEGER, filters: [] }, 'hostname', 1),
    eventsCard(state, query, ctx),
    linksCard(state, query, ctx),
    ...TAB_CARDS.filter((c) => c !== 'links').map((c) => card(state.tabs[c] as PropertyName)),
  ]);
  const [sources, pages, locations, devices] = tabs as [CardData, CardData, CardData, CardData];
  return {
    range, now, intervals, series, previousSeries, realtime,
    summary: summarise(totals),
    previous: before && summarise(before),
    hasData: earliest !== undefined,
    hostname: hostnames[0]?.value,
    cards: { sources, pages, locations, devices, events, links },
  };
}

/** Custom events; once one event is filtered, its props (`prop:<key>`, one tab per key seen). */
async function eventsCard(state: ViewState, query: StatsQuery, { store }: StatsContext): Promise<CardData> {
  const event = query.filters.find((f) => f.property === 'event');
  if (event?.values.length === 1) {
    const propKeys = await store.propKeys(query, MAX_PROP_KEYS);
    const key = state.prop !== undefined && propKeys.includes(state.prop) ? state.prop : propKeys[0];
    if (key !== undefined) {
      const property = `prop:${key}` as const;
      return { property, propKeys, rows: await store.breakdown(query, property, CARD_ROWS) };
    }
  }
  return { property: 'event', rows: await store.breakdown(query, 'event', CARD_ROWS) };
}

/** Outbound links or downloads: the link event's `url` prop, with the page's other filters. */
async function linksCard(state: ViewState, query: StatsQuery, { store }: StatsContext): Promise<CardData> {
  const name = LINK_EVENTS[state.tabs.links];
  const event = query.filters.find((f) => f.property === 'event');
  // Filtered to some other event: no link event can match, so nothing to ask.
  if (event && !event.values.includes(name)) return { property: 'prop:url', rows: [] };
  const filters: Filter[] = [...query.filters.filter((f) => f.property !== 'event'), { property: 'event', values: [name] }];
  return { property: 'prop:url', rows: await store.breakdown({ ...query, filters }, 'prop:url', CARD_ROWS) };
}

/** The chart's ghost: the same number of days just before the range, cut into the same intervals. */
function previousChartIntervals(range: Range, tz: string, now: number): Interval[] | undefined {
  const first = parseIsoDate(range.firstDay)!;
  const last = parseIsoDate(range.lastDay)!;
  const days = Math.round((Date.UTC(last.year, last.month - 1, last.day) - Date.UTC(first.year, first.month - 1, first.day)) / 86_400_000) + 1;
  const from = isoDate(first.year, first.month, first.day - days);
  const to = isoDate(first.year, first.month, first.day - 1);
  const previous = resolvePeriod({ period: 'custom', from, to, interval: range.interval }, tz, now);
  if ('error' in previous) return undefined;
  const intervals = intervalsOf(previous, tz);
  return 'error' in intervals || intervals.length === 0 ? undefined : intervals;
}
