import { onlyPageGoal, plainGoalFilters } from './goals.ts';
import { eventPropProperty } from './rollup.ts';
import { addTotals, analyse, breakdownPartsOf, goalTotals, propKeyCountsOf, rankBreakdown, rankPropKeys, timeseriesOf, totalsOf, type Analysis } from './compute.ts';
import type { RollupRow } from './rollup.ts';
import {
  addPoint,
  breakdownRollup,
  goalRevenuePart,
  BreakdownSums,
  gaps,
  liveSeries,
  piecesIn,
  planSeries,
  rollupKey,
  runsOf,
  ZERO_TOTALS,
  type SealedBucket,
  type SeriesPiece,
} from './plan.ts';
import type { KeptAnswer, KeptAnswers } from './kept-answers.ts';
import type { LiveRollups, LiveSpan } from './live-rollup.ts';
import type { EventRow } from '../model/events.ts';
import type { BreakdownRow, Goal, Interval, PropertyName, SeriesPoint, StatsQuery, Totals } from '../model/stats.ts';

export type { SealedBucket } from './plan.ts';

/** A chart point's counts. */
type Counts = Pick<SeriesPoint, 'visitors' | 'visits' | 'pageviews'>;

/** Raw rows the kept analyses of #analyse may hold in all (about 60 MB of heap). */
const KEPT_ROWS = 100_000;
/** What an engine offers the planner: raw events, and the rollups of sealed buckets. */
export interface RollupSource {
  rows(from: number, to: number): Promise<readonly EventRow[]>;
  /**
   * A fingerprint of the rows `rows` would give, cheap to take, that changes whenever they do,
   * if the engine has one: the planner then reuses an analysis without reading the rows again.
   */
  rowsKey?(from: number, to: number): Promise<string>;
  /** Sealed buckets lying wholly inside [from, to), oldest first. */
  sealedBuckets(from: number, to: number): Promise<readonly SealedBucket[]>;
  /** The sealed bucket holding all of [from, to), if there is one and the engine can say so cheaply. */
  sealedAround?(from: number, to: number): Promise<SealedBucket | undefined>;
  /** Rollup rows of one property ('' = all traffic), optionally one value, summed over the buckets. */
  rollupSums(buckets: readonly SealedBucket[], property: string, value?: string): Promise<readonly RollupRow[]>;
  /** Per-bucket rollup rows of one property value, for charts. */
  rollupSeries(buckets: readonly SealedBucket[], property: string, value: string): Promise<ReadonlyMap<number, RollupRow>>;
  /** The open buckets' rollups, kept as events arrive, if the engine keeps them. */
  live?(): Promise<LiveRollups>;
  /** Where answers read from sealed buckets' raw events are kept across restarts, if anywhere. */
  readonly kept?: KeptAnswers | undefined;
}

/** What answers a range without raw events: sealed buckets' rollups and the open buckets' live ones. */
interface Cover {
  readonly sealed: readonly SealedBucket[];
  readonly live: readonly LiveSpan[];
  /** Both, in time order. */
  readonly all: readonly SealedBucket[];
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
  /**
   * Kept analyses, by the rows they were made from (`of`: their range and version) and the
   * question's range and filters; analyses made from the same rows share them.
   */
  readonly #analyses = new Map<string, { readonly analysis: Analysis; readonly rows: readonly EventRow[]; readonly of: string; readonly filters: string }>();

  constructor(source: RollupSource) {
    this.source = source;
  }

