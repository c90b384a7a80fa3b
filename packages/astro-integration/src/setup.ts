import { trackerFor as runtimeTracker, type FootfallOptions, type ResolvedOptions } from '@footfall/runtime';
import type { AstroIntegration, AstroIntegrationLogger } from 'astro';
import { FootfallAstroError } from './errors.ts';
import type { RouteConfig } from './route-config.ts';
import { optionsPlugin } from './vite-plugin.ts';

type SetupParams = Parameters<NonNullable<AstroIntegration['hooks']['astro:config:setup']>>[0];

export const NODE_ADAPTER = '@astrojs/node';
export const ROUTE_ENTRYPOINTS = {
  collector: '@footfall/astro/routes/collector',
  dashboard: '@footfall/astro/routes/dashboard',
} as const;

/**
 * `astro:config:setup`: the tracker goes into every page, the collector and dashboard become
 * on-demand routes, and the routes get their configuration through a virtual module. With an
 * `endpoint` on another server (a statically hosted site), only the tracker.
 */
export function setup(params: SetupParams, options: FootfallOptions, resolved: ResolvedOptions): void {
  const { config, command, logger } = params;
  const sitePrefix = config.base.replace(/\/+$/, '');
  const tracker = trackerFor(resolved, sitePrefix, config.trailingSlash === 'always');
  if (!resolved.endpoint.startsWith('/')) {
    // A statically hosted site reporting to a Footfall server elsewhere: nothing runs here.
    logger.info(`the tracker reports to ${resolved.endpoint}; this site mounts no Footfall routes and needs no adapter.`);
    params.injectScript('head-inline', tracker);
    return;
  }
  requireAdapter(config.adapter?.name, command, logger);
  params.injectScript('head-inline', tracker);
  for (const route of footfallRoutes(resolved)) params.injectRoute(route);
  const routeConfig = routeConfigFor(options, resolved, { sitePrefix, trailingSlash: config.trailingSlash }, command === 'dev');
  // The beacon's direct path in the built server (node-collector.ts) is an optimisation: without
  // it the collector route answers, so a version it does not know is only a note.
  const direct = (id: string) => logger.info(`beacons go through Astro's pipeline: ${id} is not an @astrojs/node listener Footfall knows how to precede.`);
  params.updateConfig({ vite: { plugins: [optionsPlugin(routeConfig, direct)] } });
}

/**
 * The collector and dashboard run in the site's own server, so a build needs a server adapter.
 * `astro dev` serves on-demand routes without one: there it is only a warning.
 */
export function requireAdapter(adapter: string | undefined, command: SetupParams['command'], logger: AstroIntegrationLogger): void {
  if (adapter) {
    if (adapter !== NODE_ADAPTER) {
      logger.warn(`Footfall is tested with ${NODE_ADAPTER}; with ${adapter} the server must run Node.js >= 24.15 with a writable disk (FOOTFALL_DATA_DIR).`);
    }
    return;
  }
  const fix =
    `Install the Node adapter with \`npm i ${NODE_ADAPTER}\` and add it to astro.config: ` +
    `\`import node from '${NODE_ADAPTER}'\` and \`adapter: node({ mode: 'standalone' })\`.`;
  if (command === 'build') {
    throw new FootfallAstroError(`the collector and the dashboard run in your site's own server, so the build needs a server adapter. ${fix}`);
  }
  if (command === 'dev') logger.warn(`no server adapter: the dashboard works in \`astro dev\`, but \`astro build\` will stop. ${fix}`);
}

/** What the routes need from the build; `sitePrefix` is Astro's `base` without its trailing slash. */
export function routeConfigFor(options: FootfallOptions, resolved: ResolvedOptions, site: Pick<RouteConfig, 'sitePrefix' | 'trailingSlash'>, dev: boolean): RouteConfig {
  return {
    options,
    dev,
    sitePrefix: site.sitePrefix,
    trailingSlash: site.trailingSlash,
    collectorBase: resolved.collectorBase,
    dashboardBase: resolved.dashboardBase,
  };
}

/**
 * The inline tracker for these options, posting to the collector under the site's base. With
 * `trailingSlash: 'always'` Astro answers a POST to `/_footfall/e` with a redirect (which a
 * browser follows as a GET), so the tracker posts to `/_footfall/e/`; the route strips it.
 */
export function trackerFor(resolved: ResolvedOptions, sitePrefix: string, trailingSlash = false): string {
  const { endpoint } = resolved;
  const onSite = endpoint.startsWith('/');
  return runtimeTracker({ ...resolved, endpoint: onSite && trailingSlash && !endpoint.endsWith('/') ? `${endpoint}/` : endpoint }, sitePrefix);
}

/**
 * Catch-all routes under each base. A rest parameter also matches the bare base
 * (`/_analytics/[...path]` answers `/_analytics`), so two routes cover everything.
 * `prerender: false` keeps them on demand while the rest of a static site is prerendered.
 */
export function footfallRoutes(resolved: ResolvedOptions) {
  return [
    { pattern: `${resolved.collectorBase}/[...path]`, entrypoint: ROUTE_ENTRYPOINTS.collector, prerender: false },
    { pattern: `${resolved.dashboardBase}/[...path]`, entrypoint: ROUTE_ENTRYPOINTS.dashboard, prerender: false },
  ];
}

/** The two bases share no prefix: each request must belong to exactly one route. */
export function checkBases(resolved: ResolvedOptions): void {
  const [a, b] = [resolved.collectorBase, resolved.dashboardBase];
  if (a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`)) {
    throw new FootfallAstroError(`collectorBase (${a}) and dashboardBase (${b}) overlap; give them separate paths, e.g. /_footfall and /_analytics.`);
  }
}
