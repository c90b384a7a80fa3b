import type { BreakdownPart } from '../../stats/compute.ts';
import { hasRevenue } from '../../stats/goals.ts';
import { levelOf } from '../../stats/query.ts';
import { int, type Connection } from './connection.ts';
import { eventFilterSql, eventValueSql, goalColumns, goalSql, lowerBoundSql, needsOf, visitFilterSql, visitsSql, visitValueSql } from './visits.ts';
import type { Goal, Interval, PropertyName, SeriesPoint, StatsQuery, Totals } from '../../model/stats.ts';

/**
 * The stats questions as SQL: ClickHouse groups and counts; Node receives only the answers
 * (a row of totals, a point per interval, the top breakdown rows). Exact counts (uniqExact).
 */

export type Num = number | string;
export const n = (v: Num | undefined) => Number(v ?? 0);
const ZERO: Totals = { visitors: 0, visits: 0, pageviews: 0, events: 0, bounces: 0, visitPageviews: 0, durationMs: 0 };

function hasVisitFilters(q: StatsQuery): boolean {
  return q.filters.some((f) => levelOf(f.property) !== 'event');
}

/** The range's lower bound for visitsSql (a subquery), or undefined for an empty range. */
async function lowerBound(_c: Connection, q: StatsQuery): Promise<string | undefined> {
  return q.from >= q.to ? undefined : lowerBoundSql(q);
}

export async function totals(c: Connection, q: StatsQuery): Promise<Totals> {
  const lo = await lowerBound(c, q);
  if (lo === undefined) return { ...ZERO };
  const [r] = await c.rows<Record<string, Num>>(totalsSql(q, lo));
  return r ? totalsOf(r) : { ...ZERO };
}

/**
 * For each bucket of a range made of whole (sealed) buckets, each page goal's totals: what the
 * view filtered by that goal alone answers over that bucket. One pass over the range's visits
 * for all the goals; a slow read (it runs once per bucket and goal definition, see page-goals.ts).
 */
export async function pageGoalTotalsByBucket(c: Connection, from: number, to: number, pageGoals: readonly Goal[]): Promise<Map<number, Map<string, Totals>>> {
  const q: StatsQuery = { from, to, filters: [] };
  const lo = await lowerBound(c, q);
  const out = new Map<number, Map<string, Totals>>();
  if (lo === undefined || pageGoals.length === 0) return out;
  // Per goal, as totals() with the goal as the only filter: its matched pageviews and events.
  const visits = visitsSql(
    q,
    lo,
    (m) => pageGoals.flatMap((goal, i) => [`countIf(${m} AND ${goalSql(goal)}) AS g${i}_mpv`, `toUInt64(0) AS g${i}_mev`]), // page goals: pageviews only
    '',
    needsOf([], undefined, true),
  );
  const columns = pageGoals.map((_, i) => totalsColumns(`g${i}_`));
  const rows = await c.rows<Record<string, Num>>(`SELECT bucket, ${columns.join(', ')} FROM (${visits}) GROUP BY bucket`, true);
  for (const r of rows) {
    const totals = new Map<string, Totals>();
    pageGoals.forEach((goal, i) => {
      const t = totalsOf(r, `g${i}_`);
      if (t.visits > 0) totals.set(goal.name, t);
    });
    out.set(n(r.bucket), totals);
  }
  return out;
}

function totalsSql(q: StatsQuery, lo: string): string {
  const visits = visitsSql(q, lo, () => [], '', needsOf(q.filters, undefined, true));
  return `SELECT ${totalsColumns('')} FROM (${visits}) WHERE ${visitFilterSql(q.filters)}`;
}

/**
 * The summary metrics over visitsSql's rows, as stats/compute.ts defines them: a visit counts when
 * it has a matched pageview or event (`<prefix>mpv`, `<prefix>mev`); columns named `<prefix>visitors`...
 */
