import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RouteConfig } from './route-config.ts';

export const OPTIONS_ID = 'virtual:@footfall/astro/options';
export const STARTUP_ID = 'virtual:@footfall/astro/startup';
const SERVER_ENVIRONMENTS = ['ssr', 'prerender', 'astro'];
const ROUTE_HANDLER = fileURLToPath(new URL('./route-handler.js', import.meta.url));
const NODE_COLLECTOR = fileURLToPath(new URL('./node-collector.js', import.meta.url));

/**
 * @astrojs/node's request listeners, which the built server's beacon may skip (node-collector.ts):
 * the file, and the factory whose listener is wrapped, spelled exactly as that adapter's versions
 * below write it. Astro offers integrations no way to see a node request before its pipeline;
 * anything else (another major, a changed factory) leaves the file alone, and the injected
 * collector route answers beacons as before.
 */
const NODE_ADAPTER_MAJORS = [10, 11];
const NODE_LISTENERS = [
  { file: /[\\/]@astrojs[\\/]node[\\/]dist[\\/]standalone\.js$/, name: 'createStandaloneHandler', params: 'app, options, headersMap' },
  { file: /[\\/]@astrojs[\\/]node[\\/]dist[\\/]middleware\.js$/, name: 'createMiddleware', params: 'app, options' },
];

/** The major version of the @astrojs/node whose dist file this is, if its package.json says. */
function adapterMajor(file: string): number | undefined {
  try {
    const { name, version } = JSON.parse(readFileSync(new URL('../package.json', pathToFileURL(file)), 'utf8')) as { name?: string; version?: string };
    return name === '@astrojs/node' ? Number(version?.split('.')[0]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The adapter module with its listener factory wrapped, or undefined when this is not a version
 * and shape known here. The factory keeps its name, parameters and callers; its original body
 * moves to a function of its own.
 */
export function wrapNodeListener(code: string, id: string, major = adapterMajor(id)): string | undefined {
  const listener = NODE_LISTENERS.find((l) => l.file.test(id));
  if (!listener || major === undefined || !NODE_ADAPTER_MAJORS.includes(major)) return undefined;
  const head = `function ${listener.name}(${listener.params}) {`;
  const at = code.indexOf(head);
  if (at === -1 || code.indexOf(head, at + 1) !== -1) return undefined;
  const original = `__footfallAstro_${listener.name}`;
  return (
    `import __footfallConfig from ${JSON.stringify(OPTIONS_ID)};\n` +
    `import { withBeaconCollector as __footfallBeacon } from ${JSON.stringify(NODE_COLLECTOR)};\n` +
    code.slice(0, at) +
    `${head}\n  return __footfallBeacon(${original}(${listener.params}), __footfallConfig);\n}\n` +
    `function ${original}(${listener.params}) {` +
    code.slice(at + head.length)
  );
}

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
export function optionsPlugin(config: RouteConfig, onUnknownAdapter: (id: string) => void = () => {}) {
  const resolved = new Map<string, string>([
    [OPTIONS_ID, `\0${OPTIONS_ID}`],
    [STARTUP_ID, `\0${STARTUP_ID}`],
  ]);
  const modules = new Map<string, string>([
    [`\0${OPTIONS_ID}`, `export default ${JSON.stringify(config)};\n`],
    [`\0${STARTUP_ID}`, `import config from ${JSON.stringify(OPTIONS_ID)};\nimport { sharedFootfall } from ${JSON.stringify(ROUTE_HANDLER)};\nawait sharedFootfall(config);\n`],
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
      if (config.dev || this.environment?.name !== 'ssr') return undefined;
      if (id.includes('@astrojs') && NODE_LISTENERS.some((l) => l.file.test(id))) {
        const wrapped = wrapNodeListener(code, id);
        if (wrapped === undefined) onUnknownAdapter(id);
        return wrapped === undefined ? undefined : { code: wrapped, map: null };
      }
      if (!this.getModuleInfo(id)?.isEntry) return undefined;
      return { code: `import ${JSON.stringify(STARTUP_ID)};\n${code}`, map: null };
    },
  };
}
