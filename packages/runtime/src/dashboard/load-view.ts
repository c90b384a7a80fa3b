import type { Query, Range } from '../model/query.ts';
import { REALTIME_WINDOW_MS, type Interval, type SeriesPoint } from '../model/stats.ts';
import type { QueryContext } from '../stats/parse-query.ts';
import { intervalsOf, previousRange, resolvePeriod } from '../stats/periods.ts';
import { summarise, type Summary } from '../stats/summary.ts';
import type { StatsQuestions } from '../store/types.ts';
import { isoDate, parseIsoDate } from '../time/zone.ts';
import { cardView, type CardData } from './cards/card.ts';
import { CARDS } from './cards/index.ts';
import type { ViewState } from './view-state.ts';

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
  /** Each card's answer, by card id. */
  readonly cards: ReadonlyMap<string, CardData>;
}

/**
 * Asks the store every question the page needs at once (Promise.all): totals, the chart, the
 * realtime count and each card's question (cards/index.ts), for its selected tab only. `at` is the
 * clock and the oldest event the query was read with, so neither is asked twice.
 */
export async function loadView(state: ViewState, query: Query, store: StatsQuestions, at: QueryContext): Promise<ViewData> {
  const { range, stats } = query;
  const { now, timezone } = at;
  const intervals = intervalsOf(range, timezone);
  if ('error' in intervals) throw new RangeError(intervals.error);
  const comparing = query.comparison && range.period !== 'all';
  const previousIntervals = comparing ? previousChartIntervals(range, timezone, now) : undefined;
  const [totals, before, series, previousSeries, realtime, earliest, hostnames, ...cards] = await Promise.all([
    store.totals(stats),
    comparing ? store.totals({ ...stats, ...previousRange(range, now) }) : undefined,
    store.timeseries(stats, intervals),
    previousIntervals ? store.timeseries({ ...stats, from: previousIntervals[0]!.start, to: previousIntervals.at(-1)!.end }, previousIntervals) : undefined,
    store.realtime(now - REALTIME_WINDOW_MS),
    at.earliest(),
    // All time: nothing is stored after now. Ending where the page's range ends (when it ends
    // later) makes it the same question over the open bucket as the page's own, which an engine
    // can answer together (ClickHouse's visit batch).
    store.breakdown({ from: 0, to: Math.max(stats.to, now + 1), filters: [] }, 'hostname', 1),
    ...CARDS.map((card) => card.load(cardView(card, state, query), store)),
  ]);
  return {
    range,
    now,
    intervals,
    series,
    previousSeries,
    realtime,
    summary: summarise(totals),
    previous: before && summarise(before),
    hasData: earliest !== undefined,
    hostname: hostnames[0]?.value,
    cards: new Map(CARDS.map((card, i) => [card.id, cards[i] as CardData])),
  };
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
