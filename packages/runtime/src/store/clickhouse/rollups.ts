import { randomBytes } from 'node:crypto';
import type { SealedBucket } from '../../stats/planner.ts';
import type { RollupRow } from '../../stats/rollup.ts';
import { int, lit, type Connection } from './connection.ts';
import { uncovered } from '../months.ts';
import { buildMonths, forgetMonthsFrom, markedMonths, SUM_COLUMNS } from './month-rollups.ts';
import { visitsSql } from './visits.ts';
import { VISIT_ATTRIBUTES } from '../../model/events.ts';
import { DIRECT } from '../../model/stats.ts';

/**
 * Rollups computed inside ClickHouse when buckets end: the same rows as stats/rollup.ts builds
 * for SQLite (totals per property value, per event's props), by INSERT ... SELECT, so sealing
 * never loads events into Node either. Long ranges then sum a few rows per day.
 */

/** Events per sealing query: bounds the server's memory for the per-visit grouping. */
const SEAL_BATCH_EVENTS = 2_000_000;

const SUMS =
  'sum(visitors) AS visitors, sum(visits) AS visits, sum(pageviews) AS pageviews, sum(events) AS events, sum(bounces) AS bounces, sum(visit_pageviews) AS visit_pageviews, sum(duration_ms) AS duration_ms, sum(engaged_ms) AS engaged_ms, sum(scroll_sum) AS scroll_sum, sum(scroll_count) AS scroll_count';

/** The marked (bucket, sealer) pairs of sealed buckets inside [from, to). */
function chosen(from: number, to: number): string {
  return `(bucket, sealer) IN (SELECT bucket, min(sealer) FROM sealed WHERE bucket >= ${int(from)} AND bucket_end <= ${int(to)} GROUP BY bucket)`;
}

/**
 * Every sealed bucket, read at most every SEALED_TTL_MS per connection: a dashboard asks each
 * panel's question at once. A list a moment stale (another instance just sealed a bucket) is
 * still exact: that bucket's raw events answer instead of its rollups.
 */
const SEALED_TTL_MS = 5_000;
const sealedCache = new WeakMap<Connection, { at: number; list: Promise<SealedBucket[]> }>();

export function forgetSealedList(c: Connection): void {
  sealedCache.delete(c);
}

export async function sealedBuckets(c: Connection, from: number, to: number): Promise<SealedBucket[]> {
  let cached = sealedCache.get(c);
  if (!cached || performance.now() - cached.at > SEALED_TTL_MS) {
    const list = c
      .rows<{ bucket: string; sealed_end: string }>('SELECT bucket, argMin(bucket_end, sealer) AS sealed_end FROM sealed GROUP BY bucket ORDER BY bucket')
      .then((rows) => rows.map((r) => ({ start: Number(r.bucket), end: Number(r.sealed_end) })));
    sealedCache.set(c, (cached = { at: performance.now(), list }));
    list.catch(() => sealedCache.delete(c));
  }
  return (await cached.list).filter((b) => b.start >= from && b.end <= to);
}

type Raw = Record<string, string | number>;
const toRollup = (property: string, r: Raw): RollupRow => ({
  property,
  value: String(r.value),
  visitors: Number(r.visitors),
  visits: Number(r.visits),
  pageviews: Number(r.pageviews),
  events: Number(r.events),
  bounces: Number(r.bounces),
  visitPageviews: Number(r.visit_pageviews),
  durationMs: Number(r.duration_ms),
  engagedMs: Number(r.engaged_ms),
  scrollSum: Number(r.scroll_sum),
  scrollCount: Number(r.scroll_count),
});

/**
 * Rollup rows of one property (optionally one value), summed over the sealed buckets: whole
 * months from their month rollups, the other buckets from theirs.
 */
export async function rollupSums(c: Connection, buckets: readonly SealedBucket[], property: string, value?: string): Promise<RollupRow[]> {
  if (buckets.length === 0) return [];
  const first = buckets[0]!.start;
  const last = buckets.at(-1)!.start;
  const which = `property = ${lit(property)}${value === undefined ? '' : ` AND value = ${lit(value)}`}`;
  const picked = chosen(first, buckets.at(-1)!.end);
  const months = (await markedMonths(c)).filter((m) => m.first >= first && m.last <= last);
  const parts = [
    ...(months.length
      ? [`SELECT value, ${SUM_COLUMNS} FROM month_rollups WHERE ${which} AND (month, sealer) IN (${months.map((m) => `(${m.month}, ${m.sealer})`).join(', ')})`]
      : []),
    ...uncovered(
      buckets.map((b) => b.start),
      months,
    ).map(([lo, hi]) => `SELECT value, ${SUM_COLUMNS} FROM rollups WHERE ${which} AND bucket >= ${int(lo)} AND bucket <= ${int(hi)} AND ${picked}`),
  ];
  return (await c.rows<Raw>(`SELECT value, ${SUMS} FROM (${parts.join('\nUNION ALL\n')}) GROUP BY value`)).map((r) => toRollup(property, r));
}

