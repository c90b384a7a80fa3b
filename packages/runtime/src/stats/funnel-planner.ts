import { addCounts, funnelCountsOf, stepsKey } from './funnels.ts';
import type { KeptAnswer } from './kept-answers.ts';
import { gaps } from './plan.ts';
import type { RollupSource } from './planner.ts';
import type { Goal, StatsQuery } from '../model/stats.ts';

/** Kept step counts of sealed buckets, at most this many (about 100 bytes each). */
const KEPT = 50_000;

/**
 * Funnels for engines that keep raw events (SQLite, JSON), bucket by bucket: a visit never spans
 * a bucket and visitor hashes of different buckets never collide, so per-bucket step counts add
 * up exactly, and memory holds one bucket's events at a time.
 *
 * A sealed bucket never changes, so its step counts for a funnel definition (a hash of its steps)
 * and the view's filters are computed once and kept: the next question over that bucket is a
 * lookup. A changed funnel has another hash and never reads counts of the old one. The open
 * bucket and a range's partial edges are read raw each time.
 */
export class FunnelPlanner {
  readonly #source: RollupSource;
  readonly #kept = new Map<string, readonly number[]>();

  constructor(source: RollupSource) {
    this.#source = source;
  }

  async counts(query: StatsQuery, steps: readonly Goal[]): Promise<number[]> {
    let sum = steps.map(() => 0);
    if (query.from >= query.to) return sum;
    const sealed = await this.#source.sealedBuckets(query.from, query.to);
    const key = `${stepsKey(steps)}|${JSON.stringify(query.filters)}|${JSON.stringify(query.goals?.map((g) => [g.name, g.kind === 'event' ? g.event : g.page]) ?? [])}`;
    // Unfiltered counts are also kept by the engine, if it can (one row per bucket and funnel);
    // filtered ones, of which there can be any number, only in memory.
    const onDisk = query.filters.length === 0 ? this.#source.kept : undefined;
    const fresh: KeptAnswer[] = [];
    for (const b of sealed) {
      const bucketKey = `funnel|${key}|${b.start}|${b.end}`;
      let counts = this.#kept.get(bucketKey);
      if (!counts) {
        const kept = onDisk?.get(b.start, bucketKey);
        if (kept !== undefined) counts = JSON.parse(kept) as number[];
        else {
          // A first ask over a long range reads many buckets: let other requests in between them.
          await new Promise<void>((resolve) => setImmediate(resolve));
          counts = funnelCountsOf(await this.#source.rows(b.start, b.end), { ...query, from: b.start, to: b.end }, steps);
          fresh.push([b.start, bucketKey, JSON.stringify(counts)]);
        }
        if (this.#kept.size >= KEPT) this.#kept.delete(this.#kept.keys().next().value!);
        this.#kept.set(bucketKey, counts);
      }
      sum = addCounts(sum, counts);
    }
    onDisk?.put(fresh);
    for (const [from, to] of gaps(query.from, query.to, sealed)) {
      sum = addCounts(sum, funnelCountsOf(await this.#source.rows(from, to), { ...query, from, to }, steps));
    }
    return sum;
  }

  /** Forgets kept counts (retention deleted events of sealed buckets). */
  forget(): void {
    this.#kept.clear();
  }
}
