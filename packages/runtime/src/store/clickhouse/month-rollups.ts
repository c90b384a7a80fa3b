import { randomBytes } from 'node:crypto';
import type { SealedBucket } from '../../stats/planner.ts';
import { monthOf, monthStart } from '../months.ts';
import { int, type Connection } from './connection.ts';

/**
 * Month rollups, as the SQLite engine keeps them (sqlite/month-rollups.ts): for each month whose
 * buckets are all sealed, the sum of their rollup rows. Visitor hashes never repeat across
 * buckets, so the sum is exact, visitors included, and a range covering whole months reads one
 * row per month and value instead of one per bucket and value: a 12-month page at 100 M events
 * read 1.6 M bucket rows (pages, entry and exit pages): 300 ms of ClickHouse's time alone, and the
 * page's critical path (500-700 ms) beside its other statements.
 *
 * Several instances may build a month at once: each writes its rows under its own `sealer` id,
 * then a marker in `months` naming the buckets it summed; readers take each month's smallest
 * marked sealer, as they do for buckets. A month is used only where its [first, last] lies inside
 * the range asked, so answers never depend on how months line up with the site's time zone.
 */

export const SUM_COLUMNS = 'visitors, visits, pageviews, events, bounces, visit_pageviews, duration_ms, engaged_ms, scroll_sum, scroll_count';
const SUMMED = SUM_COLUMNS.split(', ')
  .map((col) => `sum(${col}) AS ${col}`)
  .join(', ');

/** A month's marked rollups: they sum the sealed buckets starting in [first, last]. */
export interface MonthBlock {
  readonly month: number;
  readonly first: number;
  readonly last: number;
  readonly sealer: number;
}

/** The marked months, read at most every MONTHS_TTL_MS per connection (a page asks many sums at once). */
const MONTHS_TTL_MS = 5_000;
const monthsCache = new WeakMap<Connection, { at: number; list: Promise<MonthBlock[]> }>();

export function forgetMonths(c: Connection): void {
  monthsCache.delete(c);
}

export async function markedMonths(c: Connection): Promise<MonthBlock[]> {
  let cached = monthsCache.get(c);
  if (!cached || performance.now() - cached.at > MONTHS_TTL_MS) {
    const list = c
      .rows<Record<string, string>>('SELECT month, argMin(first, sealer) AS lo, argMin(last, sealer) AS hi, min(sealer) AS chosen FROM months GROUP BY month ORDER BY month')
      .then((rows) => rows.map((r) => ({ month: Number(r.month), first: Number(r.lo), last: Number(r.hi), sealer: Number(r.chosen) })));
    monthsCache.set(c, (cached = { at: performance.now(), list }));
    list.catch(() => monthsCache.delete(c));
  }
  return cached.list;
}

/**
 * Builds the rollups of every month that has none yet and whose buckets are all sealed (sealing
 * has passed the month's end), from the chosen bucket rollups (`chosen`, see rollups.ts).
 */
export async function buildMonths(c: Connection, sealed: readonly SealedBucket[], chosen: (from: number, to: number) => string): Promise<void> {
  const end = sealed.at(-1)?.end;
  if (end === undefined) return;
  forgetMonths(c);
  const have = new Set((await markedMonths(c)).map((m) => m.month));
  const months = new Map<number, { first: number; last: number; lastEnd: number }>();
  for (const b of sealed) {
    const m = months.get(monthOf(b.start));
    if (m) Object.assign(m, { last: b.start, lastEnd: b.end });
    else months.set(monthOf(b.start), { first: b.start, last: b.start, lastEnd: b.end });
  }
  for (const [month, { first, last, lastEnd }] of months) {
    if (have.has(month) || monthStart(month + 1) > end) continue;
    const sealer = randomBytes(6).readUIntBE(0, 6);
    await c.command(
      `INSERT INTO month_rollups (month, sealer, property, value, ${SUM_COLUMNS})
SELECT ${month}, ${sealer}, property, value, ${SUMMED} FROM rollups
WHERE bucket >= ${int(first)} AND bucket <= ${int(last)} AND ${chosen(first, lastEnd)} GROUP BY property, value`,
      true,
    );
    // The marker last: a marked sealer's rows are complete.
    await c.insert('months', [{ month, first, last, sealer }]);
  }
  forgetMonths(c);
}

/** Forgets the months on one side of `bucket`'s month (it included): their buckets' rollups are going. */
export async function forgetMonthsFrom(c: Connection, side: '<=' | '>=', bucket: number): Promise<void> {
  // Markers first: a reader stops using a month before its rows go.
  await c.command(`ALTER TABLE months DELETE WHERE month ${side} ${monthOf(bucket)}`, true);
  await c.command(`ALTER TABLE month_rollups DELETE WHERE month ${side} ${monthOf(bucket)}`, true);
  forgetMonths(c);
}
