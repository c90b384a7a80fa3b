import type { SealedBucket } from '../../stats/plan.ts';
import type { Connection } from './connection.ts';
import { totalsByBucket } from './queries.ts';
import { rollupSeries } from './rollups.ts';
import type { Goal, Totals } from '../../model/stats.ts';

/**
 * Sealed buckets' totals per page goal (what a filter by that goal alone answers), by bucket
 * start, as the SQLite engine keeps them (stats/planner.ts): a page goal's visitors are no sum of
 * its pages' rollup rows, so they come from raw events; a sealed bucket's events do not change,
 * so each bucket is read once per goal definition and kept. Here that one read is a SQL pass per
 * page goal grouped by bucket over all the buckets not kept yet (a year at 10 M events: seconds
 * once, then lookups instead of seconds on every page). Kept in this process, per connection; the
 * key holds the bucket's all-traffic rollup counts, so a bucket cut by retention and sealed again
 * is read afresh.
 */
const KEPT = 50_000;
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
        const byGoal = await Promise.all(pageGoals.map((goal) => totalsByBucket(c, { from, to, filters: [{ property: 'goal', values: [goal.name] }], goals })));
        if (cache.size + missing.length > KEPT) cache.clear();
        for (const b of missing) {
          const totals = new Map<string, Totals>();
          pageGoals.forEach((goal, i) => {
            const t = byGoal[i]!.get(b.start);
            if (t && t.visits > 0) totals.set(goal.name, t);
          });
          cache.set(keyOf(b), totals);
        }
      })().finally(() => inFlight.delete(readKey));
      inFlight.set(readKey, read);
    }
    await read;
  }
  for (const b of sealed) out.set(b.start, cache.get(keyOf(b)) ?? new Map());
  return out;
}
