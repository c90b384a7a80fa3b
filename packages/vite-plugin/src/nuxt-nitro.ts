import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_CONFIG_ID, hostConfigModule } from './host-config.ts';
import type { FootfallViteOptions, ResolvedViteOptions } from './options.ts';
import { trackerFor } from './tracker.ts';

/** The parts of Nitro's config (nitropack 2) the module sets. */
export interface NitroConfig {
  virtual?: Record<string, string | (() => string)>;
  plugins?: string[];
  externals?: { inline?: string[]; traceInclude?: string[] };
}

export interface NitroHandler {
  readonly route: string;
  readonly handler: string;
  readonly lazy: boolean;
}

export interface NitroSetup {
  readonly virtual: Record<string, () => string>;
  readonly plugins: string[];
  readonly inline: string[];
  readonly trace: string[];
  readonly handlers: NitroHandler[];
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/**
 * What Nitro needs to serve Footfall. Nitro bundles server code with its own Rollup, not Vite, so
 * the build's config reaches it through Nitro's `virtual` modules, and this package's files are
 * inlined into the bundle (they import that virtual module; Nuxt inlines a module's package only
 * when the module was named by a string). @footfall/runtime stays external, copied into
 * .output/server/node_modules by Nitro's tracer, because it opens files by URL (the tracker, the
 * store's worker threads) and bundling would break those URLs. The tracer follows a literal
 * `new URL('./x.js', import.meta.url)` but not a computed one, so the workers are named here.
 */
export function nitroSetup(options: FootfallViteOptions, resolved: ResolvedViteOptions, dev: boolean): NitroSetup {
  const { collectorBase, dashboardBase } = resolved.runtime;
  const config = hostConfigModule({ options, dev, tracker: trackerFor(resolved), collectorBase, dashboardBase });
  const handler = here('./nuxt-handler.js');
  return {
    virtual: { [HOST_CONFIG_ID]: () => config },
    plugins: [here('./nuxt-render-plugin.js')],
    // `nuxt dev` answers Footfall's paths in its Vite server (see nuxt.ts); Nitro does it elsewhere.
    handlers: dev ? [] : [collectorBase, dashboardBase].flatMap((base) => [base, `${base}/**`].map((route) => ({ route, handler, lazy: true }))),
    inline: [here('.')],
    trace: runtimeWorkers(),
  };
}

/** Adds the setup to Nuxt's `nitro` options (read by Nuxt when it starts Nitro, after the modules). */
export function addToNitro(nitro: NitroConfig, setup: NitroSetup): void {
  nitro.virtual = { ...nitro.virtual, ...setup.virtual };
  (nitro.plugins ??= []).push(...setup.plugins);
  const externals = (nitro.externals ??= {});
  (externals.inline ??= []).push(...setup.inline);
  (externals.traceInclude ??= []).push(...setup.trace);
}

/** The runtime's worker-thread entry files, as installed beside this package. */
function runtimeWorkers(): string[] {
  const dir = join(dirname(createRequire(import.meta.url).resolve('@footfall/runtime')), 'store/sqlite');
  return readdirSync(dir)
    .filter((file) => file.endsWith('-worker.js'))
    .map((file) => join(dir, file));
}
