import { fileURLToPath } from 'node:url';
import type { RouteConfig } from './route-config.ts';

export const OPTIONS_ID = 'virtual:@footfall/astro/options';
export const STARTUP_ID = 'virtual:@footfall/astro/startup';
const SERVER_ENVIRONMENTS = ['ssr', 'prerender', 'astro'];
const ROUTE_HANDLER = fileURLToPath(new URL('./route-handler.js', import.meta.url));

/** The bits of Rollup's plugin context used here (Vite's types are not a dependency). */
interface PluginContext {
  environment?: { name: string };
  getModuleInfo(id: string): { isEntry: boolean } | null;
}

/**
 * Hands the build's RouteConfig to the injected routes as `virtual:@footfall/astro/options`
 * (the way @astrojs/node passes its own options). Only server code imports it: it may hold the
 * owner's password if they wrote one into astro.config instead of FOOTFALL_PASSWORD.
 *
 * In a build it also makes the server entry start Footfall before it serves anything: the
 * FOOTFALL_* environment is resolved and the database opened when the server starts, so a bad
 * setting stops the server at once with its name and allowed values, instead of a request later.
 */
export function optionsPlugin(config: RouteConfig) {
  const resolved = new Map<string, string>([
    [OPTIONS_ID, `\0${OPTIONS_ID}`],
    [STARTUP_ID, `\0${STARTUP_ID}`],
  ]);
  const modules = new Map<string, string>([
    [`\0${OPTIONS_ID}`, `export default ${JSON.stringify(config)};\n`],
    [
      `\0${STARTUP_ID}`,
      `import config from ${JSON.stringify(OPTIONS_ID)};\n` + `import { sharedFootfall } from ${JSON.stringify(ROUTE_HANDLER)};\n` + 'await sharedFootfall(config);\n',
    ],
  ]);
  return {
    name: '@footfall/astro:options',
    configEnvironment(name: string) {
      if (!SERVER_ENVIRONMENTS.includes(name)) return undefined;
      return {
        resolve: {
          // The routes import the virtual module, so Vite must process them even where the
          // package is installed (not linked); Astro does this for packages that peer-depend
          // on astro, this says it explicitly.
          noExternal: ['@footfall/astro'],
          // The runtime is plain Node code (node:sqlite, a tracker file read next to itself):
          // the built server imports it from node_modules instead of a bundled copy.
          external: ['@footfall/runtime'],
        },
      };
    },
    resolveId(id: string) {
      return resolved.get(id);
    },
    load(id: string) {
      return modules.get(id);
    },
    transform(this: PluginContext, code: string, id: string) {
      if (config.dev || this.environment?.name !== 'ssr' || !this.getModuleInfo(id)?.isEntry) return undefined;
      return { code: `import ${JSON.stringify(STARTUP_ID)};\n${code}`, map: null };
    },
  };
}
