import { createFootfall, type Footfall } from '@footfall/runtime';
import type { APIContext, APIRoute } from 'astro';
import { serverOptions, type RouteConfig } from './route-config.ts';

type Env = Record<string, string | undefined>;

// One Footfall (one database, one group-commit writer) per server process, shared by the
// collector and dashboard routes. It lives on globalThis because `astro dev` may evaluate the
// route modules more than once (HMR, one module graph per environment), and two writers on one
// SQLite file would contend for its lock.
const REGISTRY = Symbol.for('@footfall/astro:instances');
type Registry = Map<string, Promise<Footfall>>;

function registry(): Registry {
  const scope = globalThis as { [REGISTRY]?: Registry };
  return (scope[REGISTRY] ??= new Map());
}

/**
 * The process's Footfall for this configuration, created on first use. The environment is read
 * here, in the running server, so FOOTFALL_* settings change without a rebuild. A failed start
 * (a bad setting, an unwritable data directory) is not cached: the next request tries again.
 */
export function sharedFootfall(config: RouteConfig, env: Env = process.env): Promise<Footfall> {
  const instances = registry();
  const key = JSON.stringify(config);
  let footfall = instances.get(key);
  if (!footfall) {
    const created = (async () => createFootfall(serverOptions(config, env), { dev: config.dev, trailingSlash: config.trailingSlash }))();
    created.catch(() => {
      if (instances.get(key) === created) instances.delete(key);
    });
    instances.set(key, created);
    footfall = created;
  }
  return footfall;
}

/** Closes every Footfall this process opened (the dev server calls it when it stops). */
export async function closeSharedFootfalls(): Promise<void> {
  const instances = registry();
  const all = [...instances.values()];
  instances.clear();
  await Promise.allSettled(all.map(async (footfall) => (await footfall).close()));
}

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

let lastStartError: string | undefined;

/** An Astro endpoint that hands every request to the runtime, untouched. */
export function footfallRoute(config: RouteConfig, env: Env = process.env): APIRoute {
  return async (context) => {
    let footfall: Footfall;
    try {
      footfall = await sharedFootfall(config, env);
    } catch (error) {
      // A configuration or storage problem is the owner's to fix: say it once in the server log,
      // and tell the visitor's browser only that the service is unavailable.
      const message = error instanceof Error ? error.message : String(error);
      if (message !== lastStartError) console.error(error);
      lastStartError = message;
      return Response.json({ error: 'Footfall could not start; the reason is in the server log' }, { status: 503, headers: { 'cache-control': 'no-store' } });
    }
    lastStartError = undefined;
    return footfall.fetch(withoutTrailingSlash(context.request), { clientAddress: clientAddressOf(context) });
  };
}
