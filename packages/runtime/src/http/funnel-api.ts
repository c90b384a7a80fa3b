import { answerFunnel, funnelNamed, funnelProblem } from '../stats/funnels.ts';
import type { StatsQuery } from '../model/stats.ts';
import type { StatsContext } from '../store/types.ts';
import { json, problem } from './responses.ts';

/**
 * GET <dashboardBase>/api/funnel?name=<funnel>&period=...&filter=...: one funnel's steps for the
 * view (README.md, "Funnels"). 400 names the funnels when the name is missing or unknown.
 */
export async function funnelApi(params: URLSearchParams, query: StatsQuery, ctx: StatsContext, range: object): Promise<Response> {
  const name = params.get('name');
  const none = funnelProblem(ctx.funnels, name);
  if (none) return problem(400, none);
  const answer = await answerFunnel(ctx.store, query, funnelNamed(ctx.funnels, name!)!);
  return json(200, { ...answer, range });
}
