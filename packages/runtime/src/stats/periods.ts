import { isoDate, localParts, parseIsoDate, startOfDay } from '../time/zone.ts';
import type { Interval } from '../model/stats.ts';
import { DEFAULT_PERIOD, INTERVALS, PERIODS, type IntervalUnit, type Period, type Range } from '../model/query.ts';

export { INTERVALS, PERIODS, type IntervalUnit, type Period, type Range } from '../model/query.ts';

interface Day {
  year: number;
  month: number;
  day: number;
}

const DAY = 86_400_000;
/** Custom ranges are capped so one request cannot ask for centuries of hourly points. */
const MAX_CUSTOM_DAYS = 3660;

function shift(d: Day, days: number): Day {
  return parseIsoDate(isoDate(d.year, d.month, d.day + days))!;
}

function label(d: Day): string {
  return isoDate(d.year, d.month, d.day);
}

function span(period: Period, first: Day, last: Day, tz: string, interval?: IntervalUnit): Range {
  const from = startOfDay(first.year, first.month, first.day, tz);
  const next = shift(last, 1);
  const to = startOfDay(next.year, next.month, next.day, tz);
  const days = Math.round((to - from) / DAY);
  const fallback: IntervalUnit = days <= 2 ? 'hour' : days <= 93 ? 'day' : 'month';
  return { period, from, to, firstDay: label(first), lastDay: label(last), interval: interval ?? fallback };
}

/**
 * Resolves a period to a range of local days in the site's zone. `earliest` (the oldest stored
 * event) bounds `all`. Returns an error string for input the API should answer 400 to.
 */
export function resolvePeriod(
  params: { period?: string | null; from?: string | null; to?: string | null; interval?: string | null },
  tz: string,
  now: number,
  earliest?: number,
): Range | { error: string } {
  const period = (params.period ?? DEFAULT_PERIOD) as Period;
  if (!PERIODS.includes(period)) return { error: `period must be one of ${PERIODS.join(', ')}` };
  const interval = params.interval ?? undefined;
  if (interval !== undefined && !INTERVALS.includes(interval as IntervalUnit)) return { error: `interval must be one of ${INTERVALS.join(', ')}` };
  const unit = interval as IntervalUnit | undefined;
  const p = localParts(now, tz);
  const today: Day = { year: p.year, month: p.month, day: p.day };
  switch (period) {
    case 'today':
      return span(period, today, today, tz, unit ?? 'hour');
    case 'yesterday': {
      const y = shift(today, -1);
      return span(period, y, y, tz, unit ?? 'hour');
    }
    case '7d':
      return span(period, shift(today, -6), today, tz, unit ?? 'day');
    case '30d':
      return span(period, shift(today, -29), today, tz, unit ?? 'day');
    case 'month': {
      const last = shift({ year: p.year, month: p.month + 1, day: 1 }, -1);
      return span(period, { ...today, day: 1 }, last, tz, unit ?? 'day');
    }
    case '12mo': {
      const first = parseIsoDate(isoDate(p.year, p.month - 11, 1))!;
      const last = shift(parseIsoDate(isoDate(p.year, p.month + 1, 1))!, -1);
      return span(period, first, last, tz, unit ?? 'month');
    }
    case 'all': {
      const e = localParts(Math.min(earliest ?? now, now), tz);
      return span(period, { year: e.year, month: e.month, day: e.day }, today, tz, unit);
    }
    case 'custom': {
      const first = params.from ? parseIsoDate(params.from) : undefined;
      const last = params.to ? parseIsoDate(params.to) : undefined;
      if (!first || !last) return { error: 'period=custom needs from and to as YYYY-MM-DD' };
      if (label(first) > label(last)) return { error: 'from must not be after to' };
      const range = span(period, first, last, tz, unit);
      if ((range.to - range.from) / DAY > MAX_CUSTOM_DAYS) return { error: `from and to may span at most ${MAX_CUSTOM_DAYS} days` };
      return range;
    }
  }
}

/**
 * The preceding period of equal length. When the current period is still running, both stop at
 * the same point, so "today until 14:00" compares with "yesterday until 14:00".
 */
export function previousRange(range: Range, now: number): { from: number; to: number } {
  const length = range.to - range.from;
  const elapsed = Math.min(length, Math.max(0, now - range.from + 1));
  return { from: range.from - length, to: range.from - length + elapsed };
}

const MAX_POINTS = 10_000;

/** Chart intervals that tile the range, labelled on the site's wall clock. */
export function intervalsOf(range: Range, tz: string): Interval[] | { error: string } {
  const out: Interval[] = [];
  const first = parseIsoDate(range.firstDay)!;
  if (range.interval === 'hour') {
    if ((range.to - range.from) / 3_600_000 > MAX_POINTS) return { error: 'too many hourly points: choose interval=day or month' };
    // Stepping UTC hours from local midnight crosses DST changes correctly: a local hour is
    // an hour of real time, and the labels come from the wall clock.
    for (let t = range.from; t < range.to; t += 3_600_000) {
      const p = localParts(t, tz);
      out.push({
        start: t,
        end: Math.min(t + 3_600_000, range.to),
        label: `${isoDate(p.year, p.month, p.day)} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`,
      });
    }
    return out;
  }
  for (let i = 0; ; i++) {
    const d = range.interval === 'day' ? shift(first, i) : parseIsoDate(isoDate(first.year, first.month + i, 1))!;
    const start = i === 0 ? range.from : startOfDay(d.year, d.month, d.day, tz);
    if (start >= range.to) break;
    const next = range.interval === 'day' ? shift(d, 1) : parseIsoDate(isoDate(d.year, d.month + 1, 1))!;
    const end = Math.min(range.to, startOfDay(next.year, next.month, next.day, tz));
    out.push({ start, end, label: range.interval === 'day' ? label(d) : label(d).slice(0, 7) });
  }
  return out;
}