function totalsColumns(prefix: string): string {
  const [mpv, mev] = [`${prefix}mpv`, `${prefix}mev`];
  const hit = `${mpv} + ${mev} > 0`;
  return `uniqExactIf(visitor, ${hit}) AS ${prefix}visitors, countIf(${hit}) AS ${prefix}visits,
  sum(${mpv}) AS ${prefix}pageviews, sum(${mev}) AS ${prefix}events, countIf(${hit} AND pv = 1 AND ev = 0) AS ${prefix}bounces,
  sumIf(pv, ${hit}) AS ${prefix}visit_pageviews, sumIf(duration, ${hit}) AS ${prefix}duration_ms`;
}

export function totalsOf(r: Record<string, Num>, prefix = ''): Totals {
  return {
    visitors: n(r[`${prefix}visitors`]),
    visits: n(r[`${prefix}visits`]),
    pageviews: n(r[`${prefix}pageviews`]),
    events: n(r[`${prefix}events`]),
    bounces: n(r[`${prefix}bounces`]),
    visitPageviews: n(r[`${prefix}visit_pageviews`]),
    durationMs: n(r[`${prefix}duration_ms`]),
  };
}

/** A breakdown row of a question's answer (value, visitors, visits, pageviews, events, engaged_ms). */
export function partOf(r: Record<string, Num>, value = String(r.value)): BreakdownPart {
  return { value, visitors: n(r.visitors), visits: n(r.visits), pageviews: n(r.pageviews), events: n(r.events), engagedMs: n(r.engaged_ms), scrollSum: 0, scrollCount: 0 };
}

export async function timeseries(c: Connection, q: StatsQuery, intervals: readonly Interval[]): Promise<SeriesPoint[]> {
  const points = intervals.map((i) => ({ date: i.label, visitors: 0, visits: 0, pageviews: 0 }));
  const lo = await lowerBound(c, q);
  if (lo === undefined || intervals.length === 0) return points;
  // The interval of a row: the last one starting at or before it (as compute.ts), if the row is
  // before that interval's end. Reversed starts let arrayFirstIndex find it.
  const starts = `[${[...intervals]
    .reverse()
    .map((i) => int(i.start))
    .join(', ')}]`;
  const ends = `[${intervals.map((i) => int(i.end)).join(', ')}]`;
  const idx = `, ${intervals.length + 1} - arrayFirstIndex(s -> s <= ts, ${starts}) AS iv`;
  const valid = `(iv <= ${intervals.length} AND ts < ${ends}[iv])`;
  if (!hasVisitFilters(q)) {
    // Only events are filtered: a matched event's visit always counts, so no per-visit grouping.
    const rows = await c.rows<Record<string, Num>>(`SELECT iv AS i, uniqExact(visitor) AS visitors, uniqExact(bucket, session) AS visits, countIf(kind = 0) AS pageviews
FROM (SELECT visitor, bucket, session, kind, ts${idx} FROM events WHERE ts >= ${int(q.from)} AND ts < ${int(q.to)} AND kind != 2 AND ${eventFilterSql(q.filters, q.goals)})
WHERE ${valid} GROUP BY i`);
    for (const r of rows) {
      const p = points[n(r.i) - 1];
      if (p) Object.assign(p, { visitors: n(r.visitors), visits: n(r.visits), pageviews: n(r.pageviews) });
    }
    return points;
  }
  const visits = visitsSql(q, lo, (m) => [`groupArrayIf(tuple(iv, kind), ${m} AND ${valid}) AS hits`], idx, needsOf(q.filters));
  const rows = await c.rows<Record<string, Num>>(`SELECT tupleElement(h, 1) AS i, uniqExact(visitor) AS visitors, uniqExact(bucket, session) AS visits,
  countIf(tupleElement(h, 2) = 0) AS pageviews
FROM (${visits}) ARRAY JOIN hits AS h WHERE ${visitFilterSql(q.filters)} GROUP BY i`);
  for (const r of rows) {
    const p = points[n(r.i) - 1];
    if (p) Object.assign(p, { visitors: n(r.visitors), visits: n(r.visits), pageviews: n(r.pageviews) });
  }
  return points;
}

