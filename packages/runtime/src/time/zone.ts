/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl: the site's days, months and
 * salt buckets start at local midnight, and DST makes some local days 23 or 25 hours long.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function localParts(ts: number, tz: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(ts)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** Milliseconds to add to a UTC instant to get the zone's wall-clock time at that instant. */
export function offsetAt(ts: number, tz: string): number {
  const p = localParts(ts, tz);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(ts / 1000) * 1000;
}

/** The UTC instant of a wall-clock time, given as milliseconds on a UTC-based local axis. */
export function wallToUtc(wall: number, tz: string): number {
  // Two passes settle the offset on either side of a DST change; a wall time inside a spring-
  // forward gap resolves to the instant just after the gap.
  let ts = wall - offsetAt(wall, tz);
  ts = wall - offsetAt(ts, tz);
  return ts;
}

/** The UTC instant at which the local calendar day (year, month 1-12, day) begins. */
export function startOfDay(year: number, month: number, day: number, tz: string): number {
  return wallToUtc(Date.UTC(year, month - 1, day), tz);
}

/** A calendar date as YYYY-MM-DD, and the reverse. Date.UTC normalises overflowing days. */
export function isoDate(year: number, month: number, day: number): string {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.toISOString().slice(0, 10);
}

export function parseIsoDate(text: string): { year: number; month: number; day: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (isoDate(year, month, day) !== text) return undefined;
  return { year, month, day };
}
