import { goalsOf, hasRevenue, NUMERIC_SOURCE, patternRegex } from '../../stats/goals.ts';
import { levelOf } from '../../stats/query.ts';
import { int, lit } from './connection.ts';
import { VISIT_ATTRIBUTES } from '../../model/events.ts';
import { DIRECT, type Filter, type Goal, type PropertyName, type StatsQuery } from '../../model/stats.ts';

/**
 * The one building block of every question: the query's visits, one row each, computed inside
 * ClickHouse with the metric definitions of stats/compute.ts.
 *
 * A visit never spans a rotation bucket, so reading from the start of the earliest bucket with an
 * event in range (`lo`) up to `to` holds every event of every visit seen in range: the visit's
 * attributes are its first event's (by time, then storage order) even when that event lies before
 * the range, as the SQLite engine keeps them. Visit metrics use only the visit's events in range.
 *
 * Columns: bucket, session, visitor, pv, ev, the matched pageviews and events mpv, mev and, as
 * `needs` asks, a_<attribute>, entry, exit, duration (aliases avoid words newer servers reserve;
 * ClickHouse computes only the columns the outer query reads); plus `extra` aggregates over the rows the query matches
 * (`m`: in range, not an engagement, passing the event-level filters) or its matched
 * engagements (`me`).
 */
/** What a question needs of each visit beyond its counts: computing only that keeps queries lean. */
export interface Needs {
  /** Visit attributes (first event's), or 'all'. */
  readonly attrs: readonly string[] | 'all';
  readonly entryExit: boolean;
  readonly duration: boolean;
}

export const ALL_NEEDS: Needs = { attrs: 'all', entryExit: true, duration: true };

/** The visit columns the filters (and a breakdown property) read. */
export function needsOf(filters: readonly Filter[], property?: PropertyName, duration = false): Needs {
  const properties = [...filters.filter((f) => levelOf(f.property) !== 'event').map((f) => f.property), ...(property && levelOf(property) !== 'event' ? [property] : [])];
  return {
    attrs: [...new Set(properties.filter((p) => p !== 'entry_page' && p !== 'exit_page'))],
    entryExit: properties.some((p) => p === 'entry_page' || p === 'exit_page'),
    duration,
  };
}

export function visitsSql(q: StatsQuery, lo: number | string, extra: (m: string, me: string) => string[], columns = '', needs: Needs = ALL_NEEDS): string {
  const inr = `(ts >= ${int(q.from)})`;
  const ef = eventFilterSql(q.filters, q.goals);
  const m = `(${inr} AND kind != 2 AND ${ef})`;
  const me = `(${inr} AND kind = 2 AND ${ef})`;
  // The first event's attributes in one argMin: each argMin compares the (ts, seq) tuples of all
  // the visit's events again, the dearest part of grouping a day's events (on 100 M events, four
  // attributes cost 420 ms of ClickHouse's time apart and 180 ms together).
  const wanted = needs.attrs === 'all' ? VISIT_ATTRIBUTES : needs.attrs;
  const attrs =
    wanted.length > 1
      ? [`argMin(tuple(${wanted.join(', ')}), (ts, seq)) AS attrs`, ...wanted.map((a, i) => `tupleElement(attrs, ${i + 1}) AS a_${a}`)]
      : wanted.map((a) => `argMin(${a}, (ts, seq)) AS a_${a}`);
  const aggs = [
    'bucket',
    'session',
    'any(visitor) AS visitor',
    `countIf(${inr} AND kind = 0) AS pv`,
    `countIf(${inr} AND kind = 1) AS ev`,
    // Without event-level filters every pageview and event in range matches: the same counts,
    // not computed twice for each of the range's events.
    ...(ef === '1' ? ['pv AS mpv', 'ev AS mev'] : [`countIf(${m} AND kind = 0) AS mpv`, `countIf(${m} AND kind = 1) AS mev`]),
    ...attrs,
    ...(needs.entryExit ? [`argMinIf(path, (ts, seq), ${inr} AND kind = 0) AS entry`, `argMaxIf(path, (ts, seq), ${inr} AND kind = 0) AS exit`] : []),
    ...(needs.duration
      ? [
          `minIf(ts, ${inr} AND kind != 2) AS first_ts`,
          `maxIf(ts, ${inr} AND kind != 2) AS last_ts`,
          `maxIf(ts, ${inr} AND kind = 0) AS last_pv`,
          `groupArrayIf(tuple(ts, engaged), ${inr} AND kind = 2) AS engagements`,
          `last_ts - first_ts + arraySum(arrayMap(x -> tupleElement(x, 2), arrayFilter(x -> tupleElement(x, 1) >= last_pv, engagements))) AS duration`,
        ]
      : []),
    ...extra(m, me),
  ];
  return `SELECT ${aggs.join(',\n  ')}
FROM (SELECT *${columns} FROM events WHERE ts >= ${typeof lo === 'number' ? int(lo) : lo} AND ts < ${int(q.to)})
GROUP BY bucket, session
HAVING pv + ev > 0`;
}

