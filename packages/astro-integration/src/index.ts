import { resolveOptions, type FootfallOptions } from '@footfall/runtime';
import type { AstroIntegration } from 'astro';
import { routeConflicts } from './check-routes.ts';
import { closeSharedFootfalls } from './route-handler.ts';
import { checkBases, setup } from './setup.ts';

export type { FootfallOptions } from '@footfall/runtime';
export { FootfallAstroError } from './errors.ts';

/**
 * Footfall for Astro: a cookieless tracker in every page, and the collector and dashboard
 * (`/_footfall`, `/_analytics`) as on-demand routes of the site's own server.
 *
 * Options are checked here, while astro.config loads, against the FOOTFALL_* environment too,
 * so a bad value stops the build with the setting's name and its allowed values. The server
 * resolves them again when it starts, under its own environment.
 */
export default function footfall(options: FootfallOptions = {}): AstroIntegration {
  const resolved = resolveOptions(options, process.env);
  checkBases(resolved);
  const warned = new Set<string>();
  return {
    name: '@footfall/astro',
    hooks: {
      'astro:config:setup': (params) => setup(params, options, resolved),
      'astro:routes:resolved': ({ routes, logger }) => {
        for (const warning of routeConflicts(routes, [resolved.collectorBase, resolved.dashboardBase])) {
          if (!warned.has(warning)) logger.warn(warning);
          warned.add(warning);
        }
      },
      // `astro dev` runs the routes in this process: release the database when it stops.
      'astro:server:done': () => closeSharedFootfalls(),
    },
  };
}
