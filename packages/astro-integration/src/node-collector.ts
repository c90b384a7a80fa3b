import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Footfall } from '@footfall/runtime';
import { collectNodeRequest } from '@footfall/runtime/node';
import type { RouteConfig } from './route-config.ts';
import { sharedFootfall } from './route-handler.ts';

type Listener = (req: IncomingMessage, res: ServerResponse, ...rest: unknown[]) => unknown;

/**
 * The address the tracker in this build's pages posts to: the site's base, the collector's base,
 * `/e`, and a slash under `trailingSlash: 'always'` (see trackerFor). Only this exact request
 * target takes the direct path; every other spelling goes through Astro as before.
 */
export function beaconTarget(config: RouteConfig): string {
  return `${config.sitePrefix}${config.collectorBase}/e${config.trailingSlash === 'always' ? '/' : ''}`;
}

/**
 * Wraps @astrojs/node's request listener (built into the server entry by the Vite plugin) so the
 * tracker's beacon goes straight to the runtime's node:http collector. Astro's pipeline (a static
 * file probe, a Web Request, routing, rendering, writing the Response back) costs a request about
 * three times what collecting it does; the injected collector route still answers everything
 * else, and this beacon too until the Footfall is ready.
 *
 * What the beacon skips is what a static file skips: Astro's middleware (the site's and
 * integrations') and its origin check, which lets JSON through anyway. The client address is the
 * socket's, as the route's `clientAddress` is.
 */
export function withBeaconCollector(listener: Listener, config: RouteConfig): Listener {
  const target = beaconTarget(config);
  let footfall: Footfall | undefined;
  // The server entry awaits this same Footfall before it serves (the startup module), so it is
  // ready by the first request. A failed start leaves it unset: the route reports that (503).
  sharedFootfall(config).then(
    (ready) => (footfall = ready),
    () => {},
  );
  return function footfallBeacon(this: unknown, req, res, ...rest) {
    if (footfall !== undefined && req.url === target && req.method === 'POST') return collectNodeRequest(footfall, req, res);
    return listener.call(this, req, res, ...rest);
  };
}
