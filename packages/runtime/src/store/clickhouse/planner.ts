import { addTotals, rankBreakdown, rankPropKeys } from '../../stats/compute.ts';
import { onlyPageGoal, plainGoalFilters } from '../../stats/goals.ts';
import { addPoint, breakdownRollup, BreakdownSums, gaps, goalRevenuePart, liveSeries, piecesIn, planSeries, rollupKey, ZERO_TOTALS } from '../../stats/plan.ts';
import { eventPropProperty, type RollupRow } from '../../stats/rollup.ts';
import type { Connection } from './connection.ts';
import type { LiveTail } from './live-tail.ts';
import { sealedPageGoals } from './page-goals.ts';
import * as raw from './queries.ts';
import { rollupPropKeys, rollupSeries, rollupSums, sealedBuckets } from './rollups.ts';
import { VisitBatch } from './visit-batch.ts';
import type { LiveSpan } from '../../stats/live-rollup.ts';
import type { SealedBucket } from '../../stats/planner.ts';
import type { BreakdownRow, Interval, PropertyName, SeriesPoint, StatsQuery, Totals } from '../../model/stats.ts';

/**
 * stats/planner.ts's plan: sealed buckets from rollups in ClickHouse, the open bucket from the
 * live rollups every instance keeps of it (live-tail.ts), the rest (a range's partial edges, an
 * older bucket not sealed yet) by SQL over raw events. Visits never span buckets and hashes never
 * repeat across buckets, so the parts add up exactly. Questions rollups cannot answer (two
 * filters, several values, a filtered breakdown) run over raw events in SQL, but for the open
 * bucket where its visits' state answers them exactly. Raw visit-level questions asked together
 * share one query (visit-batch.ts).
 */

/** Where questions are answered: the server, and the open buckets' live rollups if kept. */
export interface Source {
  readonly c: Connection;
  readonly tail?: LiveTail | undefined;
}

/** Sealed buckets and live spans inside [from, to); a bucket sealed meanwhile is answered by its rollups, never twice. */
interface Cover {
  readonly sealed: readonly SealedBucket[];
  readonly live: readonly LiveSpan[];
  /** Both, in time order. */
  readonly all: readonly SealedBucket[];
}

async function coverOf(src: Source, from: number, to: number): Promise<Cover> {
  const [sealed, live] = await Promise.all([sealedBuckets(src.c, from, to), src.tail?.current()]);
  const spans = (live?.within(from, to) ?? []).filter((l) => !sealed.some((s) => s.start === l.start));
  return { sealed, live: spans, all: [...sealed, ...spans].sort((a, b) => a.start - b.start) };
}

/** Rollup rows of one property (one value, if given): sealed buckets' from ClickHouse, live ones' from memory. */
async function sums(src: Source, cover: Cover, property: string, value?: string): Promise<RollupRow[]> {
  const rows = [...(await rollupSums(src.c, cover.sealed, property, value))];
  for (const l of cover.live) rows.push(...l.live.rows(property, value));
  return rows;
}

/**
 * A question rollups cannot answer: the live spans' answers where their visits' state has one
 * (`fromLive` gives undefined where not), SQL over raw events for the rest of the range; or, if
 * a live span cannot answer, SQL for the whole range in one query.
 */
async function liveOrRaw<T>(src: Source, q: StatsQuery, fromLive: (span: LiveSpan) => T | undefined, raw: (q: StatsQuery) => Promise<T>): Promise<T[]> {
  const live = src.tail ? (await coverOf(src, q.from, q.to)).live : [];
  const answered = live.map(fromLive);
  if (live.length === 0 || answered.some((a) => a === undefined)) return [await raw(q)];
  return [...(answered as T[]), ...(await Promise.all(gaps(q.from, q.to, live).map(([from, to]) => raw({ ...q, from, to }))))];
}

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

