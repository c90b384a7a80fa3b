import type { EventRow, StatsQuery } from '../store/types.ts';
import { addTotals, analyse, breakdownPartsOf, propKeyCountsOf, rankBreakdown, rankPropKeys, timeseriesOf, totalsOf, type Analysis, type BreakdownRow, type SeriesPoint, type Totals } from './compute.ts';
import type { Interval, PropertyName } from './query.ts';
import type { RollupRow } from './rollup.ts';
import { addPoint, breakdownRollup, BreakdownSums, gaps, planSeries, rollupKey, ZERO_TOTALS, type SealedBucket } from './plan.ts';

export type { SealedBucket } from './plan.ts';

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
      let sum = ZERO_TOTALS;
      await this.#eachPiece(query, (a) => (sum = addTotals(sum, totalsOf(a))));
      return sum;
    }
    const sealed = await this.source.sealedBuckets(query.from, query.to);
    let sum = ZERO_TOTALS;
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
    const { points, runs } = planSeries(query, intervals, sealed, series);
    for (const run of runs) {
      const partial = timeseriesOf(await this.#analyse({ ...query, from: run[0]!.start, to: run.at(-1)!.end }), run);
      partial.forEach((p, k) => addPoint(points[run[k]!.index]!, p));
    }
    return points;
  }

  async breakdown(query: StatsQuery, property: PropertyName, limit: number): Promise<BreakdownRow[]> {
    const rollupProperty = breakdownRollup(query, property);
    const sums = new BreakdownSums();
    const add = sums.add;
    if (rollupProperty === undefined) {
      await this.#eachPiece(query, (a) => breakdownPartsOf(a, property).forEach(add));
      return rankBreakdown(sums.parts(), property, limit);
    }
    const sealed = await this.source.sealedBuckets(query.from, query.to);
    if (sealed.length) for (const row of await this.source.rollupSums(sealed, rollupProperty)) add(row);
    for (const [from, to] of gaps(query.from, query.to, sealed)) {
      for (const part of breakdownPartsOf(await this.#analyse({ ...query, from, to }), property)) add(part);
    }
    return rankBreakdown(sums.parts(), property, limit);
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
