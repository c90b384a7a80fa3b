import type { StorageEngine } from '../options.ts';
import type { StoredEvent } from '../model/events.ts';
import type { BreakdownRow, Funnel, Goal, Interval, PropertyName, SeriesPoint, StatsQuery, Totals } from '../model/stats.ts';

/**
 * The whole storage contract. Questions are stats questions, not SQL, so a columnar engine can
 * answer them its own way. Every method may reject with FootfallStorageError.
 */
export interface Store {
  readonly engine: StorageEngine;
  /**
   * Capability: the shortest useful gap between commits. 0 where a commit is cheap for the
   * request thread; more where each commit costs a lot whatever its size (a file rewrite), so
   * that under load every commit carries a bigger batch.
   */
  readonly commitIntervalMs: number;
  /** Resolves only once every event is durable (on disk, committed). */
  append(events: readonly StoredEvent[]): Promise<void>;
  totals(query: StatsQuery): Promise<Totals>;
  timeseries(query: StatsQuery, intervals: readonly Interval[]): Promise<SeriesPoint[]>;
  breakdown(query: StatsQuery, property: PropertyName, limit: number): Promise<BreakdownRow[]>;
  /**
   * The prop keys of the custom events matching the query, most used first: which `prop:<key>`
   * breakdowns exist (the dashboard asks it with an `event` filter, to list one event's props).
   */
  propKeys(query: StatsQuery, limit: number): Promise<string[]>;
  /**
   * Per funnel step, the visitors with a visit in the query's range and filters whose events, in
   * time order, reach steps 1..k (stats/funnels.ts says exactly what that means).
   */
  funnel(query: StatsQuery, steps: readonly Goal[]): Promise<number[]>;
  /** Distinct visitors with any event at or after `since`. */
  realtime(since: number): Promise<number>;
  /** Time of the oldest stored event, for the `all` period. */
  earliest(): Promise<number | undefined>;
  /** The salt of a rotation bucket: 32 random bytes, created on first use, shared by processes. */
  salt(bucket: number): Promise<Uint8Array>;
  /** Destroys every salt of a bucket before `bucket`, leaving no copy in the engine's files. */
  destroySaltsBefore(bucket: number): Promise<void>;
  /**
   * Seals every bucket that started before `bucket` (they have ended): builds their rollups, so
   * long ranges stop reading raw events. Idempotent; safe to run from several processes.
   */
  seal(bucket: number): Promise<void>;
  /** Deletes events older than `before` and visits of buckets before `bucket`; returns events deleted. */
  prune(before: number, bucket: number): Promise<number>;
  close(): Promise<void>;
}

/** What answering a stats question needs: the store, the site's time zone and the clock. */
export interface StatsContext {
  readonly store: Store;
  readonly timezone: string;
  readonly now: () => number;
  /** The site's goals (the `goals` setting). */
  readonly goals?: readonly Goal[];
  /** The site's funnels (the `funnels` setting). */
  readonly funnels?: readonly Funnel[];
}