export async function totals(src: Source, asked: StatsQuery): Promise<Totals> {
  const { c } = src;
  const q = plainGoalFilters(asked);
  const pageGoal = onlyPageGoal(q);
  if (pageGoal) {
    // One page goal: sealed buckets from their kept goal totals (page-goals.ts), the open one from its visits, the rest raw.
    const cover = await coverOf(src, q.from, q.to);
    const kept = sealedPageGoals(c, cover.sealed, q.goals!);
    kept.catch(() => {}); // awaited below; a failure of the raw parts must not leave it unhandled
    let sum = ZERO_TOTALS;
    const rest = gaps(q.from, q.to, cover.all);
    for (const l of cover.live) {
      const t = l.live.filteredTotals(q.filters, q.goals);
      if (t) sum = addTotals(sum, t);
      else rest.push([l.start, l.end]);
    }
    for (const t of await Promise.all(rest.map(([from, to]) => batchOf(c).totals({ ...q, from, to })))) sum = addTotals(sum, t);
    for (const goals of (await kept).values()) sum = addTotals(sum, goals.get(pageGoal.name) ?? ZERO_TOTALS);
    return sum;
  }
  const key = rollupKey(q);
  if (!key) {
    const parts = await liveOrRaw(
      src,
      q,
      (l) => l.live.filteredTotals(q.filters, q.goals),
      (part) => batchOf(c).totals(part),
    );
    return parts.reduce(addTotals, ZERO_TOTALS);
  }
  const cover = await coverOf(src, q.from, q.to);
  const parts = await Promise.all([sums(src, cover, key.property, key.value), ...gaps(q.from, q.to, cover.all).map(([from, to]) => batchOf(c).totals({ ...q, from, to }))]);
  let sum = ZERO_TOTALS;
  for (const part of parts) for (const t of Array.isArray(part) ? part : [part]) sum = addTotals(sum, t);
  return sum;
}

export async function timeseries(src: Source, asked: StatsQuery, intervals: readonly Interval[]): Promise<SeriesPoint[]> {
  const { c } = src;
  const q = plainGoalFilters(asked);
  const key = rollupKey(q);
  if (!key) {
    const points = intervals.map((i) => ({ date: i.label, visitors: 0, visits: 0, pageviews: 0 }));
    const parts = await liveOrRaw(
      src,
      q,
      (l) => {
        const pieces = piecesIn(intervals, l, q);
        const answered = l.live.filteredSeries(q.filters, pieces);
        return answered && pieces.map((p, k) => ({ index: p.index, point: answered[k]! }));
      },
      async (part) => (await raw.timeseries(c, part, intervals)).map((point, index) => ({ index, point })),
    );
    for (const part of parts) for (const { index, point } of part) addPoint(points[index]!, point);
    return points;
  }
  const cover = await coverOf(src, q.from, q.to);
  const series = new Map(await rollupSeries(c, cover.sealed, key.property, key.value));
  for (const l of cover.live) {
    const [row] = l.live.rows(key.property, key.value);
    if (row) series.set(l.start, row);
  }
  const { points, runs: planned } = planSeries(q, intervals, cover.all, series);
  // Stretches of an interval inside an open bucket (today's hours): its visits' activity answers them.
  const runs = liveSeries(planned, cover.live, (l, pieces) => (key.property === '' ? l.live.series(pieces) : l.live.filteredSeries(q.filters, pieces)), points);
  const partials = await Promise.all(runs.map((run) => raw.timeseries(c, { ...q, from: run[0]!.start, to: run.at(-1)!.end }, run)));
  for (const [r, partial] of partials.entries()) for (const [k, p] of partial.entries()) addPoint(points[runs[r]![k]!.index]!, p);
  return points;
}

export async function breakdown(src: Source, asked: StatsQuery, property: PropertyName, limit: number): Promise<BreakdownRow[]> {
  const { c } = src;
  const q = plainGoalFilters(asked);
  if (property === 'goal' && q.filters.length === 0) return goalConversions(src, q, limit);
  const rollupProperty = breakdownRollup(q, property);
  const total = new BreakdownSums();
  if (rollupProperty === undefined) {
    const parts = await liveOrRaw(
      src,
      q,
      (l) => l.live.filteredParts(q.filters, property, q.goals),
      // One raw part alone is ranked by the server (its top rows only); beside live parts, all its rows.
      (part) => rawBreakdown(c, part, property, part.from === q.from && part.to === q.to ? limit : Infinity),
    );
    if (parts.length === 1) return rankBreakdown(parts[0]!, property, limit);
    for (const part of parts) part.forEach(total.add);
    return rankBreakdown(total.parts(), property, limit);
  }
  const cover = await coverOf(src, q.from, q.to);
  // Every value of each part (not only its top rows): the top of the sum is not the sum of tops.
  const parts = await Promise.all([sums(src, cover, rollupProperty), ...gaps(q.from, q.to, cover.all).map(([from, to]) => rawBreakdown(c, { ...q, from, to }, property))]);
  for (const part of parts) part.forEach(total.add);
  return rankBreakdown(total.parts(), property, limit);
}