/** Per-bucket rollup rows of one property value. */
export async function rollupSeries(c: Connection, buckets: readonly SealedBucket[], property: string, value: string): Promise<Map<number, RollupRow>> {
  if (buckets.length === 0) return new Map();
  const where = `property = ${lit(property)} AND value = ${lit(value)} AND bucket >= ${int(buckets[0]!.start)} AND bucket <= ${int(buckets.at(-1)!.start)} AND ${chosen(buckets[0]!.start, buckets.at(-1)!.end)}`;
  const rows = await c.rows<Raw>(`SELECT bucket, value, ${SUMS} FROM rollups WHERE ${where} GROUP BY bucket, value`);
  return new Map(rows.map((r) => [Number(r.bucket), toRollup(property, r)]));
}

/** How many custom events carry each prop key (of events named `event`, if given), over the sealed buckets. */
export async function rollupPropKeys(c: Connection, buckets: readonly SealedBucket[], event?: string): Promise<Map<string, number>> {
  if (buckets.length === 0) return new Map();
  const suffix = event === undefined ? '' : `\u001fevent:${event}`;
  const match = event === undefined ? `property LIKE 'prop:%' AND position(property, '\\x1f') = 0` : `property LIKE 'prop:%' AND endsWith(property, ${lit(suffix)})`;
  const rows = await c.rows<{ property: string; uses: string }>(`SELECT property, sum(events) AS uses FROM rollups
WHERE ${match} AND bucket >= ${int(buckets[0]!.start)} AND bucket <= ${int(buckets.at(-1)!.start)} AND ${chosen(buckets[0]!.start, buckets.at(-1)!.end)} GROUP BY property`);
  return new Map(rows.map((r) => [r.property.slice(5, r.property.length - suffix.length), Number(r.uses)]));
}

/**
 * Seals every bucket that started before `before` and has no marker yet. Buckets partition time:
 * a sealed bucket covers its start up to the next bucket with events (or `before`).
 */
export async function seal(c: Connection, before: number): Promise<void> {
  const [last] = await c.rows<{ b: string; n: string }>('SELECT max(bucket) AS b, count() AS n FROM sealed');
  const after = last && Number(last.n) > 0 ? Number(last.b) : -Number.MAX_SAFE_INTEGER;
  const open = (
    await c.rows<{ bucket: string; n: string }>(`SELECT bucket, count() AS n FROM events WHERE bucket > ${int(after)} AND bucket < ${int(before)} GROUP BY bucket ORDER BY bucket`)
  ).map((r) => ({ bucket: Number(r.bucket), n: Number(r.n) }));
  for (let i = 0; i < open.length; ) {
    let j = i;
    let events = open[i]!.n;
    while (j + 1 < open.length && events + open[j + 1]!.n <= SEAL_BATCH_EVENTS) events += open[++j]!.n;
    const from = open[i]!.bucket;
    const to = open[j + 1]?.bucket ?? before;
    const sealer = randomBytes(6).readUIntBE(0, 6);
    await c.command(visitLevelRollups(from, to, sealer), true);
    await c.command(eventLevelRollups(from, to, sealer), true);
    // The marker last: a marked sealer's rows are complete.
    await c.insert(
      'sealed',
      open.slice(i, j + 1).map((b, k) => ({ bucket: b.bucket, bucket_end: open[i + k + 1]?.bucket ?? before, sealer })),
    );
    i = j + 1;
  }
  forgetSealedList(c);
  await buildMonths(c, await sealedBuckets(c, -Infinity, Infinity), chosen);
}

/** '' (all traffic) and every visit-level property: one row per visit, unfolded per property. */
function visitLevelRollups(from: number, to: number, sealer: number): string {
  const visits = visitsSql({ from, to, filters: [] }, from, () => []);
  const pairs = [
    `('', '')`,
    ...VISIT_ATTRIBUTES.map((a) => (a === 'source' ? `('source', if(a_source = '', ${lit(DIRECT)}, a_source))` : `('${a}', a_${a})`)),
    `('entry_page', entry)`,
    `('exit_page', exit)`,
  ];
  return `INSERT INTO rollups (bucket, sealer, property, value, visitors, visits, pageviews, events, bounces, visit_pageviews, duration_ms, engaged_ms)
SELECT bucket, ${sealer}, tupleElement(p, 1) AS property, tupleElement(p, 2) AS value, uniqExact(visitor), count(), sum(pv), sum(ev),
  countIf(pv = 1 AND ev = 0), sum(pv), sum(duration), 0
FROM (${visits}) ARRAY JOIN [${pairs.join(', ')}] AS p
WHERE property = '' OR value != ''
GROUP BY bucket, property, value`;
}

