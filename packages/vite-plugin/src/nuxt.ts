// '@footfall/vite/nuxt': a Nuxt module, one line in nuxt.config:
//   export default defineNuxtConfig({ modules: ['@footfall/vite/nuxt'], footfall: { ... } })
// A plain function with `getMeta`, the shape Nuxt's loader calls, so @nuxt/kit is not needed.
import { footfall } from './index.ts';
import { addToNitro, nitroSetup, type NitroConfig, type NitroHandler } from './nuxt-nitro.ts';
import { resolveViteOptions, type FootfallViteOptions } from './options.ts';

/** The parts of Nuxt's instance used here (Nuxt is not a dependency). */
interface Nuxt {
  readonly options: {
    readonly dev: boolean;
    readonly footfall?: FootfallViteOptions | false;
    readonly nitro: NitroConfig;
    readonly serverHandlers: NitroHandler[];
  };
  hook(name: 'vite:extendConfig', fn: (config: { plugins?: unknown[] }, env: { isClient: boolean }) => void): unknown;
  hook(name: 'close', fn: () => Promise<void> | undefined): unknown;
}

/**
 * Footfall in Nuxt's own servers. Production (`node .output/server/index.mjs`) and prerendering:
 * Nitro handlers answer the collector and dashboard, and a Nitro plugin puts the tracker into
 * every page through `render:html`. `nuxt dev`: Nuxt sends every request through its client
 * Vite server first, so the Vite plugin's dev middleware answers there, in Nuxt's own process;
 * Nitro's dev server (a worker thread) never opens a second store on the same database.
 */
export default function footfallNuxt(inlineOptions: FootfallViteOptions, nuxt: Nuxt): void {
  // `['@footfall/vite/nuxt', { ... }]` wins over the `footfall: { ... }` key, as in Nuxt's own modules.
  const options: FootfallViteOptions = { ...(nuxt.options.footfall || {}), ...inlineOptions };
  // Checked now, so a bad value stops `nuxt dev` / `nuxt build` at once with the fix.
  const resolved = resolveViteOptions(options);
  const setup = nitroSetup(options, resolved, nuxt.options.dev);
  nuxt.options.serverHandlers.push(...setup.handlers);
  addToNitro(nuxt.options.nitro, setup);
  if (nuxt.options.dev) {
    // The client server only: in Nuxt's default set-up the SSR code has a Vite server of its own,
    // and each server would open the store.
    const plugin = footfall(options) as { closeServer?(server: { reason: 'close' }): Promise<void> };
    nuxt.hook('vite:extendConfig', (config, { isClient }) => {
      if (isClient) (config.plugins ??= []).push(plugin);
    });
    // Nuxt restarts itself in the same process after a config edit. Its Vite (7) has no
    // closeServer hook and, in middleware mode, no http server whose 'close' would say it.
    nuxt.hook('close', () => plugin.closeServer?.({ reason: 'close' }));
  }
}

// `footfall: false` in nuxt.config turns the module off, as for Nuxt's own modules.
footfallNuxt.getMeta = () => ({ name: '@footfall/vite/nuxt', configKey: 'footfall' });