/** The top `limit` breakdown rows, ranked as rankBreakdown ranks them (it re-ranks them after). */
export async function breakdown(c: Connection, q: StatsQuery, property: PropertyName, limit: number): Promise<BreakdownPart[]> {
  if (property === 'goal') return goalBreakdown(c, q);
  const lo = await lowerBound(c, q);
  if (lo === undefined || limit <= 0) return [];
  const order = `ORDER BY visitors DESC, pageviews DESC, events DESC, value${Number.isFinite(limit) ? ` LIMIT ${int(limit)}` : ''}`;
  let sql: string;
  if (levelOf(property) === 'event' && !hasVisitFilters(q)) {
    // Grouped by value straight from the events; a page's engagements count only in visits with
    // a pageview or event in range (as compute.ts's matched visits).
    const { value, has } = eventValueSql(property);
    const range = `ts >= ${int(q.from)} AND ts < ${int(q.to)}`;
    const engagements = property === 'page' ? ` OR (kind = 2 AND (bucket, session) IN (SELECT bucket, session FROM events WHERE ${range} AND kind != 2))` : '';
    sql = `SELECT value, uniqExactIf(visitor, kind != 2) AS visitors, uniqExactIf(bucket, session, kind != 2) AS visits, countIf(kind = 0) AS pageviews,
  countIf(kind = 1) AS events, sumIf(engaged, kind = 2) AS engaged_ms
FROM (SELECT ${value} AS value, visitor, bucket, session, kind, engaged FROM events
  WHERE ${range} AND ${eventFilterSql(q.filters, q.goals)} AND ((kind != 2 AND ${has})${engagements}))
GROUP BY value HAVING pageviews + events > 0 ${order}`;
  } else if (levelOf(property) === 'event') {
    const { value, has } = eventValueSql(property);
    // A page's engagements count for its time on page (only pages that have a matched row).
    const engagements = property === 'page' ? ` OR ${'$me'}` : '';
    const visits = visitsSql(
      q,
      lo,
      (m, me) => [`groupArrayIf(tuple(${value}, kind, engaged), (${m} AND ${has})${engagements.replace('$me', () => me)}) AS hits`],
      '',
      needsOf(q.filters, property),
    );
    sql = `SELECT tupleElement(h, 1) AS value, uniqExactIf(visitor, tupleElement(h, 2) != 2) AS visitors,
  uniqExactIf(bucket, session, tupleElement(h, 2) != 2) AS visits, countIf(tupleElement(h, 2) = 0) AS pageviews,
  countIf(tupleElement(h, 2) = 1) AS events, sumIf(tupleElement(h, 3), tupleElement(h, 2) = 2) AS engaged_ms
FROM (${visits}) ARRAY JOIN hits AS h WHERE ${visitFilterSql(q.filters)}
GROUP BY value HAVING pageviews + events > 0 ${order}`;
  } else {
    const visits = visitsSql(q, lo, () => [], '', needsOf(q.filters, property));
    sql = `SELECT ${visitValueSql(property)} AS value, uniqExact(visitor) AS visitors, count() AS visits, sum(mpv) AS pageviews,
  sum(mev) AS events, 0 AS engaged_ms
FROM (${visits}) WHERE ${visitFilterSql(q.filters)} AND mpv + mev > 0 AND value != ''
GROUP BY value ${order}`;
  }
  const parts = (await c.rows<Record<string, Num>>(sql)).map((r) => partOf(r));
  if (property === 'page' && parts.length > 0) {
    const byValue = new Map(parts.map((p) => [p.value, p]));
    for (const r of await pageScroll(c, q, lo)) {
      const p = byValue.get(String(r.value));
      if (!p) continue;
      p.scrollSum = n(r.scroll_sum);
      p.scrollCount = n(r.scroll_count);
    }
  }
  return parts;
}

