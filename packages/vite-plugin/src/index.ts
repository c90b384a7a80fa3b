import { fileURLToPath } from 'node:url';
import { createUnplugin, type UnpluginFactory } from 'unplugin';
import { detectFramework, missingLineWarning, untrackedPagesWarning, type Framework } from './frameworks.ts';
import { HOST_CONFIG_ID, hostConfigModule } from './host-config.ts';
import { resolveViteOptions, type FootfallViteOptions } from './options.ts';
import { trackServerBuild } from './react-router-build.ts';
import { FootfallServers } from './servers.ts';
import { trackerFor, trackerTag } from './tracker.ts';
import { addToVitePress } from './vitepress.ts';

export type { FootfallViteOptions } from './options.ts';

export const PLUGIN_NAME = '@footfall/vite';
const RESOLVED_CONFIG_ID = `\0${HOST_CONFIG_ID}`;
/**
 * The framework entries, as files of this package. Frameworks externalize their app's
 * dependencies in the server build (SvelteKit does, for everything in `dependencies`), and an
 * external entry would reach Node with its `virtual:` import unresolved: resolving the entry
 * to its file here, before Vite's own resolver, makes the build bundle it instead.
 */
const HOST_ENTRIES = new Map(['sveltekit', 'react-router'].map((name) => [`${PLUGIN_NAME}/${name}`, fileURLToPath(new URL(`./${name}.js`, import.meta.url))]));

/** The bits of Vite's resolved config and plugin context read here (Vite is an optional peer). */
interface ResolvedConfig {
  command: 'build' | 'serve';
  plugins: readonly { name: string }[];
  build: { ssr: boolean | string };
  logger: { warn(message: string): void };
  vitepress?: unknown;
}
interface Bundle {
  [file: string]: { type: 'asset' | 'chunk'; fileName: string; source?: string | Uint8Array };
}

/**
 * Options are resolved (and rejected with the fix) when `footfall()` runs, i.e. when Vite loads
 * the config. The Vite hooks below only translate: HTML in, tracker tag out; a server in,
 * the runtime's middleware mounted; a server closed, the store closed; a framework's server
 * build in, the virtual config its Footfall entry reads.
 */
const factory: UnpluginFactory<FootfallViteOptions | undefined, false> = (options = {}) => {
  const resolved = resolveViteOptions(options);
  const tracker = trackerFor(resolved);
  const tag = trackerTag(tracker);
  const servers = new FootfallServers(resolved);
  let config: ResolvedConfig | undefined;
  let framework: Framework | undefined;
  let serverCodeLoaded = false;

  return {
    name: PLUGIN_NAME,
    // Before Vite's resolver, which would externalize the framework entries (see HOST_ENTRIES).
    enforce: 'pre',
    resolveId: (id) => (id === HOST_CONFIG_ID ? RESOLVED_CONFIG_ID : HOST_ENTRIES.get(id)),
    load(id) {
      if (id !== RESOLVED_CONFIG_ID) return undefined;
      serverCodeLoaded = true;
      const { collectorBase, dashboardBase } = resolved.runtime;
      return hostConfigModule({ options, dev: config?.command === 'serve', tracker, collectorBase, dashboardBase });
    },
    vite: {
      // The framework entries import the virtual config, so Vite must bundle them into the
      // server build; the runtime stays plain Node code imported from node_modules.
      configEnvironment(name: string, environment: { consumer?: string }) {
        if (name === 'client' || environment.consumer === 'client') return undefined;
        return { resolve: { noExternal: ['@footfall/vite'], external: ['@footfall/runtime'] } };
      },
      configResolved(resolvedConfig: ResolvedConfig) {
        config = resolvedConfig;
        framework = detectFramework(resolvedConfig.plugins.map((p) => p.name));
        // These frameworks have no index.html and warn about any plugin with this hook (our
        // configResolved runs first, being 'pre'); their pages get the tracker from the entry.
        if (framework) delete (resolvedConfig.plugins.find((p) => p.name === PLUGIN_NAME) as { transformIndexHtml?: unknown } | undefined)?.transformIndexHtml;
        if (resolvedConfig.vitepress) addToVitePress(resolvedConfig.vitepress, tracker);
      },
      transformIndexHtml: () => [tag],
      // React Router's documents get the tracker in its server build (react-router-build.ts).
      transform(code: string, id: string) {
        if (framework?.name !== 'React Router' || !config) return undefined;
        const { logger } = config;
        const { collectorBase, dashboardBase } = resolved.runtime;
        return trackServerBuild(code, id, { collectorBase, dashboardBase, warn: (m) => logger.warn(m) });
      },
      generateBundle(_options: unknown, bundle: Bundle) {
        const pages = Object.values(bundle).filter((f) => f.type === 'asset' && f.fileName.endsWith('.html'));
        if (pages.length > 0 && !pages.some((p) => String(p.source).includes('data-footfall'))) config?.logger.warn(untrackedPagesWarning(pages.length));
      },
      closeBundle(this: { environment?: { config: { consumer?: string } } }) {
        const server = this.environment?.config.consumer === 'server';
        if (framework && config?.command === 'build' && server && !serverCodeLoaded) config.logger.warn(missingLineWarning(framework));
      },
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
