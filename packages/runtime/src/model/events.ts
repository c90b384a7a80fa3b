// The events and visits every layer speaks of: what the collector stores, what engines keep and
// what the stats read. The bottom layer: this module imports nothing.

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
  'hostname',
  'referrer',
  'source',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
  'country',
  'region',
  'city',
  'browser',
  'os',
  'device',
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
  /** Scroll depth reached on the page so far, a whole percentage 0-100 (kind 'engagement', when reported). */
  scroll?: number;
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
  readonly scroll?: number | undefined;
  readonly visit: Visit;
}
