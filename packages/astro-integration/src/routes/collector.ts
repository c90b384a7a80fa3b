// Astro endpoint for `${collectorBase}/[...path]`: the beacon collector and the privacy page.
import config from 'virtual:@footfall/astro/options';
import type { RouteConfig } from '../route-config.ts';
import { footfallRoute } from '../route-handler.ts';

// Astro reads this literal from the file: the route runs on demand even in a static site.
export const prerender = false;

export const ALL = footfallRoute(config as RouteConfig);
