/** How numbers, durations, dates and places read on the page. Output is plain text: escape it. */

const NUMBER = new Intl.NumberFormat('en-US');
const REGIONS = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

export function formatNumber(n: number): string {
  return NUMBER.format(n);
}

/** 45s, 3m 05s, 1h 02m: a visit duration at a glance. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A page's scroll depth, or a dash where no view of it reported one. */
export function formatScrollDepth(depth: number | null | undefined): string {
  return depth === null || depth === undefined ? '\u2014' : `${depth}%`;
}

export type MetricKind = 'count' | 'ratio' | 'percent' | 'duration';

export function formatMetric(value: number, kind: MetricKind): string {
  if (kind === 'percent') return `${value}%`;
  if (kind === 'duration') return formatDuration(value);
  return kind === 'ratio' ? value.toFixed(2) : formatNumber(value);
}

export interface ChangeView {
  readonly direction: 'up' | 'down' | 'flat' | 'new';
  /** "12%", or "3 pts" for a rate; empty when there is nothing to compare with. */
  readonly text: string;
  /** Whether the change is good news (a falling bounce rate is). */
  readonly good: boolean | undefined;
}

/** Change against the previous period: percent, or percentage points for a rate. */
export function change(current: number, previous: number, kind: MetricKind, lowerIsBetter = false): ChangeView {
  const delta = kind === 'percent' ? current - previous : previous === 0 ? NaN : ((current - previous) / previous) * 100;
  if (Number.isNaN(delta)) return current === 0 ? { direction: 'flat', text: '0%', good: undefined } : { direction: 'new', text: 'new', good: true };
  const rounded = Math.round(delta);
  if (rounded === 0) return { direction: 'flat', text: kind === 'percent' ? '0 pts' : '0%', good: undefined };
  const up = rounded > 0;
  const unit = kind !== 'percent' ? '%' : Math.abs(rounded) === 1 ? ' pt' : ' pts';
  return { direction: up ? 'up' : 'down', text: `${Math.abs(rounded)}${unit}`, good: up !== lowerIsBetter };
}

/** ISO 3166 code -> "United Kingdom" (Intl knows the names; no table to ship). */
export function countryName(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return code;
  try {
    return REGIONS.of(code) ?? code;
  } catch {
    return code;
  }
}

/** ISO 3166 code -> its flag emoji (two regional indicator symbols). */
export function flag(code: string): string {
  return /^[A-Z]{2}$/.test(code) ? String.fromCodePoint(...[...code].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65)) : '';
}

const SHORT_DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const LONG_DAY = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/**
 * Chart labels from the API's interval labels (`2026-03-10`, `2026-03-10 14:00`, `2026-03`),
 * which are already wall-clock times in the site's zone: formatted as UTC to keep them as they are.
 */
export function intervalLabel(date: string, long = false): string {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?(?: (\d{2}:\d{2}))?$/.exec(date);
  if (!m) return date;
  const at = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3] ?? 1)));
  if (m[4]) return long ? `${LONG_DAY.format(at)}, ${m[4]}` : m[4];
  if (!m[3]) return MONTH.format(at);
  return (long ? LONG_DAY : SHORT_DAY).format(at);
}

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** `25 Oct 2026 – 23 Nov 2026`, or one date for a one-day range (days as YYYY-MM-DD). */
export function rangeLabel(firstDay: string, lastDay: string): string {
  const date = (iso: string) => DATE.format(new Date(`${iso}T00:00:00Z`));
  return firstDay === lastDay ? date(firstDay) : `${date(firstDay)} – ${date(lastDay)}`;
}
