import type { Query, QueryFilter } from '../model/query.ts';
import type { Funnel, Goal } from '../model/stats.ts';
import { goalProblem } from './goals.ts';
import { resolvePeriod } from './periods.ts';
import { groupFilters, parseFilter } from './query.ts';

/** What reading a query needs besides its text: the clock, the site's zone, the oldest event. */
export interface QueryContext {
  readonly now: number;
  readonly timezone: string;
  /** Asked only for `period=all`, which starts at the oldest stored event. */
  readonly earliest: () => Promise<number | undefined>;
  /** The site's goals: what `filter=goal:<name>` may name. */
  readonly goals?: readonly Goal[];
  /** The site's funnels, handed on in the Query. */
  readonly funnels?: readonly Funnel[];
}

export interface QueryOptions {
  /** Whether `interval=` is read. The dashboard charts at the step its period implies. */
  readonly interval?: boolean;
}

/**
 * Reads `period`, `from`, `to`, `interval`, `filter` (repeatable) and `compare` once, for the JSON
 * API, the dashboard and the CSV export alike. An error names the parameter, for a 400.
 */
export async function parseQuery(params: URLSearchParams, ctx: QueryContext, options: QueryOptions = {}): Promise<Query | { error: string }> {
  const period = params.get('period');
  const range = resolvePeriod(
    { period, from: params.get('from'), to: params.get('to'), interval: options.interval === false ? null : params.get('interval') },
    ctx.timezone,
    ctx.now,
    period === 'all' ? await ctx.earliest() : undefined,
  );
  if ('error' in range) return range;
  const filters: QueryFilter[] = [];
  for (const text of params.getAll('filter')) {
    const filter = parseFilter(text);
    if ('error' in filter) return filter;
    const problem = filter.property === 'goal' ? goalProblem(ctx.goals, filter.value) : undefined;
    if (problem) return { error: `filter ${JSON.stringify(text)}: ${problem}` };
    filters.push(filter);
  }
  return {
    period: range.period,
    range,
    filters,
    comparison: params.get('compare') !== 'off',
    interval: range.interval,
    stats: { from: range.from, to: range.to, filters: groupFilters(filters), ...(ctx.goals?.length ? { goals: ctx.goals } : {}) },
    ...(ctx.funnels?.length ? { funnels: ctx.funnels } : {}),
  };
}
