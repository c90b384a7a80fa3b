import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { RollupRow } from '../../stats/rollup.ts';
import { arrayQuery, type ArrayQuery } from './compat.ts';
import { monthOf, monthStart, uncovered } from '../months.ts';

// Month rollups: for each month, the sum of its sealed buckets' rollup rows. Visitor hashes never
// repeat across buckets, so the sum is exact, visitors included, and a range that covers whole
// months reads one row per month and value instead of one per bucket and value: a year of the
// bench's 2,000-page site at 10 M events is 24 k page rows instead of 580 k, and SQLite's GROUP BY
// costs about a microsecond per row.

export const SUMS = 'visitors, visits, pageviews, events, bounces, visit_pageviews, duration_ms, engaged_ms, scroll_sum, scroll_count';
const SUMMED = SUMS.split(', ')
  .map((c) => `sum(${c})`)
  .join(', ');

/** Creates the tables; in a migration, rebuild() then fills them from the rollups. */
export const MONTH_SCHEMA = `DROP TABLE IF EXISTS month_rollups;
  DROP TABLE IF EXISTS months;
  -- A month's rollup rows sum exactly the sealed buckets whose starts lie in [first, last].
  CREATE TABLE months (month INTEGER PRIMARY KEY, first INTEGER NOT NULL, last INTEGER NOT NULL);
  CREATE TABLE month_rollups (
    property INTEGER NOT NULL, month INTEGER NOT NULL, value INTEGER NOT NULL, -- strings.id
    visitors INTEGER NOT NULL, visits INTEGER NOT NULL, pageviews INTEGER NOT NULL, events INTEGER NOT NULL,
    bounces INTEGER NOT NULL, visit_pageviews INTEGER NOT NULL, duration_ms INTEGER NOT NULL, engaged_ms INTEGER NOT NULL,
    scroll_sum INTEGER NOT NULL DEFAULT 0, scroll_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (property, month, value)
  ) WITHOUT ROWID;`;

interface Block {
  readonly month: number;
  readonly first: number;
  readonly last: number;
}

/**
 * Reads rollup sums over a run of sealed buckets from month rollups where a month lies wholly
 * inside the run and from bucket rollups for the rest, and keeps month rollups in step with
 * sealing and pruning (in their transactions).
 *
 * Invariant: a `months` row says that month's rollup rows are the exact sum of the rollups of
 * every sealed bucket starting in [first, last]. Sealing goes in bucket order and adds each new
 * bucket to its month; pruning drops the months it touches and rebuilds the one it cuts. A month
 * is used only where [first, last] lies inside the range asked, so answers never depend on how
 * months line up with the site's time zone.
 */
/** A rollup row's sums in the order of SUMS, the columns both rollup tables share. */
export function sumsOf(r: RollupRow): number[] {
  return [r.visitors, r.visits, r.pageviews, r.events, r.bounces, r.visitPageviews, r.durationMs, r.engagedMs, r.scrollSum, r.scrollCount];
}

