import { resolveOptions, type FootfallContext, type FootfallOptions, type ResolvedOptions } from '@footfall/runtime';

/**
 * What the build hands to the injected routes (through the virtual module): the owner's options
 * as written in astro.config, not resolved, so the server applies FOOTFALL_* from its own
 * environment when it starts; plus the few facts that the build fixed for good.
 */
export interface RouteConfig {
  readonly options: FootfallOptions;
  /** `astro dev`: the runtime opens the dashboard without a password. */
  readonly dev: boolean;
  /** Astro's `base` without its trailing slash ('' for '/'): every route is served under it. */
  readonly sitePrefix: string;
  /** Astro's `trailingSlash`: the dashboard writes its links, form actions and fetches in that style. */
  readonly trailingSlash: NonNullable<FootfallContext['trailingSlash']>;
  /** The bases the routes were mounted on and the tracker in the HTML posts to. */
  readonly collectorBase: string;
  readonly dashboardBase: string;
}

type Env = Record<string, string | undefined>;

/**
 * The options the server runs with: the build's options under the server's environment.
 * The two bases are the exception: the routes were mounted and the tracker was written into
 * every page at build time, so a different base in the environment cannot move them; it is
 * reported (once) and ignored instead of silently breaking the collector.
 */
export function serverOptions(config: RouteConfig, env: Env, warn: (message: string) => void = console.warn): ResolvedOptions {
  const { FOOTFALL_COLLECTOR_BASE: collector, FOOTFALL_DASHBOARD_BASE: dashboard, ...rest } = env;
  for (const [name, value, built] of [
    ['FOOTFALL_COLLECTOR_BASE', collector, config.collectorBase],
    ['FOOTFALL_DASHBOARD_BASE', dashboard, config.dashboardBase],
  ] as const) {
    if (value?.trim() && value.trim() !== built) {
      warn(
        `@footfall/astro: ${name}=${value.trim()} is ignored: the site was built with ${built}. Routes and the tracker are fixed at build time; set it when you run \`astro build\`.`,
      );
    }
  }
  return resolveOptions(
    {
      ...config.options,
      collectorBase: config.sitePrefix + config.collectorBase,
      dashboardBase: config.sitePrefix + config.dashboardBase,
    },
    rest,
  );
}
