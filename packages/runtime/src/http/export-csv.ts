import { csvFileName, csvLine } from '../stats/csv.ts';
import { intervalsOf } from '../stats/periods.ts';
import { goalConversions } from '../stats/goals.ts';
import { funnelCsvRows } from '../stats/funnels.ts';
import { summarise } from '../stats/summary.ts';
import { parseQuery } from '../stats/parse-query.ts';
import { queryContext } from './query-context.ts';
import type { StatsContext } from '../store/types.ts';
import { problem } from './responses.ts';
import { PROPERTIES } from '../model/stats.ts';

const ROWS_PER_PROPERTY = 1000;

/**
 * GET /_analytics/export.csv: the whole view (same period and filters) in one sheet, one
 * `section` column telling the summary, the time series and each breakdown apart.
 */
export async function exportCsv(params: URLSearchParams, ctx: StatsContext): Promise<Response> {
  const parsed = await parseQuery(params, queryContext(ctx));
  if ('error' in parsed) return problem(400, parsed.error);
  const { range, stats: query } = parsed;
  const intervals = intervalsOf(range, ctx.timezone);
  if ('error' in intervals) return problem(400, intervals.error);

  let out = csvLine([
    'section',
    'value',
    'visitors',
    'visits',
    'pageviews',
    'events',
    'views_per_visit',
    'bounce_rate',
    'visit_duration',
    'scroll_depth',
    'conversion_rate',
    'revenue',
    'average_revenue',
  ]);
  const s = summarise(await ctx.store.totals(query));
  out += csvLine(['summary', `${range.firstDay}..${range.lastDay}`, s.visitors, s.visits, s.pageviews, s.events, s.views_per_visit, s.bounce_rate, s.visit_duration]);
  for (const p of await ctx.store.timeseries(query, intervals)) out += csvLine(['timeseries', p.date, p.visitors, p.visits, p.pageviews]);
  for (const property of PROPERTIES) {
    // Goals are their own section below, with conversion rates and revenue.
    if (property === 'goal') continue;
    for (const row of await ctx.store.breakdown(query, property, ROWS_PER_PROPERTY)) {
      // Pages' scroll depth in the last column; empty where no view reported one.
      out += csvLine([property, row.value, row.visitors, row.visits, row.pageviews, row.events, ...(property === 'page' ? ['', '', '', row.scroll_depth] : [])]);
    }
  }
  // One row per goal: events are its conversions; revenue goals add their revenue.
  for (const g of await goalConversions(ctx.store, query, ROWS_PER_PROPERTY)) {
    out += csvLine(['goal', g.value, g.visitors, g.visits, '', g.events, '', '', '', '', g.conversion_rate, g.revenue, g.average_revenue]);
  }
  out += await funnelCsvRows(ctx.store, query, ctx.funnels);
  const name = csvFileName(['footfall', range.period, range.firstDay, range.lastDay]);
  return new Response(out, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    },
  });
}
