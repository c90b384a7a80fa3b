// The plan every engine with rollups follows (stats/planner.ts for SQLite and JSON, the
// ClickHouse engine's planner in SQL): which questions rollups answer, and which stretches of a
// range are left for raw events. Pure functions: engines only fetch the parts.
import type { BreakdownPart } from './compute.ts';
import { NUMERIC } from './goals.ts';
import { eventPropProperty } from './rollup.ts';
import type { Goal, Interval, PropertyName, SeriesPoint, StatsQuery, Totals } from '../model/stats.ts';

export interface SealedBucket {
  readonly start: number;
  /** Every event of the bucket lies in [start, end). */
  readonly end: number;
}

export const ZERO_TOTALS: Totals = { visitors: 0, visits: 0, pageviews: 0, events: 0, bounces: 0, visitPageviews: 0, durationMs: 0 };

/** The rollup key a query can be answered from, if any: no filter, or one filter with one value. */
export function rollupKey(query: StatsQuery): { property: string; value: string } | undefined {
  if (query.filters.length === 0) return { property: '', value: '' };
  const [f] = query.filters;
  // Goals have no rollup rows of their own (plainGoalFilters spells an event goal as its event).
  if (query.filters.length === 1 && f!.values.length === 1 && f!.property !== 'goal') return { property: f!.property, value: f!.values[0]! };
  return undefined;
}

/**
 * The rollup property a breakdown can be read from: the property itself without filters, and a
 * props breakdown filtered by one event name from that event's own prop rollups.
 */
export function breakdownRollup(query: StatsQuery, property: PropertyName): string | undefined {
  if (property === 'goal') return undefined;
  if (query.filters.length === 0) return property;
  const [f] = query.filters;
  if (query.filters.length === 1 && f!.property === 'event' && f!.values.length === 1 && property.startsWith('prop:')) {
    return eventPropProperty(property, f!.values[0]!);
  }
  return undefined;
}

/** The parts of [from, to) no sealed bucket covers: raw events answer those. */
export function gaps(from: number, to: number, covered: readonly SealedBucket[]): [number, number][] {
  const out: [number, number][] = [];
  let at = from;
  for (const b of covered) {
    if (b.start > at) out.push([at, b.start]);
    at = Math.max(at, b.end);
  }
  if (at < to) out.push([at, to]);
  return out;
}

export function addPoint(point: SeriesPoint, add: Pick<SeriesPoint, 'visitors' | 'visits' | 'pageviews'>): void {
  point.visitors += add.visitors;
  point.visits += add.visits;
  point.pageviews += add.pageviews;
}

/** A stretch of one chart interval that raw events must answer. */
export interface SeriesPiece extends Interval {
  /** The chart point it adds to. */
  readonly index: number;
}

/**
 * A time series from rollups where a sealed bucket lies wholly inside an interval: the points
 * with those rollups added, and the stretches left for raw events, grouped into runs of adjacent
 * pieces so that each run is one raw read (sealed months in between are never read raw).
 */
export function planSeries(
  query: StatsQuery,
  intervals: readonly Interval[],
  sealed: readonly SealedBucket[],
  series: ReadonlyMap<number, Pick<SeriesPoint, 'visitors' | 'visits' | 'pageviews'>>,
): { points: SeriesPoint[]; runs: SeriesPiece[][] } {
  const points = intervals.map((i) => ({ date: i.label, visitors: 0, visits: 0, pageviews: 0 }));
  const pieces: SeriesPiece[] = [];
  let b = 0;
  intervals.forEach((interval, index) => {
    const inside: SealedBucket[] = [];
    while (b < sealed.length && sealed[b]!.end <= interval.start) b++;
    for (let k = b; k < sealed.length && sealed[k]!.start < interval.end; k++) {
      const bucket = sealed[k]!;
      if (bucket.start >= interval.start && bucket.end <= interval.end) inside.push(bucket);
    }
    for (const bucket of inside) {
      const row = series.get(bucket.start);
      if (row) addPoint(points[index]!, row);
    }
    for (const [start, end] of gaps(Math.max(interval.start, query.from), Math.min(interval.end, query.to), inside)) {
      pieces.push({ start, end, label: interval.label, index });
    }
  });
  return { points, runs: runsOf(pieces) };
}

/** Pieces in time order grouped into runs of adjacent ones: each run is one raw read. */
export function runsOf(pieces: readonly SeriesPiece[]): SeriesPiece[][] {
  const runs: SeriesPiece[][] = [];
  for (let i = 0; i < pieces.length; ) {
    let j = i;
    while (j + 1 < pieces.length && pieces[j + 1]!.start === pieces[j]!.end) j++;
    runs.push(pieces.slice(i, j + 1));
    i = j + 1;
  }
  return runs;
}

