import type { Totals } from '../model/stats.ts';

export interface Summary {
  visitors: number;
  visits: number;
  pageviews: number;
  views_per_visit: number;
  bounce_rate: number;
  visit_duration: number;
  events: number;
}

/** Contract shape: bounce rate in whole percent, visit duration in whole seconds. */
export function summarise(t: Totals): Summary {
  return {
    visitors: t.visitors,
    visits: t.visits,
    pageviews: t.pageviews,
    views_per_visit: t.visits ? Math.round((t.visitPageviews / t.visits) * 100) / 100 : 0,
    bounce_rate: t.visits ? Math.round((t.bounces / t.visits) * 100) : 0,
    visit_duration: t.visits ? Math.round(t.durationMs / t.visits / 1000) : 0,
    events: t.events,
  };
}