  /**
   * The raw events of a range, analysed. A dashboard asks the same raw range (a comparison's
   * partial day, an open bucket without live rollups) once per panel, so the last few analyses
   * are kept, up to KEPT_ROWS rows in all: an analysis holds about 600 bytes of heap per row, and
   * eight of a busy day's partial days held 120 MB after the page was read. The key includes the
   * engine's fingerprint of the rows (rowsKey, taken without reading them), or else their number
   * and first and last times: a row added since makes a new key, never a stale answer. Analyses
   * of one range with other filters (the page-goal summary beside the unfiltered cards) share its
   * rows, read once and counted once: counted apart, a page's three partial days outgrew
   * KEPT_ROWS and every page read them all again.
   */
  async #analyse(query: StatsQuery): Promise<Analysis> {
    const filters = JSON.stringify(query.filters);
    const range = `${query.from}|${query.to}|${filters}`;
    // Part of a sealed bucket (a comparison's partial day, whose end moves with the clock): the
    // whole bucket's rows are read, once while they stay the same, and each range analysed from
    // them. Read per range, every page read yesterday until this second again (120-210 ms at
    // 10 M events of history on the bench machine, 20 ms reusing them).
    const around = await this.source.sealedAround?.(query.from, query.to);
    const [from, to] = around ? [around.start, around.end] : [query.from, query.to];
    // With the engine's fingerprint a kept analysis costs no read: reading a comparison's partial
    // day again for every panel was half of a `today` page at 10 M events of history.
    const version = await this.source.rowsKey?.(from, to);
    const versioned = version === undefined ? undefined : `${from}|${to}|${version}`;
    let kept = versioned === undefined ? undefined : this.#analyses.get(`${versioned}|${range}`);
    if (kept) return kept.analysis;
    const rows = (versioned !== undefined && [...this.#analyses.values()].find((k) => k.of === versioned)?.rows) || (await this.source.rows(from, to));
    const of = versioned ?? `${from}|${to}|${rows.length}|${rows[0]?.ts}|${rows.at(-1)?.ts}`;
    kept = this.#analyses.get(`${of}|${range}`);
    if (kept) return kept.analysis;
    const analysis = analyse(rows, query);
    // One analysis per rows and filters: an older range of the same rows (the clock has moved
    // on) is superseded, or a live server's pages would fill the cache with yesterday until
    // each second, every one holding its visits' states.
    for (const [k, old] of this.#analyses) if (old.of === of && old.filters === filters) this.#analyses.delete(k);
    // The newest is always kept; older ones leave, oldest first, until the rest fit.
    for (const k of this.#analyses.keys()) {
      if (this.#analyses.size < 8 && this.#keptRows(of, rows.length) <= KEPT_ROWS) break;
      this.#analyses.delete(k);
    }
    this.#analyses.set(`${of}|${range}`, { analysis, rows, of, filters });
    return analysis;
  }

  /** Rows the kept analyses hold, each range's once, with `rows` more of range `of`. */
  #keptRows(of: string, rows: number): number {
    const ranges = new Map([...this.#analyses.values()].map((k) => [k.of, k.rows.length]));
    ranges.set(of, rows);
    let sum = 0;
    for (const n of ranges.values()) sum += n;
    return sum;
  }

  async #cover(query: StatsQuery): Promise<Cover> {
    const sealed = await this.source.sealedBuckets(query.from, query.to);
    // A bucket another process sealed meanwhile is answered by its rollups, never twice.
    const live = ((await this.source.live?.())?.within(query.from, query.to) ?? []).filter((l) => !sealed.some((s) => s.start === l.live.start));
    return { sealed, live, all: [...sealed, ...live].sort((a, b) => a.start - b.start) };
  }

  /** Rollup rows of one property (one value, if given) summed over sealed buckets, plus the live ones'. */
  async #sums(cover: Cover, property: string, value?: string): Promise<RollupRow[]> {
    const rows = cover.sealed.length ? [...(await this.source.rollupSums(cover.sealed, property, value))] : [];
    for (const l of cover.live) rows.push(...l.live.rows(property, value));
    return rows;
  }

  /**
   * Raw answers for a whole range, a piece at a time: the range is cut at sealed-bucket edges, so
   * each piece holds whole visits and its own visitor hashes, the per-piece answers add up
   * exactly, and memory holds one bucket's events at a time, never a year's.
   */
  async #eachPiece(query: StatsQuery, use: (analysis: Analysis) => void, live?: (span: LiveSpan) => boolean): Promise<void> {
    const cover = await this.#cover(query);
    const spans = [
      ...cover.all.map((b): [number, number, SealedBucket] => [b.start, b.end, b]),
      ...gaps(query.from, query.to, cover.all).map(([a, b]): [number, number, undefined] => [a, b, undefined]),
    ].sort((x, y) => x[0] - y[0]);
    for (const [from, to, bucket] of spans) {
      // An open bucket answers from its visits' state where that is exact (see LiveBucket.filteredParts).
      if (bucket && 'live' in bucket && live?.(bucket as LiveSpan)) continue;
      use(await this.#analyse({ ...query, from, to }));
    }
  }

  async totals(asked: StatsQuery): Promise<Totals> {
    const query = plainGoalFilters(asked);
    const key = rollupKey(query);
    const pageGoal = onlyPageGoal(query);
    if (pageGoal) {
      // One page goal: sealed buckets from their kept goal totals, the open one from its visits.
      const cover = await this.#cover(query);
      let sum = ZERO_TOTALS;
      for (const goals of (await this.#sealedPageGoals(cover.sealed, query.goals!)).values()) sum = addTotals(sum, goals.get(pageGoal.name) ?? ZERO_TOTALS);
      const rest: [number, number][] = gaps(query.from, query.to, cover.all);
      for (const l of cover.live) {
        const t = l.live.filteredTotals(query.filters, query.goals);
        if (t) sum = addTotals(sum, t);
        else rest.push([l.start, l.end]);
      }
      for (const [from, to] of rest) sum = addTotals(sum, totalsOf(await this.#analyse({ ...query, from, to })));
      return sum;
    }
    if (!key) {
      let sum = ZERO_TOTALS;
      await this.#eachPiece(
        query,
        (a) => (sum = addTotals(sum, totalsOf(a))),
        (span) => {
          const t = span.live.filteredTotals(query.filters, query.goals);
          if (t) sum = addTotals(sum, t);
          return t !== undefined;
        },
      );
      return sum;
    }
    const cover = await this.#cover(query);
    let sum = ZERO_TOTALS;
    for (const row of await this.#sums(cover, key.property, key.value)) sum = addTotals(sum, row);
    for (const [from, to] of gaps(query.from, query.to, cover.all)) {
      sum = addTotals(sum, totalsOf(await this.#analyse({ ...query, from, to })));
    }
    return sum;
  }

  async timeseries(asked: StatsQuery, intervals: readonly Interval[]): Promise<SeriesPoint[]> {
    const query = plainGoalFilters(asked);
    const key = rollupKey(query);
    const pageGoal = onlyPageGoal(query);
    if (pageGoal) {
      // Sealed buckets inside an interval from their kept goal totals; every other stretch raw.
      const sealed = await this.source.sealedBuckets(query.from, query.to);
      const series = new Map<number, Totals>();
      for (const [start, goals] of await this.#sealedPageGoals(sealed, query.goals!)) series.set(start, goals.get(pageGoal.name) ?? ZERO_TOTALS);
      const { points, runs } = planSeries(query, intervals, sealed, series);
      for (const run of runs) {
        const partial = timeseriesOf(await this.#analyse({ ...query, from: run[0]!.start, to: run.at(-1)!.end }), run);
        for (const [k, p] of partial.entries()) addPoint(points[run[k]!.index]!, p);
      }
      return points;
    }
    if (!key) {
      const points = intervals.map((i) => ({ date: i.label, visitors: 0, visits: 0, pageviews: 0 }));
      await this.#eachPiece(
        query,
        (a) => {
          for (const [i, p] of timeseriesOf(a, intervals).entries()) addPoint(points[i]!, p);
        },
        (span) => {
          const pieces = piecesIn(intervals, span, query);
          const answered = span.live.filteredSeries(query.filters, pieces);
          for (const [k, p] of (answered ?? []).entries()) addPoint(points[pieces[k]!.index]!, p);
          return answered !== undefined;
        },
      );
      return points;
    }
    const cover = await this.#cover(query);
    const series = new Map(cover.sealed.length ? await this.source.rollupSeries(cover.sealed, key.property, key.value) : []);
    for (const l of cover.live) {
      const [row] = l.live.rows(key.property, key.value);
      if (row) series.set(l.start, row);
    }
    const { points, runs: planned } = planSeries(query, intervals, cover.all, series);
    // Stretches of an interval inside an open bucket (today's hours): its visits' activity
    // answers them (a chart filtered by a page or event reads them raw).
    let runs = liveSeries(planned, cover.live, (l, pieces) => (key.property === '' ? l.live.series(pieces) : l.live.filteredSeries(query.filters, pieces)), points);
    if (key.property === '' && cover.sealed.length) runs = runsOf(await this.#sealedSeries(cover.sealed, runs.flat(), points));
    for (const run of runs) {
      const partial = timeseriesOf(await this.#analyse({ ...query, from: run[0]!.start, to: run.at(-1)!.end }), run);
      for (const [k, p] of partial.entries()) addPoint(points[run[k]!.index]!, p);
    }
    return points;
  }

  async breakdown(asked: StatsQuery, property: PropertyName, limit: number): Promise<BreakdownRow[]> {
    const query = plainGoalFilters(asked);
    if (property === 'goal' && query.filters.length === 0) return this.#goals(query, limit);
    const rollupProperty = breakdownRollup(query, property);
    const sums = new BreakdownSums();
    const add = sums.add;
    if (rollupProperty === undefined) {
      await this.#eachPiece(
        query,
        (a) => breakdownPartsOf(a, property).forEach(add),
        (span) => {
          const parts = span.live.filteredParts(query.filters, property, query.goals);
          parts?.forEach(add);
          return parts !== undefined;
        },
      );
      return rankBreakdown(sums.parts(), property, limit);
    }
    const cover = await this.#cover(query);
    for (const row of await this.#sums(cover, rollupProperty)) add(row);
    for (const [from, to] of gaps(query.from, query.to, cover.all)) {
      for (const part of breakdownPartsOf(await this.#analyse({ ...query, from, to }), property)) add(part);
    }
    return rankBreakdown(sums.parts(), property, limit);
  }

  /**
   * Goal conversions of unfiltered traffic: an event goal is its event's rollup rows (its revenue
   * from the rows of its revenue prop per value); a page goal's visitors are no sum of its pages'
   * rows, so page goals read raw events, bucket by bucket. Filtered goal breakdowns read raw
   * events as other filtered breakdowns do.
   */
  async #goals(query: StatsQuery, limit: number): Promise<BreakdownRow[]> {
    const goals = query.goals ?? [];
    const sums = new BreakdownSums();
    const cover = await this.#cover(query);
    for (const goal of goals) {
      if (goal.kind !== 'event') continue;
      for (const row of await this.#sums(cover, 'event', goal.event)) sums.add({ ...row, value: goal.name });
      if (goal.revenue !== undefined) sums.add(goalRevenuePart(goal, await this.#sums(cover, eventPropProperty(`prop:${goal.revenue}`, goal.event))));
    }
    for (const [from, to] of gaps(query.from, query.to, cover.all)) breakdownPartsOf(await this.#analyse({ ...query, from, to }), 'goal').forEach(sums.add);
    const pageGoals = goals.filter((g) => g.kind === 'page');
    if (pageGoals.length) {
      // Open buckets: from their visits' state. Sealed ones: their raw events, once per process.
      const add = (name: string, t: Totals) =>
        sums.add({ value: name, visitors: t.visitors, visits: t.visits, pageviews: t.pageviews, events: t.events, engagedMs: 0, scrollSum: 0, scrollCount: 0 });
      for (const l of cover.live) {
        for (const goal of pageGoals) {
          const t = l.live.filteredTotals([{ property: 'goal', values: [goal.name] }], pageGoals) ?? goalTotals(await this.#analyse({ ...query, from: l.start, to: l.end }), goal);
          if (t.visits) add(goal.name, t);
        }
      }
      for (const totals of (await this.#sealedPageGoals(cover.sealed, goals)).values()) for (const [name, t] of totals) add(name, t);
    }
    return rankBreakdown(
      sums.parts().filter((p) => p.visits > 0),
      'goal',
      limit,
    );
  }

  /**
   * Sealed buckets' totals per page goal (what a filter by that goal alone answers), by bucket
   * start: read from a bucket's raw events the first time and kept (see #keptPerBucket).
   */
  async #sealedPageGoals(sealed: readonly SealedBucket[], goals: readonly Goal[]): Promise<Map<number, ReadonlyMap<string, Totals>>> {
    const pageGoals = goals.filter((g) => g.kind === 'page');
    const answers = await this.#keptPerBucket(
      sealed.map((bucket) => ({ bucket, kind: 'page-goals', detail: JSON.stringify(pageGoals) })),
      (a) => pageGoals.map((goal): [string, Totals] => [goal.name, goalTotals(a, goal)]).filter(([, t]) => t.visits > 0),
    );
    return new Map([...answers].map(([start, totals]) => [start, new Map(totals)]));
  }

  /**
   * Chart points of unfiltered traffic over stretches inside sealed buckets (the hours of a
   * sealed day: a comparison's chart of yesterday), added to `points`; returns the pieces left
   * for raw reads. No rollup holds them, but they are kept per bucket (see #keptPerBucket). Read
   * afresh for every page, the whole of yesterday was a third raw range beside the two partial
   * days a dashboard compares with, and the three outgrew what #analyse keeps: every page read
   * all three again.
   */
  async #sealedSeries(sealed: readonly SealedBucket[], pieces: readonly SeriesPiece[], points: SeriesPoint[]): Promise<SeriesPiece[]> {
    const byBucket = new Map<SealedBucket, SeriesPiece[]>();
    const rest: SeriesPiece[] = [];
    for (const piece of pieces) {
      const bucket = sealed.find((b) => piece.start >= b.start && piece.end <= b.end);
      if (bucket) byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), piece]);
      else rest.push(piece);
    }
    const asked = [...byBucket].map(([bucket, inside]) => ({ bucket, kind: 'series', detail: JSON.stringify(inside.map((p) => [p.start, p.end])), inside }));
    // The points count the pieces' rows alone, whatever the analysis' range.
    const answers = await this.#keptPerBucket(asked, (a, { inside }) =>
      timeseriesOf(a, inside).map(({ visitors, visits, pageviews }): Counts => ({ visitors, visits, pageviews })),
    );
    for (const { bucket, inside } of asked) for (const [k, p] of answers.get(bucket.start)!.entries()) addPoint(points[inside[k]!.index]!, p);
    return rest;
  }

  /**
   * Answers no rollup holds, one per sealed bucket and question, by bucket start: computed from
   * the bucket's raw events the first time (visits never span buckets, so the bucket alone
   * answers), since a sealed bucket's events do not change, and kept in memory and through the
   * engine's KeptAnswers, so a restart does not read them again. The key holds the bucket's
   * all-traffic rollup counts too, so a bucket retention cut and sealed again is read afresh.
   */
  async #keptPerBucket<A extends { readonly bucket: SealedBucket; readonly kind: string; readonly detail: string }, T>(
    asked: readonly A[],
    compute: (analysis: Analysis, asked: A) => T,
  ): Promise<Map<number, T>> {
    const out = new Map<number, T>();
    if (asked.length === 0) return out;
    const prints = await this.source.rollupSeries(
      asked.map((x) => x.bucket),
      '',
      '',
    );
    const fresh: KeptAnswer[] = [];
    for (const x of asked) {
      const { start, end } = x.bucket;
      const print = prints.get(start);
      const key = `${x.kind}|${start}|${end}|${print?.visits}|${print?.pageviews}|${print?.events}|${x.detail}`;
      // Kept under a key naming the question, so what it holds is that question's T.
      let answer = this.#keptAnswers.get(key) as T | undefined;
      if (answer === undefined) {
        const kept = this.source.kept?.get(start, key);
        if (kept !== undefined) answer = JSON.parse(kept) as T;
        else {
          // A first read of a long range takes a while: let other requests in between buckets.
          await new Promise<void>((resolve) => setImmediate(resolve));
          answer = compute(analyse(await this.source.rows(start, end), { from: start, to: end, filters: [] }), x);
          fresh.push([start, key, JSON.stringify(answer)]);
        }
        if (this.#keptAnswers.size >= 50_000) this.#keptAnswers.clear();
        this.#keptAnswers.set(key, answer);
      }
      out.set(start, answer);
    }
    this.source.kept?.put(fresh);
    return out;
  }

  readonly #keptAnswers = new Map<string, unknown>();

  /**
   * Sealed rollups keep no list of prop keys, so this reads their raw events (as filtered
   * breakdowns do); open buckets count them from their visits.
   */
  async propKeys(asked: StatsQuery, limit: number): Promise<string[]> {
    const query = plainGoalFilters(asked);
    const counts = new Map<string, number>();
    const merge = (m: ReadonlyMap<string, number>) => {
      for (const [key, n] of m) counts.set(key, (counts.get(key) ?? 0) + n);
    };
    await this.#eachPiece(
      query,
      (a) => merge(propKeyCountsOf(a)),
      (span) => {
        const m = query.filters.length === 0 ? span.live.propKeyCounts() : span.live.filteredPropKeys(query.filters);
        if (m) merge(m);
        return m !== undefined;
      },
    );
    return rankPropKeys(counts, limit);
  }
}
