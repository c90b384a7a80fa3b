import { addTotals, rankBreakdown, rankPropKeys } from '../../stats/compute.ts';
import { plainGoalFilters } from '../../stats/goals.ts';
import { addPoint, breakdownRollup, BreakdownSums, gaps, planSeries, rollupKey, ZERO_TOTALS } from '../../stats/plan.ts';
import type { Connection } from './connection.ts';
import * as raw from './queries.ts';
import { rollupPropKeys, rollupSeries, rollupSums, sealedBuckets } from './rollups.ts';
import type { BreakdownRow, Interval, PropertyName, SeriesPoint, StatsQuery, Totals } from '../../model/stats.ts';

/**
 * stats/planner.ts's plan, with both halves in ClickHouse: sealed buckets from rollups, the rest
 * (the open bucket, a range's partial edges) by SQL over raw events. Visits never span buckets
 * and hashes never repeat across buckets, so the parts add up exactly. Questions rollups cannot
 * answer (two filters, several values, a filtered breakdown) run over raw events in SQL.
 */

export async function totals(c: Connection, asked: StatsQuery): Promise<Totals> {
  const q = plainGoalFilters(asked);
  const key = rollupKey(q);
  if (!key) return raw.totals(c, q);
  const sealed = await sealedBuckets(c, q.from, q.to);
  const parts = await Promise.all([rollupSums(c, sealed, key.property, key.value), ...gaps(q.from, q.to, sealed).map(([from, to]) => raw.totals(c, { ...q, from, to }))]);
  let sum = ZERO_TOTALS;
  for (const part of parts) for (const t of Array.isArray(part) ? part : [part]) sum = addTotals(sum, t);
  return sum;
}

export async function timeseries(c: Connection, asked: StatsQuery, intervals: readonly Interval[]): Promise<SeriesPoint[]> {
  const q = plainGoalFilters(asked);
  const key = rollupKey(q);
  if (!key) return raw.timeseries(c, q, intervals);
  const sealed = await sealedBuckets(c, q.from, q.to);
  const series = await rollupSeries(c, sealed, key.property, key.value);
  const { points, runs } = planSeries(q, intervals, sealed, series);
  const partials = await Promise.all(runs.map((run) => raw.timeseries(c, { ...q, from: run[0]!.start, to: run.at(-1)!.end }, run)));
  for (const [r, partial] of partials.entries()) for (const [k, p] of partial.entries()) addPoint(points[runs[r]![k]!.index]!, p);
  return points;
}

export async function breakdown(c: Connection, asked: StatsQuery, property: PropertyName, limit: number): Promise<BreakdownRow[]> {
  const q = plainGoalFilters(asked);
  const rollupProperty = breakdownRollup(q, property);
  if (rollupProperty === undefined) return rankBreakdown(await raw.breakdown(c, q, property, limit), property, limit);
  const sealed = await sealedBuckets(c, q.from, q.to);
  // Every value of each part (not only its top rows): the top of the sum is not the sum of tops.
  const parts = await Promise.all([
    rollupSums(c, sealed, rollupProperty),
    ...gaps(q.from, q.to, sealed).map(([from, to]) => raw.breakdown(c, { ...q, from, to }, property, Infinity)),
  ]);
  const sums = new BreakdownSums();
  for (const part of parts) part.forEach(sums.add);
  return rankBreakdown(sums.parts(), property, limit);
}

export async function propKeys(c: Connection, asked: StatsQuery, limit: number): Promise<string[]> {
  const q = plainGoalFilters(asked);
  const [f] = q.filters;
  const event = q.filters.length === 1 && f!.property === 'event' && f!.values.length === 1 ? f!.values[0]! : undefined;
  if (q.filters.length > 0 && event === undefined) return rankPropKeys(await raw.propKeyCounts(c, q), limit);
  const sealed = await sealedBuckets(c, q.from, q.to);
  const parts = await Promise.all([rollupPropKeys(c, sealed, event), ...gaps(q.from, q.to, sealed).map(([from, to]) => raw.propKeyCounts(c, { ...q, from, to }))]);
  const counts = new Map<string, number>();
  for (const part of parts) for (const [k, n] of part) counts.set(k, (counts.get(k) ?? 0) + n);
  return rankPropKeys(counts, limit);
}
