// Answers computed straight from raw events, with the metric definitions of stats/compute.ts and
// nothing else: the oracle that rollups, live rollups, plans and engines are compared with.
import type { EventRow } from '../../packages/runtime/src/model/events.ts';
import type { BreakdownRow, Goal, Interval, PropertyName, SeriesPoint, StatsQuery, Totals } from '../../packages/runtime/src/model/stats.ts';
import { analyse, breakdownPartsOf, propKeyCountsOf, rankBreakdown, rankPropKeys, timeseriesOf, totalsOf } from '../../packages/runtime/src/stats/compute.ts';
import { matchesGoal } from '../../packages/runtime/src/stats/goals.ts';

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

/**
 * Funnel step visitors by brute force, not the engines' greedy walk: per visit, the times at
 * which a chain of steps 1..k can end (an event matching step k strictly after some end of a chain
 * of k-1); a visit reached step k when any chain of k ends. Visits are the query's (analyse's
 * matched rows), with their events in range.
 */
export function computeFunnel(rows: readonly EventRow[], query: StatsQuery, steps: readonly Goal[]): number[] {
  const selected = new Set(analyse(rows, query).matched.map((r) => r.visit.key));
  const reached = steps.map(() => new Set<string>());
  const byVisit = Map.groupBy(
    rows.filter((r) => r.ts >= query.from && r.ts < query.to && r.kind !== 'engagement' && selected.has(r.visit.key)),
    (r) => r.visit.key,
  );
  for (const events of byVisit.values()) {
    let ends: number[] = [-Infinity];
    for (const [k, step] of steps.entries()) {
      ends = events.filter((e) => matchesGoal(step, e) && ends.some((t) => t < e.ts)).map((e) => e.ts);
      if (ends.length === 0) break;
      reached[k]!.add(events[0]!.visit.visitor);
    }
  }
  return reached.map((visitors) => visitors.size);
}
