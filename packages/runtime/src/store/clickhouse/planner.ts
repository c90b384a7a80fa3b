import { addTotals, rankBreakdown, rankPropKeys } from '../../stats/compute.ts';
import { onlyPageGoal, plainGoalFilters } from '../../stats/goals.ts';
import { addPoint, breakdownRollup, BreakdownSums, gaps, goalRevenuePart, planSeries, rollupKey, ZERO_TOTALS } from '../../stats/plan.ts';
import { eventPropProperty } from '../../stats/rollup.ts';
import type { Connection } from './connection.ts';
import { sealedPageGoals } from './page-goals.ts';
import * as raw from './queries.ts';
import { rollupPropKeys, rollupSeries, rollupSums, sealedBuckets } from './rollups.ts';
import { VisitBatch } from './visit-batch.ts';
import type { BreakdownRow, Interval, PropertyName, SeriesPoint, StatsQuery, Totals } from '../../model/stats.ts';

/**
 * stats/planner.ts's plan, with both halves in ClickHouse: sealed buckets from rollups, the rest
 * (the open bucket, a range's partial edges) by SQL over raw events. Visits never span buckets
 * and hashes never repeat across buckets, so the parts add up exactly. Questions rollups cannot
 * answer (two filters, several values, a filtered breakdown) run over raw events in SQL. Raw
 * visit-level questions asked together share one query (visit-batch.ts).
 */

const batches = new WeakMap<Connection, VisitBatch>();
function batchOf(c: Connection): VisitBatch {
  let batch = batches.get(c);
  if (!batch) batches.set(c, (batch = new VisitBatch(c)));
  return batch;
}

/**
 * A raw breakdown's top `limit` rows (Infinity: every row, for a part the caller sums with
 * others), batched with the turn's other visit-level questions where it can be.
 */
function rawBreakdown(c: Connection, q: StatsQuery, property: PropertyName, limit = Infinity) {
  return VisitBatch.handles(property) ? batchOf(c).breakdown(q, property, limit) : raw.breakdown(c, q, property, limit);
}

export async function totals(c: Connection, asked: StatsQuery): Promise<Totals> {
  const q = plainGoalFilters(asked);
  const pageGoal = onlyPageGoal(q);
  if (pageGoal) {
    // One page goal: sealed buckets from their kept goal totals (page-goals.ts), the rest raw.
    const sealed = await sealedBuckets(c, q.from, q.to);
    const kept = sealedPageGoals(c, sealed, q.goals!);
    kept.catch(() => {}); // awaited below; a failure of the raw parts must not leave it unhandled
    let sum = ZERO_TOTALS;
    for (const t of await Promise.all(gaps(q.from, q.to, sealed).map(([from, to]) => batchOf(c).totals({ ...q, from, to })))) sum = addTotals(sum, t);
    for (const goals of (await kept).values()) sum = addTotals(sum, goals.get(pageGoal.name) ?? ZERO_TOTALS);
    return sum;
  }
  const key = rollupKey(q);
  if (!key) return batchOf(c).totals(q);
  const sealed = await sealedBuckets(c, q.from, q.to);
  const parts = await Promise.all([rollupSums(c, sealed, key.property, key.value), ...gaps(q.from, q.to, sealed).map(([from, to]) => batchOf(c).totals({ ...q, from, to }))]);
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
  if (property === 'goal' && q.filters.length === 0) return goalConversions(c, q, limit);
  const rollupProperty = breakdownRollup(q, property);
  if (rollupProperty === undefined) return rankBreakdown(await rawBreakdown(c, q, property, limit), property, limit);
  const sealed = await sealedBuckets(c, q.from, q.to);
  // Every value of each part (not only its top rows): the top of the sum is not the sum of tops.
  const parts = await Promise.all([rollupSums(c, sealed, rollupProperty), ...gaps(q.from, q.to, sealed).map(([from, to]) => rawBreakdown(c, { ...q, from, to }, property))]);
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

/**
 * Goal conversions of unfiltered traffic, as the SQLite engine answers them: an event goal from
 * its event's rollup rows (revenue from the rows of its revenue prop), a page goal from its kept
 * per-bucket totals; the open bucket and a range's partial edges raw. Filtered goal breakdowns
 * read raw events, as other filtered breakdowns do.
 */
async function goalConversions(c: Connection, q: StatsQuery, limit: number): Promise<BreakdownRow[]> {
  const goals = q.goals ?? [];
  const sealed = await sealedBuckets(c, q.from, q.to);
  const sums = new BreakdownSums();
  const eventGoals = goals.filter((g) => g.kind === 'event');
  const pageGoals = sealedPageGoals(c, sealed, goals);
  pageGoals.catch(() => {}); // awaited below; a failure of the other parts must not leave it unhandled
  const parts = await Promise.all([
    ...eventGoals.map(async (goal) => (await rollupSums(c, sealed, 'event', goal.event)).map((row) => ({ ...row, value: goal.name }))),
    ...eventGoals.flatMap((goal) =>
      goal.revenue === undefined ? [] : [rollupSums(c, sealed, eventPropProperty(`prop:${goal.revenue}`, goal.event)).then((rows) => [goalRevenuePart(goal, rows)])],
    ),
    ...gaps(q.from, q.to, sealed).map(([from, to]) => rawBreakdown(c, { ...q, from, to }, 'goal')),
  ]);
  for (const part of parts) part.forEach(sums.add);
  for (const totals of (await pageGoals).values()) {
    for (const [name, t] of totals)
      sums.add({ value: name, visitors: t.visitors, visits: t.visits, pageviews: t.pageviews, events: t.events, engagedMs: 0, scrollSum: 0, scrollCount: 0 });
  }
  return rankBreakdown(
    sums.parts().filter((p) => p.visits > 0),
    'goal',
    limit,
  );
}
