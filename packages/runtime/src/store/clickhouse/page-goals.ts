import { createHash } from 'node:crypto';
import type { SealedBucket } from '../../stats/plan.ts';
import { int, lit, type Connection } from './connection.ts';
import { pageGoalTotalsByBucket } from './queries.ts';
import { rollupSeries } from './rollups.ts';
import type { Goal, Totals } from '../../model/stats.ts';

/**
 * Sealed buckets' totals per page goal (what a filter by that goal alone answers), by bucket
 * start, as the SQLite engine keeps them (stats/planner.ts): a page goal's visitors are no sum of
 * its pages' rollup rows, so they come from raw events; a sealed bucket's events do not change,
 * so each bucket is read once per goal definition and kept, in the `kept` table that every
 * instance shares and restarts find, and in this process. A read is one SQL pass for all page
 * goals, grouped by bucket, a month of buckets at a time (a year: seconds at 10 M events, half a
 * minute at 100 M, once; then lookups). The key holds the bucket's all-traffic rollup counts, so a
 * bucket cut by retention and sealed again is read afresh.
 */
const KEPT = 50_000;
/** Buckets read per pass (a month of daily buckets). */
const CHUNK = 31;
const memory = new WeakMap<Connection, Map<string, ReadonlyMap<string, Totals>>>();
/** A read in progress, so the page's goal card and goal-filtered summary share one. */
const reading = new WeakMap<Connection, Map<string, Promise<void>>>();

export async function sealedPageGoals(c: Connection, sealed: readonly SealedBucket[], goals: readonly Goal[]): Promise<Map<number, ReadonlyMap<string, Totals>>> {
  const out = new Map<number, ReadonlyMap<string, Totals>>();
  const pageGoals = goals.filter((g) => g.kind === 'page');
  if (sealed.length === 0 || pageGoals.length === 0) return out;
  const cache = memory.get(c) ?? new Map<string, ReadonlyMap<string, Totals>>();
  memory.set(c, cache);
  const prints = await rollupSeries(c, sealed, '', '');
  const definition = JSON.stringify(pageGoals);
  const hash = createHash('sha256').update(definition).digest('hex').slice(0, 16);
  const keyOf = (b: SealedBucket) => {
    const print = prints.get(b.start);
    return `page-goals|${b.end}|${print?.visits}|${print?.pageviews}|${print?.events}|${hash}`;
  };
  const cacheKey = (b: SealedBucket) => `${b.start}|${keyOf(b)}`;
  const missing = sealed.filter((b) => !cache.has(cacheKey(b)));
  if (missing.length > 0) {
    const inFlight = reading.get(c) ?? new Map<string, Promise<void>>();
    reading.set(c, inFlight);
    const readKey = `${missing[0]!.start}|${missing.at(-1)!.end}|${hash}`;
    let read = inFlight.get(readKey);
    if (!read) {
      read = (async () => {
        const keep = (b: SealedBucket, totals: ReadonlyMap<string, Totals>) => {
          if (cache.size >= KEPT) cache.clear();
          cache.set(cacheKey(b), totals);
        };
        // What another instance (or this one before a restart) has kept already.
        const stored = await c.rows<{ bucket: string; key: string; value: string }>(
          `SELECT bucket, key, any(value) AS value FROM kept WHERE bucket IN (${missing.map((b) => int(b.start)).join(', ')}) AND key IN (${[...new Set(missing.map(keyOf))].map(lit).join(', ')}) GROUP BY bucket, key`,
        );
        const found = new Map(stored.map((r) => [`${Number(r.bucket)}|${r.key}`, new Map(JSON.parse(r.value) as [string, Totals][])]));
        const unread: SealedBucket[] = [];
        for (const b of missing) {
          const totals = found.get(cacheKey(b));
          if (totals) keep(b, totals);
          else unread.push(b);
        }
        // A month per pass: at 100 M events a year's pass would hold ClickHouse for minutes; each
        // month is kept as soon as it is read.
        for (let i = 0; i < unread.length; i += CHUNK) {
          const chunk = unread.slice(i, i + CHUNK);
          const byBucket = await pageGoalTotalsByBucket(c, chunk[0]!.start, chunk.at(-1)!.end, pageGoals);
          const rows = chunk.map((b) => {
            const totals = byBucket.get(b.start) ?? new Map<string, Totals>();
            keep(b, totals);
            return { bucket: b.start, key: keyOf(b), value: JSON.stringify([...totals]) };
          });
          // A failed write only costs a later read.
          await c.insert('kept', rows).catch(() => {});
        }
      })().finally(() => inFlight.delete(readKey));
      inFlight.set(readKey, read);
    }
    await read;
  }
  for (const b of sealed) out.set(b.start, cache.get(cacheKey(b)) ?? new Map());
  return out;
}
