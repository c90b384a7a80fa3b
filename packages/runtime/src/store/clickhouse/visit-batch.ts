import type { BreakdownPart } from '../../stats/compute.ts';
import { hasRevenue } from '../../stats/goals.ts';
import { levelOf } from '../../stats/query.ts';
import { int, lit, type Connection } from './connection.ts';
import * as raw from './queries.ts';
import { ZERO_TOTALS } from '../../stats/plan.ts';
import { goalColumns, lowerBoundSql, needsOf, visitFilterSql, visitsSql, visitValueSql, type Needs } from './visits.ts';
import type { PropertyName, StatsQuery, Totals } from '../../model/stats.ts';

/**
 * A dashboard page asks its questions at once (load-view.ts), and over the open bucket most of
 * them group the same raw events into the same visits: the summary, the goals card's totals, the
 * sources, locations and devices tabs, the goal conversions. At 100 M events each such grouping
 * of the open day costs as much as the rest of its question. Questions about the same range and
 * filters that arrive in the same turn of the event loop are answered by one query: the visits
 * are grouped once, then each visit is counted once per question it answers (ARRAY JOIN), with
 * the same metric definitions as queries.ts's separate questions. A question alone in its turn
 * runs as before.
 */

type Answers = Map<string, BreakdownPart[] | Totals>;

/** What one turn asked about one range: totals (''), visit-level properties, 'goal'. */
interface Pending {
  /** The question whose goals the batch uses: the goal breakdown's, when it is one of them. */
  q: StatsQuery;
  /** The goal breakdown's goals (JSON), once one asked. */
  goals?: string;
  /** Each question asked, with the most rows any of its askers wants (Infinity: all). */
  readonly asks: Map<string, number>;
  readonly settle: Array<(answers: Answers | Error) => void>;
}

export class VisitBatch {
  readonly #c: Connection;
  #pending = new Map<string, Pending>();
  #scheduled = false;

  constructor(c: Connection) {
    this.#c = c;
  }

  /** Whether a breakdown of this property can join a batch: visit-level, or goal conversions. */
  static handles(property: PropertyName): boolean {
    return property === 'goal' || levelOf(property) !== 'event';
  }

