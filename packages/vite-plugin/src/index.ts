import { createUnplugin, type UnpluginFactory } from 'unplugin';
import { resolveViteOptions, type FootfallViteOptions } from './options.ts';
import { FootfallServers } from './servers.ts';
import { trackerFor, trackerTag } from './tracker.ts';

export type { FootfallViteOptions } from './options.ts';

export const PLUGIN_NAME = '@footfall/vite';

/**
 * Options are resolved (and rejected with the fix) when `footfall()` runs, i.e. when Vite loads
 * the config. The Vite hooks below only translate: HTML in, tracker tag out; a server in,
 * the runtime's middleware mounted; a server closed, the store closed.
 */
const factory: UnpluginFactory<FootfallViteOptions | undefined, false> = (options) => {
  const resolved = resolveViteOptions(options);
  const tag = trackerTag(trackerFor(resolved));
  const servers = new FootfallServers(resolved);
  return {
    name: PLUGIN_NAME,
    vite: {
      transformIndexHtml: () => [tag],
      async configureServer(server) {
        await servers.start('dev', server, (m) => server.config.logger.warn(m, { timestamp: true }));
      },
      async configurePreviewServer(server) {
        await servers.start('preview', server, (m) => server.config.logger.warn(m, { timestamp: true }));
      },
      closeServer: ({ reason }) => servers.stop('dev', reason),
      closePreviewServer: () => servers.stop('preview'),
    },
  };
};

/** The Vite plugin: `plugins: [footfall({ ... })]` in vite.config. */
export const footfall = createUnplugin(factory).vite;
export default footfall;
