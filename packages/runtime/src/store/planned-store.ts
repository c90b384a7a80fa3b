import { computeRealtime } from '../stats/compute.ts';
import { FunnelPlanner } from '../stats/funnel-planner.ts';
import { StatsPlanner, type RollupSource, type SealedBucket } from '../stats/planner.ts';
import type { RollupRow } from '../stats/rollup.ts';
import type { Store } from './types.ts';
import type { EventRow } from '../model/events.ts';
import type { Goal, StatsQuery } from '../model/stats.ts';

type Questions = Pick<Store, 'totals' | 'timeseries' | 'breakdown' | 'propKeys' | 'realtime' | 'funnel'>;

/**
 * The stats questions of the Store contract, answered for any engine that keeps raw events and
 * sealed-bucket rollups: the engine supplies those (RollupSource), the planner does the rest. A
 * columnar engine that answers questions natively implements Store directly instead.
 */
export abstract class PlannedStore implements Questions, RollupSource {
  readonly #planner = new StatsPlanner(this);
  readonly #funnels = new FunnelPlanner(this);

  abstract rows(from: number, to: number): Promise<readonly EventRow[]>;
  abstract sealedBuckets(from: number, to: number): Promise<readonly SealedBucket[]>;
  abstract rollupSums(buckets: readonly SealedBucket[], property: string, value?: string): Promise<readonly RollupRow[]>;
  abstract rollupSeries(buckets: readonly SealedBucket[], property: string, value: string): Promise<ReadonlyMap<number, RollupRow>>;

  totals(q: StatsQuery) {
    return this.#planner.totals(q);
  }

  timeseries(q: StatsQuery, intervals: Parameters<Store['timeseries']>[1]) {
    return this.#planner.timeseries(q, intervals);
  }

  breakdown(q: StatsQuery, property: Parameters<Store['breakdown']>[1], limit: number) {
    return this.#planner.breakdown(q, property, limit);
  }

  propKeys(q: StatsQuery, limit: number) {
    return this.#planner.propKeys(q, limit);
  }

  funnel(q: StatsQuery, steps: readonly Goal[]) {
    return this.#funnels.counts(q, steps);
  }

  /** Retention deleted events: step counts kept for sealed buckets may no longer hold. */
  protected forgetFunnelCounts(): void {
    this.#funnels.forget();
  }

  async realtime(since: number) {
    return computeRealtime(await this.rows(since, Number.MAX_SAFE_INTEGER), since);
  }
}
