import type { EventRow, StatsQuery } from '../store/types.ts';
import { addTotals, analyse, breakdownPartsOf, propKeyCountsOf, rankBreakdown, rankPropKeys, timeseriesOf, totalsOf, type Analysis, type BreakdownPart, type BreakdownRow, type SeriesPoint, type Totals } from './compute.ts';
import type { Interval, PropertyName } from './query.ts';
import { eventPropProperty, type RollupRow } from './rollup.ts';

export interface SealedBucket {
  readonly start: number;
  /** Every event of the bucket lies in [start, end). */
  readonly end: number;
}

/** What an engine offers the planner: raw events, and the rollups of sealed buckets. */
export interface RollupSource {
  rows(from: number, to: number): Promise<readonly EventRow[]>;
  /** Sealed buckets lying wholly inside [from, to), oldest first. */
  sealedBuckets(from: number, to: number): Promise<readonly SealedBucket[]>;
  /** Rollup rows of one property ('' = all traffic), optionally one value, summed over the buckets. */
  rollupSums(buckets: readonly SealedBucket[], property: string, value?: string): Promise<readonly RollupRow[]>;
  /** Per-bucket rollup rows of one property value, for charts. */
  rollupSeries(buckets: readonly SealedBucket[], property: string, value: string): Promise<ReadonlyMap<number, RollupRow>>;
}

const ZERO: Totals = { visitors: 0, visits: 0, pageviews: 0, events: 0, bounces: 0, visitPageviews: 0, durationMs: 0 };


/** The rollup key a query can be answered from, if any: no filter, or one filter with one value. */
function rollupKey(query: StatsQuery): { property: string; value: string } | undefined {
  if (query.filters.length === 0) return { property: '', value: '' };
  const [f] = query.filters;
  if (query.filters.length === 1 && f!.values.length === 1) return { property: f!.property, value: f!.values[0]! };
  return undefined;
}

function addPoint(point: SeriesPoint, add: Pick<SeriesPoint, 'visitors' | 'visits' | 'pageviews'>): void {
  point.visitors += add.visitors;
  point.visits += add.visits;
  point.pageviews += add.pageviews;
}

/**
 * The rollup property a breakdown can be read from: the property itself without filters, and a
 * props breakdown filtered by one event name from that event's own prop rollups.
 */
function breakdownRollup(query: StatsQuery, property: PropertyName): string | undefined {
  if (query.filters.length === 0) return property;
  const [f] = query.filters;
  if (query.filters.length === 1 && f!.property === 'event' && f!.values.length === 1 && property.startsWith('prop:')) {
    return eventPropProperty(property, f!.values[0]!);
  }
  return undefined;
}

/** The parts of [from, to) no sealed bucket covers: raw events answer those. */
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

/**
 * Answers stats questions from rollups where that is exact and from raw events elsewhere.
 * Visits never span buckets and hashes never repeat across buckets, so a range splits at bucket
 * edges into sealed buckets (rollups) and the rest (raw), and the parts add up exactly.
 * Questions rollups cannot answer (two filters, a filter with several values, a filtered
 * breakdown) read raw events for the whole range.
 */
export class StatsPlanner {
  readonly source: RollupSource;
  readonly #analyses = new Map<string, Analysis>();

  constructor(source: RollupSource) {
    this.source = source;
  }

  /**
   * The raw events of a range, analysed. A dashboard asks the same raw range (the open bucket)
   * once per panel, so the last few analyses are kept. The key includes the number of rows and
   * their first and last times: a row added since makes a new key, never a stale answer.
   */
  async #analyse(query: StatsQuery): Promise<Analysis> {
    const rows = await this.source.rows(query.from, query.to);
    const key = `${query.from}|${query.to}|${JSON.stringify(query.filters)}|${rows.length}|${rows[0]?.ts}|${rows.at(-1)?.ts}`;
    let analysis = this.#analyses.get(key);
    if (!analysis) {
      analysis = analyse(rows, query);
      if (this.#analyses.size >= 8) this.#analyses.delete(this.#analyses.keys().next().value!);
      this.#analyses.set(key, analysis);
    }
    return analysis;
  }