/**
 * page, event, prop:<key> and prop:<key> per event name: each event row unfolds into the values it
 * carries; grouped per visit and value first, so bounces and durations are the matched visits'.
 */
function eventLevelRollups(from: number, to: number, sealer: number): string {
  // (property, value, kind, engaged ms, scroll depth: -1 for none)
  const hit = (property: string, value: string, kind = 'kind', engaged = 'toUInt32(0)', scroll = '-1') =>
    `(${property}, ${value}, toUInt8(${kind}), toUInt32(${engaged}), toInt16(${scroll}))`;
  const rowHits = `if(kind = 1,
    arrayConcat([${hit("'page'", 'path')}, ${hit("'event'", 'name')}],
      arrayMap((k, v) -> ${hit("concat('prop:', k)", 'v')}, prop_keys, prop_values),
      arrayMap((k, v) -> ${hit("concat('prop:', k, '\\x1fevent:', name)", 'v')}, prop_keys, prop_values)),
    [${hit("'page'", 'path', 'kind', 'engaged', 'ifNull(toInt16(scroll), toInt16(-1))')}])`;
  const visits = visitsSql({ from, to, filters: [] }, from, () => [`groupArrayArray(${rowHits}) AS hits`]);
  // A page's scroll depth: each visit's deepest report on it (scn: how many it made).
  return `INSERT INTO rollups (bucket, sealer, property, value, visitors, visits, pageviews, events, bounces, visit_pageviews, duration_ms, engaged_ms, scroll_sum, scroll_count)
SELECT bucket, ${sealer}, property, value, uniqExactIf(v_visitor, matched), countIf(matched), sum(mpv) AS pageviews, sum(mev) AS events,
  countIf(matched AND v_pv = 1 AND v_ev = 0), sumIf(v_pv, matched), sumIf(v_duration, matched), sum(eng), sumIf(scm, scn > 0), countIf(scn > 0)
FROM (
  SELECT bucket, session, any(visitor) AS v_visitor, any(pv) AS v_pv, any(ev) AS v_ev, any(duration) AS v_duration,
    tupleElement(h, 1) AS property, tupleElement(h, 2) AS value,
    countIf(tupleElement(h, 3) = 0) AS mpv, countIf(tupleElement(h, 3) = 1) AS mev, sumIf(tupleElement(h, 4), tupleElement(h, 3) = 2) AS eng,
    countIf(tupleElement(h, 3) = 2 AND tupleElement(h, 5) >= 0) AS scn, maxIf(tupleElement(h, 5), tupleElement(h, 3) = 2 AND tupleElement(h, 5) >= 0) AS scm,
    mpv + mev > 0 AS matched
  FROM (${visits}) ARRAY JOIN hits AS h
  GROUP BY bucket, session, property, value
)
GROUP BY bucket, property, value HAVING pageviews + events > 0`;
}

/** An import: rollups and markers of buckets at or after `bucket` no longer match their events. */
export async function forgetBucketsFrom(c: Connection, bucket: number): Promise<void> {
  await forgetMonthsFrom(c, '>=', bucket);
  await c.command(`ALTER TABLE rollups DELETE WHERE bucket >= ${int(bucket)}`, true);
  await c.command(`ALTER TABLE kept DELETE WHERE bucket >= ${int(bucket)}`, true);
  await c.command(`ALTER TABLE sealed DELETE WHERE bucket >= ${int(bucket)}`, true);
  forgetSealedList(c);
}

/** Retention: rollups and markers of buckets at or before `bucket` no longer match their events. */
export async function forgetBuckets(c: Connection, bucket: number): Promise<void> {
  await forgetMonthsFrom(c, '<=', bucket);
  await c.command(`ALTER TABLE rollups DELETE WHERE bucket <= ${int(bucket)}`, true);
  await c.command(`ALTER TABLE kept DELETE WHERE bucket <= ${int(bucket)}`, true);
  await c.command(`ALTER TABLE sealed DELETE WHERE bucket <= ${int(bucket)}`, true);
  forgetSealedList(c);
}
