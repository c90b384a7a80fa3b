// Astro endpoint for `${dashboardBase}` and everything under it: the dashboard, its login,
// the JSON API and the CSV export.
import config from 'virtual:@footfall/astro/options';
import type { RouteConfig } from '../route-config.ts';
import { footfallRoute } from '../route-handler.ts';

// Astro reads this literal from the file: the route runs on demand even in a static site.
export const prerender = false;

export const ALL = footfallRoute(config as RouteConfig);
