import { addTotals, rankBreakdown, rankPropKeys, type BreakdownPart, type BreakdownRow, type SeriesPoint, type Totals } from '../../stats/compute.ts';
import type { SealedBucket } from '../../stats/planner.ts';
import type { Interval, PropertyName } from '../../stats/query.ts';
import { eventPropProperty } from '../../stats/rollup.ts';
import type { StatsQuery } from '../types.ts';
import type { Connection } from './connection.ts';
import * as raw from './queries.ts';
import { rollupPropKeys, rollupSeries, rollupSums, sealedBuckets } from './rollups.ts';

/**
 * stats/planner.ts's plan, with both halves in ClickHouse: sealed buckets from rollups, the rest
 * (the open bucket, a range's partial edges) by SQL over raw events. Visits never span buckets
 * and hashes never repeat across buckets, so the parts add up exactly. Questions rollups cannot
 * answer (two filters, several values, a filtered breakdown) run over raw events in SQL.
 */

const ZERO: Totals = { visitors: 0, visits: 0, pageviews: 0, events: 0, bounces: 0, visitPageviews: 0, durationMs: 0 };

function rollupKey(q: StatsQuery): { property: string; value: string } | undefined {
  if (q.filters.length === 0) return { property: '', value: '' };
  const [f] = q.filters;
  if (q.filters.length === 1 && f!.values.length === 1) return { property: f!.property, value: f!.values[0]! };
  return undefined;
}

function breakdownRollup(q: StatsQuery, property: PropertyName): string | undefined {
  if (q.filters.length === 0) return property;
  const [f] = q.filters;
  if (q.filters.length === 1 && f!.property === 'event' && f!.values.length === 1 && property.startsWith('prop:')) return eventPropProperty(property, f!.values[0]!);
  return undefined;
}

function gaps(from: number, to: number, covered: readonly SealedBucket[]): [number, number][] {
  const out: [number, number][] = [];
  let at = from;
  for (const b of covered) {
    if (b.start > at) out.push([at, b.start]);
    at = Math.max(at, b.end);
  }
  if (at < to) out.push([at, to]);
  return out;
}

export async function totals(c: Connection, q: StatsQuery): Promise<Totals> {
  const key = rollupKey(q);
  if (!key) return raw.totals(c, q);
  const sealed = await sealedBuckets(c, q.from, q.to);
  const parts = await Promise.all([
    rollupSums(c, sealed, key.property, key.value),
    ...gaps(q.from, q.to, sealed).map(([from, to]) => raw.totals(c, { ...q, from, to })),
  ]);
  let sum = ZERO;
  for (const part of parts) for (const t of Array.isArray(part) ? part : [part]) sum = addTotals(sum, t);
  return sum;
}

export async function timeseries(c: Connection, q: StatsQuery, intervals: readonly Interval[]): Promise<SeriesPoint[]> {
  const key = rollupKey(q);
  if (!key) return raw.timeseries(c, q, intervals);
  const sealed = await sealedBuckets(c, q.from, q.to);
  const series = await rollupSeries(c, sealed, key.property, key.value);
  const points = intervals.map((i) => ({ date: i.label, visitors: 0, visits: 0, pageviews: 0 }));
  const pieces: { start: number; end: number; label: string; index: number }[] = [];
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
      if (row) add(points[index]!, row);
    }
    for (const [start, end] of gaps(Math.max(interval.start, q.from), Math.min(interval.end, q.to), inside)) pieces.push({ start, end, label: interval.label, index });
  });
  const runs: (typeof pieces)[] = [];
  for (let i = 0; i < pieces.length; ) {
    let j = i;
    while (j + 1 < pieces.length && pieces[j + 1]!.start === pieces[j]!.end) j++;
    runs.push(pieces.slice(i, j + 1));
    i = j + 1;
  }
  const partials = await Promise.all(runs.map((run) => raw.timeseries(c, { ...q, from: run[0]!.start, to: run.at(-1)!.end }, run)));
  partials.forEach((partial, r) => partial.forEach((p, k) => add(points[runs[r]![k]!.index]!, p)));
  return points;
}

function add(point: SeriesPoint, x: Pick<SeriesPoint, 'visitors' | 'visits' | 'pageviews'>): void {
  point.visitors += x.visitors;
  point.visits += x.visits;
  point.pageviews += x.pageviews;
}

export async function breakdown(c: Connection, q: StatsQuery, property: PropertyName, limit: number): Promise<BreakdownRow[]> {
  const rollupProperty = breakdownRollup(q, property);
  if (rollupProperty === undefined) return rankBreakdown(await raw.breakdown(c, q, property, limit), property, limit);
  const sealed = await sealedBuckets(c, q.from, q.to);
  // Every value of each part (not only its top rows): the top of the sum is not the sum of tops.
  const parts = await Promise.all([
    rollupSums(c, sealed, rollupProperty),
    ...gaps(q.from, q.to, sealed).map(([from, to]) => raw.breakdown(c, { ...q, from, to }, property, Infinity)),
  ]);
  const merged = new Map<string, BreakdownPart>();
  for (const part of parts) {
    for (const p of part) {
      const m = merged.get(p.value);
      if (!m) merged.set(p.value, { value: p.value, visitors: p.visitors, visits: p.visits, pageviews: p.pageviews, events: p.events, engagedMs: p.engagedMs });
      else {
        m.visitors += p.visitors;
        m.visits += p.visits;
        m.pageviews += p.pageviews;
        m.events += p.events;
        m.engagedMs += p.engagedMs;
      }
    }
  }
  return rankBreakdown([...merged.values()], property, limit);
}

export async function propKeys(c: Connection, q: StatsQuery, limit: number): Promise<string[]> {
  const [f] = q.filters;
  const event = q.filters.length === 1 && f!.property === 'event' && f!.values.length === 1 ? f!.values[0]! : undefined;
  if (q.filters.length > 0 && event === undefined) return rankPropKeys(await raw.propKeyCounts(c, q), limit);
  const sealed = await sealedBuckets(c, q.from, q.to);
  const parts = await Promise.all([rollupPropKeys(c, sealed, event), ...gaps(q.from, q.to, sealed).map(([from, to]) => raw.propKeyCounts(c, { ...q, from, to }))]);
  const counts = new Map<string, number>();
  for (const part of parts) for (const [k, n] of part) counts.set(k, (counts.get(k) ?? 0) + n);
  return rankPropKeys(counts, limit);
}