export class MonthRollups {
  readonly #db: DatabaseSync;
  readonly #blocks: StatementSync;
  readonly #addRow: StatementSync;
  readonly #addBucket: StatementSync;
  /** Sum queries by shape: with or without months, how many bucket stretches, one value or all. */
  readonly #queries = new Map<string, ArrayQuery>();

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#blocks = db.prepare('SELECT month, first, last FROM months WHERE month BETWEEN ? AND ? ORDER BY month');
    this.#addRow = db.prepare(`INSERT INTO month_rollups (property, month, value, ${SUMS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (property, month, value) DO UPDATE SET ${SUMS.split(', ')
        .map((c) => `${c} = ${c} + excluded.${c}`)
        .join(', ')}`);
    this.#addBucket = db.prepare(`INSERT INTO months (month, first, last) VALUES (?, ?, ?)
      ON CONFLICT (month) DO UPDATE SET first = min(first, excluded.first), last = max(last, excluded.last)`);
  }

  /**
   * Rows of [value id, visitors, visits, pageviews, events, bounces, visit pageviews, duration,
   * engaged, scroll sum, scroll count] of one property (optionally one value), summed over sealed buckets: `starts` are the
   * starts of every sealed bucket from the first to the last, in order.
   */
  sums(property: number, value: number | undefined, starts: readonly number[]): number[][] {
    const first = starts[0]!;
    const last = starts.at(-1)!;
    const months = (this.#blocks.all(monthOf(first), monthOf(last)) as unknown as Block[]).filter((m) => m.first >= first && m.last <= last);
    const stretches = uncovered(starts, months);
    const one = value !== undefined;
    const key = `${months.length > 0}|${stretches.length}|${one}`;
    let query = this.#queries.get(key);
    if (!query) {
      const parts: string[] = [];
      if (months.length) parts.push(`SELECT value, ${SUMS} FROM month_rollups WHERE property = ? AND month BETWEEN ? AND ?${one ? ' AND value = ?' : ''}`);
      for (let i = 0; i < stretches.length; i++) parts.push(`SELECT value, ${SUMS} FROM rollups WHERE property = ? AND bucket BETWEEN ? AND ?${one ? ' AND value = ?' : ''}`);
      query = arrayQuery(this.#db.prepare(`SELECT value, ${SUMMED} FROM (${parts.join(' UNION ALL ')}) GROUP BY value`));
      this.#queries.set(key, query);
    }
    const params: number[] = [];
    const part = (from: number, to: number) => (one ? params.push(property, from, to, value) : params.push(property, from, to));
    // All months between the first and the last in use are in use: each lies inside the range.
    if (months.length) part(months[0]!.month, months.at(-1)!.month);
    for (const [from, to] of stretches) part(from, to);
    return query(...params) as number[][];
  }

  /** Adds a newly sealed bucket's rollup rows to its month: call in the sealing transaction. */
  add(bucket: number, rows: readonly RollupRow[], intern: (text: string) => number): void {
    const month = monthOf(bucket);
    for (const r of rows) {
      this.#addRow.run(intern(r.property), month, intern(r.value), ...sumsOf(r));
    }
    this.#addBucket.run(month, bucket, bucket);
  }

  /** Unseals every bucket from `bucket` on: an import changed their events. Call in a transaction. */
  unsealFrom(bucket: number): void {
    this.#unseal('>=', bucket);
  }

  /** Unseals every bucket up to `bucket`: retention deleted some of their events. Call in a transaction. */
  prune(bucket: number): void {
    this.#unseal('<=', bucket);
  }

  /**
   * Drops the rollups of the buckets on one side of `bucket` (it included) and the months that
   * summed any of them, then rebuilds the month `bucket` lies in from its buckets left. Sealing
   * continues after the last sealed bucket, so buckets unsealed at the end are sealed again.
   * Deletes seek each property's rows (the keys start with the property) instead of scanning.
   */
  #unseal(side: '<=' | '>=', bucket: number): void {
    const month = monthOf(bucket);
    const rollups = this.#db.prepare(`DELETE FROM rollups WHERE property = ? AND bucket ${side} ?`);
    for (const p of properties(this.#db, 'rollups')) rollups.run(p, bucket);
    this.#db.prepare(`DELETE FROM sealed WHERE bucket ${side} ?`).run(bucket);
    // Answers kept from the buckets' raw events (stats/kept-answers.ts) go with their rollups.
    this.#db.prepare(`DELETE FROM kept WHERE bucket ${side} ?`).run(bucket);
    const months = this.#db.prepare(`DELETE FROM month_rollups WHERE property = ? AND month ${side} ?`);
    for (const p of properties(this.#db, 'month_rollups')) months.run(p, month);
    this.#db.prepare(`DELETE FROM months WHERE month ${side} ?`).run(month);
    rebuild(this.#db, month, month);
  }
}

/**
 * Builds the month rollups of months `from` to `to` (all months without them) from the bucket
 * rollups; their rows must not exist yet. For the migration, and for the month a prune cut.
 */
export function rebuild(db: DatabaseSync, from?: number, to?: number): void {
  const lo = from === undefined ? Number.MIN_SAFE_INTEGER : monthStart(from);
  const hi = to === undefined ? Number.MAX_SAFE_INTEGER : monthStart(to + 1) - 1;
  const sealed = (db.prepare('SELECT bucket FROM sealed WHERE bucket BETWEEN ? AND ? ORDER BY bucket').all(lo, hi) as { bucket: number }[]).map((r) => Number(r.bucket));
  const months = new Map<number, { first: number; last: number }>();
  for (const b of sealed) {
    const m = months.get(monthOf(b));
    if (m) m.last = b;
    else months.set(monthOf(b), { first: b, last: b });
  }
  if (months.size === 0) return;
  const ids = properties(db, 'rollups');
  const insert = db.prepare(`INSERT INTO month_rollups (property, month, value, ${SUMS})
    SELECT property, ?, value, ${SUMMED} FROM rollups WHERE property = ? AND bucket BETWEEN ? AND ? GROUP BY value`);
  const insertMonth = db.prepare('INSERT INTO months (month, first, last) VALUES (?, ?, ?)');
  for (const [month, { first, last }] of months) {
    for (const p of ids) insert.run(month, p, first, last);
    insertMonth.run(month, first, last);
  }
}

/** The distinct properties of a rollup table, each found by one index seek (a loose index scan). */
function properties(db: DatabaseSync, table: 'rollups' | 'month_rollups'): number[] {
  const next = db.prepare(`SELECT property FROM ${table} WHERE property > ? ORDER BY property LIMIT 1`);
  const out: number[] = [];
  for (let row = next.get(-1) as { property: number } | undefined; row; row = next.get(row.property) as { property: number } | undefined) {
    out.push(Number(row.property));
  }
  return out;
}
