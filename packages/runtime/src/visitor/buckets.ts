import { offsetAt, wallToUtc } from '../time/zone.ts';

/**
 * A rotation bucket: the span one visitor-hash salt lives. Buckets are counted on the site's
 * wall clock, so 24 h buckets (and multiples) start at local midnight and a visitor's day matches
 * the owner's day; shorter periods that divide 24 start at local midnight too.
 */
export interface Bucket {
  /** Position on the wall-clock axis; stored data is keyed by `start`, which survives a change of period. */
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

const HOUR = 3_600_000;

export function bucketAt(ts: number, rotationHours: number, tz: string): Bucket {
  const span = rotationHours * HOUR;
  const index = Math.floor((ts + offsetAt(ts, tz)) / span);
  return bucketByIndex(index, rotationHours, tz);
}

export function bucketByIndex(index: number, rotationHours: number, tz: string): Bucket {
  const span = rotationHours * HOUR;
  return { index, start: wallToUtc(index * span, tz), end: wallToUtc((index + 1) * span, tz) };
}