/**
 * The start of the earliest bucket with an event in [from, to), as a scalar subquery (ClickHouse
 * runs it first and prunes by its value); `from` itself when the range is empty.
 */
export function lowerBoundSql(q: StatsQuery): string {
  return `(SELECT if(count() = 0, toInt64(${int(q.from)}), min(bucket)) FROM events WHERE ts >= ${int(q.from)} AND ts < ${int(q.to)})`;
}

/** The visit-level filters, as a condition on visitsSql's rows. */
export function visitFilterSql(filters: readonly Filter[]): string {
  const parts = filters.filter((f) => levelOf(f.property) !== 'event').map((f) => `${visitValueSql(f.property)} IN (${f.values.map(lit).join(', ')})`);
  return parts.length ? parts.join(' AND ') : '1';
}

/** A visit's value of a visit-level property ('' = none). */
export function visitValueSql(property: PropertyName): string {
  if (property === 'entry_page') return 'entry';
  if (property === 'exit_page') return 'exit';
  if (!(VISIT_ATTRIBUTES as readonly string[]).includes(property)) throw new Error(`not a visit property: ${property}`);
  const value = `a_${property}`;
  return property === 'source' ? `if(${value} = '', ${lit(DIRECT)}, ${value})` : value;
}

/** Whether an event row is a conversion of the goal: stats/goals.ts's matchesGoal in SQL (RE2 reads the same pattern). */
export function goalSql(goal: Goal): string {
  return goal.kind === 'event' ? `(kind = 1 AND name = ${lit(goal.event)})` : `(kind = 0 AND match(path, ${lit(patternRegex(goal.page))}))`;
}

/**
 * Per visit, each goal's matched pageviews and events (g<i>_pv, g<i>_ev) and, for a revenue
 * goal, the sum and count of its revenue prop's numeric values (g<i>_rs, g<i>_rn); `m` is
 * visitsSql's matched-row condition.
 */
export function goalColumns(goals: readonly Goal[], m: string): string[] {
  return goals.flatMap((goal, i) => {
    const hit = `${m} AND ${goalSql(goal)}`;
    // A page goal converts on pageviews only, an event goal on its event: the other count is 0,
    // and not asking ClickHouse for it spares a pass of the goal's condition over every event.
    if (goal.kind === 'page') return [`countIf(${hit}) AS g${i}_pv`, `toUInt64(0) AS g${i}_ev`];
    const base = [`toUInt64(0) AS g${i}_pv`, `countIf(${hit}) AS g${i}_ev`];
    if (!hasRevenue(goal)) return base;
    const key = lit(goal.revenue);
    const value = `prop_values[indexOf(prop_keys, ${key})]`;
    const numeric = `has(prop_keys, ${key}) AND match(${value}, ${lit(NUMERIC_SOURCE)})`;
    return [...base, `sumIf(toFloat64OrZero(${value}), ${hit} AND ${numeric}) AS g${i}_rs`, `countIf(${hit} AND ${numeric}) AS g${i}_rn`];
  });
}

/** The event-level filters, as a condition on one event row. */
export function eventFilterSql(filters: readonly Filter[], goals?: readonly Goal[]): string {
  const parts = filters
    .filter((f) => levelOf(f.property) === 'event')
    .map((f) => {
      if (f.property === 'goal') {
        const named = goalsOf({ goals }, f);
        return named.length ? `(${named.map(goalSql).join(' OR ')})` : '0';
      }
      const values = f.values.map(lit).join(', ');
      if (f.property === 'page') return `path IN (${values})`;
      if (f.property === 'event') return `(kind = 1 AND name IN (${values}))`;
      const key = lit(f.property.slice(5));
      return `(kind = 1 AND has(prop_keys, ${key}) AND prop_values[indexOf(prop_keys, ${key})] IN (${values}))`;
    });
  return parts.length ? parts.join(' AND ') : '1';
}

/** An event row's value of an event-level property, and the condition for it to have one. */
export function eventValueSql(property: PropertyName): { value: string; has: string } {
  if (property === 'page') return { value: 'path', has: '1' };
  if (property === 'event') return { value: 'name', has: 'kind = 1' };
  const key = lit(property.slice(5));
  return { value: `prop_values[indexOf(prop_keys, ${key})]`, has: `kind = 1 AND has(prop_keys, ${key})` };
}
