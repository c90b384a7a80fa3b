// Answers computed straight from raw events, with the metric definitions of stats/compute.ts and
// nothing else: the oracle that rollups, live rollups, plans and engines are compared with.
import type { EventRow } from '../../packages/runtime/src/model/events.ts';
import type { BreakdownRow, Interval, PropertyName, SeriesPoint, StatsQuery, Totals } from '../../packages/runtime/src/model/stats.ts';
import { analyse, breakdownPartsOf, propKeyCountsOf, rankBreakdown, rankPropKeys, timeseriesOf, totalsOf } from '../../packages/runtime/src/stats/compute.ts';

export function computeTotals(rows: readonly EventRow[], query: StatsQuery): Totals {
  return totalsOf(analyse(rows, query));
}

export function computeTimeseries(rows: readonly EventRow[], query: StatsQuery, intervals: readonly Interval[]): SeriesPoint[] {
  return timeseriesOf(analyse(rows, query), intervals);
}

export function computeBreakdown(rows: readonly EventRow[], query: StatsQuery, property: PropertyName, limit: number): BreakdownRow[] {
  return rankBreakdown(breakdownPartsOf(analyse(rows, query), property), property, limit);
}

export function computePropKeys(rows: readonly EventRow[], query: StatsQuery, limit: number): string[] {
  return rankPropKeys(propKeyCountsOf(analyse(rows, query)), limit);
}