  async totals(q: StatsQuery): Promise<Totals> {
    return (await this.#ask(q, '', 1)) as Totals;
  }

  /** At least the top `limit` rows of the property, as queries.ts ranks them (the caller ranks them again). */
  async breakdown(q: StatsQuery, property: PropertyName, limit = Infinity): Promise<BreakdownPart[]> {
    if (!VisitBatch.handles(property)) throw new Error(`not a visit-level property: ${property}`);
    return (await this.#ask(q, property, limit)) as BreakdownPart[];
  }

  #ask(q: StatsQuery, ask: string, limit: number): Promise<BreakdownPart[] | Totals> {
    // Goals change the answer only where a filter names one, or for the goal breakdown itself:
    // the page's other questions join whatever goals they carry (the hostname title has none).
    const goals = JSON.stringify(q.goals ?? []);
    const range = JSON.stringify([q.from, q.to, q.filters, q.filters.some((f) => f.property === 'goal') ? goals : '']);
    let key = range;
    let pending = this.#pending.get(key);
    if (ask === 'goal' && pending?.goals !== undefined && pending.goals !== goals) pending = this.#pending.get((key = `${range}${goals}`));
    if (!pending) this.#pending.set(key, (pending = { q, asks: new Map(), settle: [] }));
    if (ask === 'goal') {
      pending.goals = goals;
      pending.q = q;
    }
    pending.asks.set(ask, Math.max(limit, pending.asks.get(ask) ?? 0));
    const answer = new Promise<BreakdownPart[] | Totals>((resolve, reject) =>
      pending.settle.push((answers) => (answers instanceof Error ? reject(answers) : resolve(answers.get(ask)!))),
    );
    if (!this.#scheduled) {
      this.#scheduled = true;
      // After the microtasks of this turn: the page's other questions are asked by then.
      setImmediate(() => this.#flush());
    }
    return answer;
  }

  #flush(): void {
    this.#scheduled = false;
    const batches = [...this.#pending.values()];
    this.#pending.clear();
    for (const { q, asks, settle } of batches) {
      const done = (result: Answers | Error) => {
        for (const s of settle) s(result);
      };
      answer(this.#c, q, asks).then(done, (error: unknown) => done(error instanceof Error ? error : new Error(String(error))));
    }
  }
}

async function answer(c: Connection, q: StatsQuery, asks: ReadonlyMap<string, number>): Promise<Answers> {
  if (asks.size === 1) {
    // Alone in its turn: the question's own query.
    const [ask, limit] = [...asks][0]!;
    return new Map([[ask, ask === '' ? await raw.totals(c, q) : await raw.breakdown(c, q, ask as PropertyName, limit)]]);
  }
  return together(c, q, asks);
}

/**
 * One query for several questions. Each visit yields a row per question it counts in:
 * (question, value, matched pageviews, matched events, revenue, revenue events); a visit counts
 * in a question when it has a matched pageview or event there (its goal's, for a goal), and in a
 * breakdown when it has a value (a goal's is its name).
 */
async function together(c: Connection, q: StatsQuery, limits: ReadonlyMap<string, number>): Promise<Answers> {
  const asks = [...limits.keys()];
  const out = new Map<string, BreakdownPart[] | Totals>(asks.map((a) => [a, a === '' ? { ...ZERO_TOTALS } : []]));
  if (q.from >= q.to) return out;
  const goals = asks.includes('goal') ? (q.goals ?? []) : [];
  const properties = asks.filter((a): a is PropertyName => a !== '' && a !== 'goal');
  const wantsTotals = asks.includes('');
  const needs: Needs = {
    attrs: [...new Set([...needsOf(q.filters).attrs, ...properties.flatMap((p) => needsOf([], p).attrs)])],
    entryExit: needsOf(q.filters).entryExit || properties.some((p) => needsOf([], p).entryExit),
    duration: wantsTotals,
  };
  const row = (k: number, value: string, pv: string, ev: string, rs = '0', rn = '0') =>
    `(toUInt16(${k}), toString(${value}), toUInt64(${pv}), toUInt64(${ev}), toFloat64(${rs}), toUInt64(${rn}))`;
  const rows = [
    ...(wantsTotals ? [row(0, "''", 'mpv', 'mev')] : []),
    ...properties.map((p, i) => row(1 + i, visitValueSql(p), 'mpv', 'mev')),
    ...goals.map((g, i) => {
      const [rs, rn] = hasRevenue(g) ? [`g${i}_rs`, `g${i}_rn`] : ['0', '0'];
      return row(1 + properties.length + i, lit(g.name), `g${i}_pv`, `g${i}_ev`, rs, rn);
    }),
  ];
  // Every question's top rows in queries.ts's order (a totals or goal question has one row per k).
  const most = Math.max(...limits.values());
  const top = Number.isFinite(most) ? `\nORDER BY k, visitors DESC, pageviews DESC, events DESC, value LIMIT ${int(most)} BY k` : '';
  const visits = visitsSql(q, lowerBoundSql(q), (m) => goalColumns(goals, m), '', needs);
  const sql = `SELECT tupleElement(r, 1) AS k, tupleElement(r, 2) AS value, uniqExact(visitor) AS visitors, count() AS visits,
  sum(tupleElement(r, 3)) AS pageviews, sum(tupleElement(r, 4)) AS events, 0 AS engaged_ms, countIf(pv = 1 AND ev = 0) AS bounces, sum(pv) AS visit_pageviews,
  sum(${wantsTotals ? 'duration' : '0'}) AS duration_ms, sum(tupleElement(r, 5)) AS revenue, sum(tupleElement(r, 6)) AS revenue_events
FROM (${visits}) ARRAY JOIN [${rows.join(', ')}] AS r
WHERE ${visitFilterSql(q.filters)} AND tupleElement(r, 3) + tupleElement(r, 4) > 0 AND (tupleElement(r, 1) = 0 OR tupleElement(r, 2) != '')
GROUP BY k, value${top}`;
  for (const r of await c.rows<Record<string, raw.Num>>(sql)) {
    const k = raw.n(r.k);
    if (k === 0) {
      out.set('', raw.totalsOf(r));
      continue;
    }
    const goal = goals[k - 1 - properties.length];
    const part = raw.partOf(r, goal?.name);
    if (goal && hasRevenue(goal)) Object.assign(part, { revenue: raw.n(r.revenue), revenueEvents: raw.n(r.revenue_events) });
    (out.get(goal ? 'goal' : properties[k - 1]!) as BreakdownPart[]).push(part);
  }
  return out;
}
