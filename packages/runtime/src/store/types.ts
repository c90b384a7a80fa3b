import type { StorageEngine } from '../options.ts';
import type { Filter, Interval, PropertyName } from '../stats/query.ts';
import type { BreakdownRow, SeriesPoint, Totals } from '../stats/compute.ts';

export type EventKind = 'pageview' | 'event' | 'engagement';
/** Compact codes engines store instead of the kind's name. */
export const KIND_CODES = { pageview: 0, event: 1, engagement: 2 } as const satisfies Record<EventKind, number>;
export const KINDS: readonly EventKind[] = ['pageview', 'event', 'engagement'];

/**
 * Attributes of a visit, taken from its first event. Everything here has passed the privacy
 * projection: fields the mode does not allow are absent, and nothing here is an IP or a UA.
 */
export interface VisitAttributes {
  hostname?: string;
  referrer?: string;
  source?: string;
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  utm_content?: string;
  utm_term?: string;
  country?: string;
  region?: string;
  city?: string;
  browser?: string;
  os?: string;
  device?: string;
}

export const VISIT_ATTRIBUTES = [
  'hostname', 'referrer', 'source', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_content',
  'utm_term', 'country', 'region', 'city', 'browser', 'os', 'device',
] as const satisfies readonly (keyof VisitAttributes)[];

/** One event as the collector hands it to a store. */
export interface StoredEvent extends VisitAttributes {
  ts: number;
  kind: EventKind;
  /** Start (UTC ms) of the rotation bucket whose salt made the visitor hash; ids stay ordered even if the rotation period changes. */
  bucket: number;
  /** 128-bit visitor hash, 32 hex characters. */
  visitor: string;
  /** The visit: a tracker session id, or one the collector assigned. A visit never spans buckets. */
  session: string;
  path: string;
  name?: string;
  props?: Record<string, string>;
  /** Engaged milliseconds (kind 'engagement'). */
  engaged?: number;
}

/** A visit as engines keep it: one row per (bucket, session id). */
export interface Visit extends VisitAttributes {
  readonly key: number;
  readonly bucket: number;
  readonly visitor: string;
}

/** An event joined to its visit: what the stats computation reads. */
export interface EventRow {
  readonly ts: number;
  readonly kind: EventKind;
  readonly path: string;
  readonly name?: string | undefined;
  readonly props?: Record<string, string> | undefined;
  readonly engaged?: number | undefined;
  readonly visit: Visit;
}

export interface StatsQuery {
  /** Inclusive start, exclusive end, UTC milliseconds. */
  readonly from: number;
  readonly to: number;
  readonly filters: readonly Filter[];
}

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
