import { closeSharedFootfalls, serveWith, sharedFootfall as runtimeSharedFootfall, type Footfall } from '@footfall/runtime';
import type { APIContext, APIRoute } from 'astro';
import { serverOptions, type RouteConfig } from './route-config.ts';

type Env = Record<string, string | undefined>;

/**
 * The process's Footfall for this configuration, created on first use through the runtime's
 * registry (one database writer per process, however often `astro dev` evaluates this module).
 * The environment is read here, in the running server, so FOOTFALL_* settings change without a
 * rebuild. A failed start (a bad setting, an unwritable data directory) is not cached.
 */
export function sharedFootfall(config: RouteConfig, env: Env = process.env): Promise<Footfall> {
  return runtimeSharedFootfall(`@footfall/astro ${JSON.stringify(config)}`, () => serverOptions(config, env), { dev: config.dev, trailingSlash: config.trailingSlash });
}

/** Closes every Footfall this process opened (the dev server calls it when it stops). */
export { closeSharedFootfalls };

/** The socket address. Astro throws for it in contexts without one (prerendering, some adapters). */
function clientAddressOf(context: APIContext): string | undefined {
  try {
    return context.clientAddress;
  } catch {
    return undefined;
  }
}

/**
 * The runtime routes paths without a trailing slash; under Astro's `trailingSlash: 'always'` they
 * arrive with one (the tracker posts to `.../e/`, and the dashboard writes every link, form
 * action and fetch with the slash, because Astro redirects or, in `astro dev`, 404s the others).
 */
export function withoutTrailingSlash(request: Request): Request {
  const url = new URL(request.url);
  if (url.pathname.length < 2 || !url.pathname.endsWith('/')) return request;
  url.pathname = url.pathname.slice(0, -1);
  return new Request(url, request);
}

/** An Astro endpoint that hands every request to the runtime, untouched. */
export function footfallRoute(config: RouteConfig, env: Env = process.env): APIRoute {
  return (context) => serveWith(sharedFootfall(config, env), withoutTrailingSlash(context.request), clientAddressOf(context));
}