  /**
   * Raw answers for a whole range, a piece at a time: the range is cut at sealed-bucket edges, so
   * each piece holds whole visits and its own visitor hashes, the per-piece answers add up
   * exactly, and memory holds one bucket's events at a time, never a year's.
   */
  async #eachPiece(query: StatsQuery, use: (analysis: Analysis) => void): Promise<void> {
    const sealed = await this.source.sealedBuckets(query.from, query.to);
    const spans = [...sealed.map((b): [number, number] => [b.start, b.end]), ...gaps(query.from, query.to, sealed)].sort((x, y) => x[0] - y[0]);
    for (const [from, to] of spans) use(await this.#analyse({ ...query, from, to }));
  }

  async totals(query: StatsQuery): Promise<Totals> {
    const key = rollupKey(query);
    if (!key) {
      let sum = ZERO;
      await this.#eachPiece(query, (a) => (sum = addTotals(sum, totalsOf(a))));
      return sum;
    }
    const sealed = await this.source.sealedBuckets(query.from, query.to);
    let sum = ZERO;
    if (sealed.length) for (const row of await this.source.rollupSums(sealed, key.property, key.value)) sum = addTotals(sum, row);
    for (const [from, to] of gaps(query.from, query.to, sealed)) {
      sum = addTotals(sum, totalsOf(await this.#analyse({ ...query, from, to })));
    }
    return sum;
  }

  async timeseries(query: StatsQuery, intervals: readonly Interval[]): Promise<SeriesPoint[]> {
    const key = rollupKey(query);
    if (!key) {
      const points = intervals.map((i) => ({ date: i.label, visitors: 0, visits: 0, pageviews: 0 }));
      await this.#eachPiece(query, (a) => timeseriesOf(a, intervals).forEach((p, i) => addPoint(points[i]!, p)));
      return points;
    }
    const sealed = await this.source.sealedBuckets(query.from, query.to);
    const series = sealed.length ? await this.source.rollupSeries(sealed, key.property, key.value) : new Map<number, RollupRow>();
    const points = intervals.map((i) => ({ date: i.label, visitors: 0, visits: 0, pageviews: 0 }));
    // Raw pieces: each interval's stretches no sealed bucket inside it covers.
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
        if (row) addPoint(points[index]!, row);
      }
      for (const [start, end] of gaps(Math.max(interval.start, query.from), Math.min(interval.end, query.to), inside)) {
        pieces.push({ start, end, label: interval.label, index });
      }
    });
    // Fetch raw rows per run of adjacent pieces, so sealed months in between are never read raw.
    for (let i = 0; i < pieces.length; ) {
      let j = i;
      while (j + 1 < pieces.length && pieces[j + 1]!.start === pieces[j]!.end) j++;
      const run = pieces.slice(i, j + 1);
      const partial = timeseriesOf(await this.#analyse({ ...query, from: run[0]!.start, to: run.at(-1)!.end }), run);
      partial.forEach((p, k) => addPoint(points[run[k]!.index]!, p));
      i = j + 1;
    }
    return points;
  }

  async breakdown(query: StatsQuery, property: PropertyName, limit: number): Promise<BreakdownRow[]> {
    const rollupProperty = breakdownRollup(query, property);
    const merged = new Map<string, BreakdownPart>();
    const add = (p: BreakdownPart) => {
      const m = merged.get(p.value);
      if (!m) return void merged.set(p.value, { ...p });
      m.visitors += p.visitors;
      m.visits += p.visits;
      m.pageviews += p.pageviews;
      m.events += p.events;
      m.engagedMs += p.engagedMs;
    };
    if (rollupProperty === undefined) {
      await this.#eachPiece(query, (a) => breakdownPartsOf(a, property).forEach(add));
      return rankBreakdown([...merged.values()], property, limit);
    }
    const sealed = await this.source.sealedBuckets(query.from, query.to);
    if (sealed.length) for (const row of await this.source.rollupSums(sealed, rollupProperty)) add(row);
    for (const [from, to] of gaps(query.from, query.to, sealed)) {
      for (const part of breakdownPartsOf(await this.#analyse({ ...query, from, to }), property)) add(part);
    }
    return rankBreakdown([...merged.values()], property, limit);
  }

  /** Rollups keep no list of prop keys, so this reads the range's raw events (as filtered breakdowns do). */
  async propKeys(query: StatsQuery, limit: number): Promise<string[]> {
    const counts = new Map<string, number>();
    await this.#eachPiece(query, (a) => {
      for (const [key, n] of propKeyCountsOf(a)) counts.set(key, (counts.get(key) ?? 0) + n);
    });
    return rankPropKeys(counts, limit);
  }
}
