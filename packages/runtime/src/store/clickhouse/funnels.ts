import type { Connection } from './connection.ts';
import { int } from './connection.ts';
import { goalSql, lowerBoundSql, needsOf, visitFilterSql, visitsSql } from './visits.ts';
import type { Goal, StatsQuery } from '../../model/stats.ts';

/**
 * stats/funnels.ts's funnel in SQL, over raw events: per visit (visitsSql's, with the query's
 * filters), the times of its events matching each step; step 1 is reached at its earliest match,
 * step k at the earliest match strictly after step k-1's (0: not reached). Then per step, the
 * distinct visitors with a visit that reached it. Only array functions ClickHouse 18.16 has.
 */
export async function funnel(c: Connection, q: StatsQuery, steps: readonly Goal[]): Promise<number[]> {
  if (q.from >= q.to || steps.length === 0) return steps.map(() => 0);
  const inr = `(ts >= ${int(q.from)})`;
  const visits = visitsSql(
    q,
    lowerBoundSql(q),
    (m) => [`countIf(${m}) AS matched`, ...steps.map((s, k) => `groupArrayIf(ts, ${inr} AND ${goalSql(s)}) AS f${k}`)],
    '',
    needsOf(q.filters),
  );
  const reached = steps.map((_, k) =>
    k === 0
      ? `if(empty(f0), toInt64(0), arrayReduce('min', f0)) AS t0`
      : `arrayFilter(x -> x > t${k - 1}, f${k}) AS g${k}, if(t${k - 1} = 0 OR empty(g${k}), toInt64(0), arrayReduce('min', g${k})) AS t${k}`,
  );
  const [r] = await c.rows<Record<string, string | number>>(`SELECT ${steps.map((_, k) => `uniqExactIf(visitor, t${k} > 0) AS s${k}`).join(', ')}
FROM (SELECT visitor, ${reached.join(', ')} FROM (${visits}) WHERE matched > 0 AND ${visitFilterSql(q.filters)})`);
  return steps.map((_, k) => Number(r?.[`s${k}`] ?? 0));
}
