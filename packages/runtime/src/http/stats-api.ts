import type { StatsContext } from '../store/types.ts';
import { intervalsOf, previousRange, type Range } from '../stats/periods.ts';
import { parseQuery } from '../stats/parse-query.ts';
import { isPropertyName } from '../stats/query.ts';
import { goalConversions, goalProblem } from '../stats/goals.ts';
import { summarise } from '../stats/summary.ts';
import { funnelApi } from './funnel-api.ts';
import { queryContext } from './query-context.ts';
import { json, problem } from './responses.ts';
import { PROPERTIES, REALTIME_WINDOW_MS, type PropertyName } from '../model/stats.ts';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export function parseBreakdownParams(params: URLSearchParams): { property: PropertyName; limit: number } | { error: string } {
  const property = params.get('property') ?? '';
  if (!isPropertyName(property)) return { error: `property must be one of ${PROPERTIES.join(', ')}, prop:key` };
  const limitText = params.get('limit') ?? String(DEFAULT_LIMIT);
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_LIMIT) return { error: `limit must be a whole number from 1 to ${MAX_LIMIT}` };
  return { property, limit };
}

function rangeInfo(range: Range) {
  return { period: range.period, from: range.firstDay, to: range.lastDay, interval: range.interval };
}

/** GET /_analytics/api/<endpoint>: the JSON contract README.md documents ("Collector and API"). */
export async function statsApi(endpoint: string, params: URLSearchParams, ctx: StatsContext): Promise<Response> {
  if (endpoint === 'realtime') {
    return json(200, { visitors: await ctx.store.realtime(ctx.now() - REALTIME_WINDOW_MS) });
  }
  const at = queryContext(ctx);
  const parsed = await parseQuery(params, at);
  if ('error' in parsed) return problem(400, parsed.error);
  const { range, stats: query } = parsed;
  switch (endpoint) {
    case 'summary': {
      const previous = previousRange(range, at.now);
      const [current, before] = await Promise.all([ctx.store.totals(query), ctx.store.totals({ ...query, ...previous })]);
      return json(200, { ...summarise(current), previous: summarise(before), range: rangeInfo(range) });
    }
    case 'timeseries': {
      const intervals = intervalsOf(range, ctx.timezone);
      if ('error' in intervals) return problem(400, intervals.error);
      return json(200, { results: await ctx.store.timeseries(query, intervals), range: rangeInfo(range) });
    }
    case 'breakdown': {
      const b = parseBreakdownParams(params);
      if ('error' in b) return problem(400, b.error);
      if (b.property === 'goal') {
        const none = goalProblem(query.goals);
        if (none) return problem(400, `property=goal: ${none}`);
        return json(200, { results: await goalConversions(ctx.store, query, b.limit), range: rangeInfo(range) });
      }
      return json(200, { results: await ctx.store.breakdown(query, b.property, b.limit), range: rangeInfo(range) });
    }
    case 'funnel':
      return funnelApi(params, query, ctx, rangeInfo(range));
    default:
      return problem(404, `unknown endpoint ${JSON.stringify(endpoint)}; use summary, timeseries, breakdown, funnel or realtime`);
  }
}