/** Sums breakdown parts by value: a range's rollups and raw pieces, each holding every value. */
export class BreakdownSums {
  readonly #merged = new Map<string, BreakdownPart>();

  add = (p: BreakdownPart): void => {
    const m = this.#merged.get(p.value);
    if (!m) {
      const { value, visitors, visits, pageviews, events, engagedMs, scrollSum, scrollCount } = p;
      const part: BreakdownPart = { value, visitors, visits, pageviews, events, engagedMs, scrollSum, scrollCount };
      if (p.revenue !== undefined) Object.assign(part, { revenue: p.revenue, revenueEvents: p.revenueEvents ?? 0 });
      return void this.#merged.set(value, part);
    }
    if (p.revenue !== undefined) {
      m.revenue = (m.revenue ?? 0) + p.revenue;
      m.revenueEvents = (m.revenueEvents ?? 0) + (p.revenueEvents ?? 0);
    }
    m.visitors += p.visitors;
    m.visits += p.visits;
    m.pageviews += p.pageviews;
    m.events += p.events;
    m.engagedMs += p.engagedMs;
    m.scrollSum += p.scrollSum;
    m.scrollCount += p.scrollCount;
  };

  parts(): BreakdownPart[] {
    return [...this.#merged.values()];
  }
}

/**
 * A revenue goal's revenue from rollup rows of its revenue prop (one row per prop value, `events`
 * of them): numeric values times their count. A part with no visits: it adds to the goal's row.
 */
export function goalRevenuePart(goal: Goal, rows: readonly { readonly value: string; readonly events: number }[]): BreakdownPart {
  let revenue = 0;
  let revenueEvents = 0;
  for (const row of rows) {
    if (!NUMERIC.test(row.value)) continue;
    revenue += Number(row.value) * row.events;
    revenueEvents += row.events;
  }
  return { value: goal.name, visitors: 0, visits: 0, pageviews: 0, events: 0, engagedMs: 0, scrollSum: 0, scrollCount: 0, revenue, revenueEvents };
}

/** Pieces cut at the given times, so that none straddles one. */
export function splitAt(pieces: readonly SeriesPiece[], cuts: readonly number[]): SeriesPiece[] {
  return pieces.flatMap((p) => {
    const out: SeriesPiece[] = [];
    let start = p.start;
    for (const c of [...cuts].sort((a, b) => a - b)) {
      if (c > start && c < p.end) {
        out.push({ ...p, start, end: c });
        start = c;
      }
    }
    out.push({ ...p, start });
    return out;
  });
}

/** The parts of each interval inside a span and the query's range: what a live span's chart answers. */
export function piecesIn(intervals: readonly Interval[], span: { readonly start: number; readonly end: number }, q: { readonly from: number; readonly to: number }): SeriesPiece[] {
  return intervals.flatMap((interval, index) => {
    const start = Math.max(interval.start, span.start, q.from);
    const end = Math.min(interval.end, span.end, q.to);
    return start < end ? [{ ...interval, start, end, index }] : [];
  });
}

/**
 * Stretches of a chart's intervals inside live spans (today's hours), answered by `answer` from
 * the spans' visits and added to `points`; returns the pieces left for raw reads, as runs.
 * `answer` gives undefined where a span cannot answer (a chart filtered by a page or event).
 */
export function liveSeries<S extends { readonly start: number; readonly end: number }>(
  planned: readonly SeriesPiece[][],
  live: readonly S[],
  answer: (span: S, pieces: readonly SeriesPiece[]) => readonly Pick<SeriesPoint, 'visitors' | 'visits' | 'pageviews'>[] | undefined,
  points: SeriesPoint[],
): SeriesPiece[][] {
  if (live.length === 0) return [...planned];
  const rest: SeriesPiece[] = [];
  const bySpan = new Map<S, SeriesPiece[]>();
  for (const piece of splitAt(
    planned.flat(),
    live.map((l) => l.start),
  )) {
    const l = live.find((b) => piece.start >= b.start && piece.end <= b.end);
    if (l) bySpan.set(l, [...(bySpan.get(l) ?? []), piece]);
    else rest.push(piece);
  }
  for (const [l, pieces] of bySpan) {
    const answered = answer(l, pieces);
    if (answered) for (const [k, p] of answered.entries()) addPoint(points[pieces[k]!.index]!, p);
    else rest.push(...pieces);
  }
  return runsOf(rest.sort((a, b) => a.start - b.start));
}
