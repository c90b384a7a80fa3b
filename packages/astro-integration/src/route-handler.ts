import { closeSharedFootfalls, serveWith, sharedFootfall as runtimeSharedFootfall, type Footfall } from '@footfall/runtime';
import type { APIContext, APIRoute } from 'astro';
import { serverOptions, type RouteConfig } from './route-config.ts';

type Env = Record<string, string | undefined>;

const SLASH = 0x2f;

/**
 * The process's Footfall for this configuration, created on first use through the runtime's
 * registry (one database writer per process, however often `astro dev` evaluates this module).
 * The environment is read here, in the running server, so FOOTFALL_* settings change without a
 * rebuild. A failed start (a bad setting, an unwritable data directory) is not cached.
 */
export function sharedFootfall(config: RouteConfig, env: Env = process.env): Promise<Footfall> {
  return sharedFor(registryKey(config), config, env);
}

function registryKey(config: RouteConfig): string {
  return `@footfall/astro ${JSON.stringify(config)}`;
}

function sharedFor(key: string, config: RouteConfig, env: Env): Promise<Footfall> {
  return runtimeSharedFootfall(key, () => serverOptions(config, env), { dev: config.dev, trailingSlash: config.trailingSlash });
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
  // Request URLs are serialized: the path ends where the query or fragment starts. Most have no
  // trailing slash, and are answered without parsing the URL again.
  const href = request.url;
  const end = href.search(/[?#]/);
  if (href.charCodeAt((end === -1 ? href.length : end) - 1) !== SLASH) return request;
  const url = new URL(href);
  if (url.pathname.length < 2 || !url.pathname.endsWith('/')) return request;
  url.pathname = url.pathname.slice(0, -1);
  return new Request(url, request);
}

/** An Astro endpoint that hands every request to the runtime, untouched. */
export function footfallRoute(config: RouteConfig, env: Env = process.env): APIRoute {
  // The configuration is the build's constant: its registry key is spelled once, not per request.
  const key = registryKey(config);
  return (context) => serveWith(sharedFor(key, config, env), withoutTrailingSlash(context.request), clientAddressOf(context));
}