export async function propKeys(src: Source, asked: StatsQuery, limit: number): Promise<string[]> {
  const { c } = src;
  const q = plainGoalFilters(asked);
  const [f] = q.filters;
  const event = q.filters.length === 1 && f!.property === 'event' && f!.values.length === 1 ? f!.values[0]! : undefined;
  const counts = new Map<string, number>();
  const merge = (m: ReadonlyMap<string, number>) => {
    for (const [k, n] of m) counts.set(k, (counts.get(k) ?? 0) + n);
  };
  if (q.filters.length > 0 && event === undefined) {
    const parts = await liveOrRaw(
      src,
      q,
      (l) => l.live.filteredPropKeys(q.filters),
      (part) => raw.propKeyCounts(c, part),
    );
    parts.forEach(merge);
    return rankPropKeys(counts, limit);
  }
  const cover = await coverOf(src, q.from, q.to);
  const live = cover.live.map((l) => (q.filters.length === 0 ? l.live.propKeyCounts() : l.live.filteredPropKeys(q.filters)));
  // A live span that cannot answer is read raw like the range's edges.
  const unanswered = cover.live.filter((_, i) => live[i] === undefined);
  const answered = cover.all.filter((b) => !unanswered.includes(b as LiveSpan));
  const parts = await Promise.all([rollupPropKeys(c, cover.sealed, event), ...gaps(q.from, q.to, answered).map(([from, to]) => raw.propKeyCounts(c, { ...q, from, to }))]);
  for (const part of [...parts, ...live]) if (part) merge(part);
  return rankPropKeys(counts, limit);
}

/**
 * Goal conversions of unfiltered traffic, as the SQLite engine answers them: an event goal from
 * its event's rollup rows (revenue from the rows of its revenue prop), a page goal from its kept
 * per-bucket totals and, in the open bucket, from its visits; a range's partial edges raw.
 * Filtered goal breakdowns read raw events, as other filtered breakdowns do.
 */
async function goalConversions(src: Source, q: StatsQuery, limit: number): Promise<BreakdownRow[]> {
  const { c } = src;
  const goals = q.goals ?? [];
  const cover = await coverOf(src, q.from, q.to);
  const total = new BreakdownSums();
  const eventGoals = goals.filter((g) => g.kind === 'event');
  const pageGoals = goals.filter((g) => g.kind === 'page');
  const sealedGoals = sealedPageGoals(c, cover.sealed, goals);
  sealedGoals.catch(() => {}); // awaited below; a failure of the other parts must not leave it unhandled
  const addTotalsOf = (name: string, t: Totals) =>
    total.add({ value: name, visitors: t.visitors, visits: t.visits, pageviews: t.pageviews, events: t.events, engagedMs: 0, scrollSum: 0, scrollCount: 0 });
  // A live span whose page goals its visits cannot answer is read raw whole, like the edges.
  const liveGoals = new Map(cover.live.map((l) => [l, pageGoals.map((goal) => l.live.filteredTotals([{ property: 'goal', values: [goal.name] }], pageGoals))]));
  const live = cover.live.filter((l) => liveGoals.get(l)!.every((t) => t !== undefined));
  const usable: Cover = { sealed: cover.sealed, live, all: cover.all.filter((b) => !cover.live.includes(b as LiveSpan) || live.includes(b as LiveSpan)) };
  const parts = await Promise.all([
    ...eventGoals.map(async (goal) => (await sums(src, usable, 'event', goal.event)).map((row) => ({ ...row, value: goal.name }))),
    ...eventGoals.flatMap((goal) =>
      goal.revenue === undefined ? [] : [sums(src, usable, eventPropProperty(`prop:${goal.revenue}`, goal.event)).then((rows) => [goalRevenuePart(goal, rows)])],
    ),
    ...gaps(q.from, q.to, usable.all).map(([from, to]) => rawBreakdown(c, { ...q, from, to }, 'goal')),
  ]);
  for (const part of parts) part.forEach(total.add);
  for (const l of live) {
    pageGoals.forEach((goal, k) => {
      const t = liveGoals.get(l)![k]!;
      if (t.visits) addTotalsOf(goal.name, t);
    });
  }
  for (const totals of (await sealedGoals).values()) for (const [name, t] of totals) addTotalsOf(name, t);
  return rankBreakdown(
    total.parts().filter((p) => p.visits > 0),
    'goal',
    limit,
  );
}
