import type { StorageEngine } from '../options.ts';
import type { StoredEvent } from '../model/events.ts';
import type { BreakdownRow, Funnel, Goal, Interval, PropertyName, SeriesPoint, StatsQuery, Totals } from '../model/stats.ts';

// The storage contract, in the parts each caller needs: the collector's writer sees EventSink,
// the salt keeper SaltVault, the API and dashboard StatsQuestions, the maintenance timer
// Maintenance, `footfall migrate` HistoryExport and HistoryImport. An engine implements Store
// (all but the import), registers in engines.ts, and runs the contract suite (contract.test.ts).
// Every method may reject with FootfallStorageError.

/** Events in: what the collector's group commit calls. */
export interface EventSink {
  /**
   * Capability: the shortest useful gap between commits. 0 where a commit is cheap for the
   * request thread; more where each commit costs a lot whatever its size (a file rewrite), so
   * that under load every commit carries a bigger batch.
   */
  readonly commitIntervalMs: number;
  /** Resolves only once every event is durable (on disk, committed). */
  append(events: readonly StoredEvent[]): Promise<void>;
}

/**
 * Stats questions, not SQL: an engine answers them its own way. The embedded engines share one
 * strategy (PlannedStore: rollups of sealed buckets, live aggregates of the open one, raw rows
 * where neither answers); a columnar database answers them natively in its own query language.
 */
export interface StatsQuestions {
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
}

/** The rotating salts visitor hashes are made with; shared by every process of the site. */
export interface SaltVault {
  /** The salt of a rotation bucket: 32 random bytes, created on first use, shared by processes. */
  salt(bucket: number): Promise<Uint8Array>;
  /** The salt of a bucket if one exists, without creating one (a migration reads its source so). */
  storedSalt(bucket: number): Promise<Uint8Array | undefined>;
  /** Destroys every salt of a bucket before `bucket`, leaving no copy in the engine's files. */
  destroySaltsBefore(bucket: number): Promise<void>;
}

/** What the maintenance timer runs. */
export interface Maintenance {
  /**
   * Seals every bucket that started before `bucket` (they have ended): builds their rollups, so
   * long ranges stop reading raw events. Idempotent; safe to run from several processes.
   */
  seal(bucket: number): Promise<void>;
  /** Deletes events older than `before` and visits of buckets before `bucket`; returns events deleted. */
  prune(before: number, bucket: number): Promise<number>;
}

/** History out, for `footfall migrate`: never how stats questions are answered. */
export interface HistoryExport {
  /** The events of [from, to) as they were appended (each with its visit's attributes), oldest first. */
  exportEvents(from: number, to: number): Promise<StoredEvent[]>;
}

/** History in, for engines a migration can copy into (see `migrationTarget` in engines.ts). */
export interface HistoryImport {
  /** How many events of [from, to) earlier imports stored; events appended live are not counted. */
  importedCount(from: number, to: number): Promise<number>;
  /**
   * Stores the events of [from, to) copied from another store, replacing whatever an earlier
   * import stored there (all of it, or part, if that run was interrupted), never touching events
   * appended live. Rollups covering the range are forgotten; the next seal builds them again.
   */
  importEvents(from: number, to: number, events: readonly StoredEvent[]): Promise<void>;
  /** Takes over another store's salt, unless the bucket has one already: visitors keep their hash. */
  importSalt(bucket: number, salt: Uint8Array): Promise<void>;
}

/** A whole engine, as the runtime opens it. */
export interface Store extends EventSink, StatsQuestions, SaltVault, Maintenance, HistoryExport {
  readonly engine: StorageEngine;
  close(): Promise<void>;
}

/** What answering a stats question needs: the questions, the site's time zone and the clock. */
export interface StatsContext {
  readonly store: StatsQuestions;
  readonly timezone: string;
  readonly now: () => number;
  /** The site's goals (the `goals` setting). */
  readonly goals?: readonly Goal[];
  /** The site's funnels (the `funnels` setting). */
  readonly funnels?: readonly Funnel[];
}