/**
 * Each page's scroll depth: the sum and count of every matched visit's deepest report there, from
 * the visit's matched engagement reports (as compute.ts's addPageEngagement).
 */
function pageScroll(c: Connection, q: StatsQuery, lo: string): Promise<Record<string, Num>[]> {
  const visits = visitsSql(q, lo, (_, me) => [`groupArrayIf(tuple(path, toUInt8(ifNull(scroll, 0))), ${me} AND isNotNull(scroll)) AS scrolls`], '', needsOf(q.filters));
  return c.rows<Record<string, Num>>(`SELECT value, sum(depth) AS scroll_sum, count() AS scroll_count FROM (
  SELECT bucket, session, tupleElement(x, 1) AS value, max(tupleElement(x, 2)) AS depth
  FROM (${visits}) ARRAY JOIN scrolls AS x WHERE ${visitFilterSql(q.filters)}
  GROUP BY bucket, session, value)
GROUP BY value`);
}

/**
 * Every goal's conversions in one pass over the query's visits: per visit, each goal's matched
 * pageviews and events (and revenue: numeric values of its revenue prop), then per goal the
 * visitors and visits with any. A row per goal with a conversion, as compute.ts's goal parts.
 */
async function goalBreakdown(c: Connection, q: StatsQuery): Promise<BreakdownPart[]> {
  const goals = q.goals ?? [];
  const lo = await lowerBound(c, q);
  if (lo === undefined || goals.length === 0) return [];
  const visits = visitsSql(q, lo, (m) => goalColumns(goals, m), '', needsOf(q.filters));
  const columns = goals.flatMap((goal, i) => [
    `uniqExactIf(visitor, g${i}_pv + g${i}_ev > 0) AS g${i}_visitors`,
    `countIf(g${i}_pv + g${i}_ev > 0) AS g${i}_visits`,
    `sum(g${i}_pv) AS g${i}_pageviews`,
    `sum(g${i}_ev) AS g${i}_events`,
    ...(hasRevenue(goal) ? [`sum(g${i}_rs) AS g${i}_revenue`, `sum(g${i}_rn) AS g${i}_revenue_events`] : []),
  ]);
  const [r] = await c.rows<Record<string, Num>>(`SELECT ${columns.join(', ')} FROM (${visits}) WHERE ${visitFilterSql(q.filters)}`);
  if (!r) return [];
  return goals.flatMap((goal, i): BreakdownPart[] => {
    const part: BreakdownPart = {
      value: goal.name,
      visitors: n(r[`g${i}_visitors`]),
      visits: n(r[`g${i}_visits`]),
      pageviews: n(r[`g${i}_pageviews`]),
      events: n(r[`g${i}_events`]),
      engagedMs: 0,
      scrollSum: 0,
      scrollCount: 0,
    };
    if (hasRevenue(goal)) Object.assign(part, { revenue: n(r[`g${i}_revenue`]), revenueEvents: n(r[`g${i}_revenue_events`]) });
    return part.visits > 0 ? [part] : [];
  });
}

/** How many matched custom events carry each prop key. */
export async function propKeyCounts(c: Connection, q: StatsQuery): Promise<Map<string, number>> {
  const lo = await lowerBound(c, q);
  if (lo === undefined) return new Map();
  const visits = visitsSql(q, lo, (m) => [`groupArrayArrayIf(prop_keys, ${m} AND kind = 1) AS keys`], '', needsOf(q.filters));
  const rows = await c.rows<{ key: string; uses: Num }>(`SELECT key, count() AS uses FROM (${visits}) ARRAY JOIN keys AS key
WHERE ${visitFilterSql(q.filters)} GROUP BY key`);
  return new Map(rows.map((r) => [r.key, n(r.uses)]));
}

export async function realtime(c: Connection, since: number): Promise<number> {
  const [r] = await c.rows<{ v: Num }>(`SELECT uniqExact(visitor) AS v FROM events WHERE ts >= ${int(since)}`);
  return n(r?.v);
}
