import type { SealedBucket } from '../../stats/plan.ts';
import type { Connection } from './connection.ts';
import { pageGoalTotalsByBucket } from './queries.ts';
import { rollupSeries } from './rollups.ts';
import type { Goal, Totals } from '../../model/stats.ts';

/**
 * Sealed buckets' totals per page goal (what a filter by that goal alone answers), by bucket
 * start, as the SQLite engine keeps them (stats/planner.ts): a page goal's visitors are no sum of
 * its pages' rollup rows, so they come from raw events; a sealed bucket's events do not change,
 * so each bucket is read once per goal definition and kept. Here that read is one SQL pass for all
 * page goals, grouped by bucket, over the buckets not kept yet, a month at a time (a year at 10 M
 * events: seconds once, then lookups instead of seconds on every page). Kept in this process, per connection; the
 * key holds the bucket's all-traffic rollup counts, so a bucket cut by retention and sealed again
 * is read afresh.
 */
const KEPT = 50_000;
/** Buckets read per pass (a month of daily buckets). */
const CHUNK = 31;
const kept = new WeakMap<Connection, Map<string, ReadonlyMap<string, Totals>>>();
/** A read in progress, so the page's goal card and goal-filtered summary share one. */
const reading = new WeakMap<Connection, Map<string, Promise<void>>>();

export async function sealedPageGoals(c: Connection, sealed: readonly SealedBucket[], goals: readonly Goal[]): Promise<Map<number, ReadonlyMap<string, Totals>>> {
  const out = new Map<number, ReadonlyMap<string, Totals>>();
  const pageGoals = goals.filter((g) => g.kind === 'page');
  if (sealed.length === 0 || pageGoals.length === 0) return out;
  const cache = kept.get(c) ?? new Map<string, ReadonlyMap<string, Totals>>();
  kept.set(c, cache);
  const prints = await rollupSeries(c, sealed, '', '');
  const definition = JSON.stringify(pageGoals);
  const keyOf = (b: SealedBucket) => {
    const print = prints.get(b.start);
    return `${b.start}|${b.end}|${print?.visits}|${print?.pageviews}|${print?.events}|${definition}`;
  };
  const missing = sealed.filter((b) => !cache.has(keyOf(b)));
  if (missing.length > 0) {
    const from = missing[0]!.start;
    const to = missing.at(-1)!.end;
    const inFlight = reading.get(c) ?? new Map<string, Promise<void>>();
    reading.set(c, inFlight);
    const readKey = `${from}|${to}|${definition}`;
    let read = inFlight.get(readKey);
    if (!read) {
      read = (async () => {
        // A month of buckets per pass: at 100 M events a year's pass would hold ClickHouse for
        // minutes; these come one after the other, each kept as soon as it is read.
        for (let i = 0; i < missing.length; i += CHUNK) {
          const chunk = missing.slice(i, i + CHUNK);
          const byBucket = await pageGoalTotalsByBucket(c, chunk[0]!.start, chunk.at(-1)!.end, pageGoals);
          if (cache.size + chunk.length > KEPT) cache.clear();
          for (const b of chunk) cache.set(keyOf(b), byBucket.get(b.start) ?? new Map());
        }
      })().finally(() => inFlight.delete(readKey));
      inFlight.set(readKey, read);
    }
    await read;
  }
  for (const b of sealed) out.set(b.start, cache.get(keyOf(b)) ?? new Map());
  return out;
}
