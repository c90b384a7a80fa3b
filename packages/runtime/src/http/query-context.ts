import type { QueryContext } from '../stats/parse-query.ts';
import type { StatsContext } from '../store/types.ts';

/**
 * One request's clock reading and its store's oldest event, asked at most once: the page needs it
 * both for `period=all` and to tell an empty site, and asks it only once.
 */
export function queryContext(stats: StatsContext): QueryContext {
  let earliest: Promise<number | undefined> | undefined;
  return {
    now: stats.now(),
    timezone: stats.timezone,
    earliest: () => (earliest ??= stats.store.earliest()),
    ...(stats.goals ? { goals: stats.goals } : {}),
    ...(stats.funnels ? { funnels: stats.funnels } : {}),
  };
}
