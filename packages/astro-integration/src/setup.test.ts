import { FootfallConfigError, resolveOptions } from '@footfall/runtime';
import type { AstroIntegrationLogger, IntegrationResolvedRoute } from 'astro';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { routeConflicts } from './check-routes.ts';
import { FootfallAstroError } from './errors.ts';
import footfall from './index.ts';
import { serverOptions, type RouteConfig } from './route-config.ts';
import { footfallRoutes, requireAdapter, setup, trackerFor } from './setup.ts';
import { beaconTarget } from './node-collector.ts';
import { optionsPlugin, OPTIONS_ID, STARTUP_ID, wrapNodeListener } from './vite-plugin.ts';

function fakeLogger() {
  const warnings: string[] = [];
  const logger = { warn: (m: string) => warnings.push(m), info() {}, error() {}, debug() {} } as unknown as AstroIntegrationLogger;
  return { logger, warnings };
}

/** Runs `astro:config:setup` with a recording stand-in for Astro's parameters. */
function runSetup(options: Parameters<typeof footfall>[0], astro: { adapter?: string; base?: string; trailingSlash?: string; command?: 'dev' | 'build' } = {}) {
  const { logger, warnings } = fakeLogger();
  const scripts: [string, string][] = [];
  const routes: { pattern: string; entrypoint: string | URL; prerender?: boolean }[] = [];
  const plugins: unknown[] = [];
  const params = {
    config: { adapter: astro.adapter ? { name: astro.adapter } : undefined, base: astro.base ?? '/', trailingSlash: astro.trailingSlash ?? 'ignore' },
    command: astro.command ?? 'build',
    logger,
    injectScript: (stage: string, code: string) => scripts.push([stage, code]),
    injectRoute: (route: (typeof routes)[number]) => routes.push(route),
    updateConfig: (config: { vite: { plugins: unknown[] } }) => plugins.push(...config.vite.plugins),
  };
  setup(params as never, options ?? {}, resolveOptions(options, {}));
  return { scripts, routes, plugins: plugins as ReturnType<typeof optionsPlugin>[], warnings };
}

function loadVirtual(plugin: ReturnType<typeof optionsPlugin>, id: string): string {
  const resolved = plugin.resolveId(id);
  expect(resolved).toBeTypeOf('string');
  return plugin.load(resolved!)!;
}

describe('footfall()', () => {
  afterEach(() => {
    delete process.env.FOOTFALL_STORAGE;
  });

  it('rejects a bad option while astro.config loads, naming the setting and the allowed values', () => {
    expect(() => footfall({ privacyMode: 'loud' as never })).toThrow(FootfallConfigError);
    expect(() => footfall({ privacyMode: 'loud' as never })).toThrow(/privacyMode.*FOOTFALL_PRIVACY_MODE.*standard, strict, paranoid/);
  });

  it('checks the FOOTFALL_* environment at config time too', () => {
    process.env.FOOTFALL_STORAGE = 'mysql';
    expect(() => footfall()).toThrow(/FOOTFALL_STORAGE is "mysql"; allowed: sqlite, json/);
  });

  it('rejects overlapping bases', () => {
    expect(() => footfall({ collectorBase: '/_analytics/c' })).toThrow(FootfallAstroError);
    expect(() => footfall({ collectorBase: '/stats', dashboardBase: '/stats' })).toThrow(/overlap/);
  });

  it('is an integration named @footfall/astro', () => {
    expect(footfall().name).toBe('@footfall/astro');
  });
});

describe('requireAdapter', () => {
  it('stops a build without an adapter, with the fix in the message', () => {
    const { logger } = fakeLogger();
    expect(() => requireAdapter(undefined, 'build', logger)).toThrow(FootfallAstroError);
    expect(() => requireAdapter(undefined, 'build', logger)).toThrow(/npm i @astrojs\/node.*adapter: node\(\{ mode: 'standalone' \}\)/);
  });

  it('only warns in dev, where Astro serves on-demand routes without one', () => {
    const { logger, warnings } = fakeLogger();
    requireAdapter(undefined, 'dev', logger);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/@astrojs\/node/);
  });

  it('accepts @astrojs/node silently and warns about untested adapters', () => {
    const { logger, warnings } = fakeLogger();
    requireAdapter('@astrojs/node', 'build', logger);
    expect(warnings).toEqual([]);
    requireAdapter('@astrojs/cloudflare', 'build', logger);
    expect(warnings[0]).toMatch(/tested with @astrojs\/node/);
  });
});

describe('astro:config:setup', () => {
  it('inlines the tracker in every page head and mounts two on-demand catch-all routes', () => {
    const { scripts, routes } = runSetup({}, { adapter: '@astrojs/node' });
    expect(scripts).toEqual([['head-inline', trackerFor(resolveOptions({}, {}), '')]]);
    expect(routes).toEqual([
      { pattern: '/_footfall/[...path]', entrypoint: '@footfall/astro/routes/collector', prerender: false },
      { pattern: '/_analytics/[...path]', entrypoint: '@footfall/astro/routes/dashboard', prerender: false },
    ]);
  });

  it('configures the tracker from the options', () => {
    const { scripts } = runSetup({ collectorBase: '/_c', dashboardBase: '/stats', allowLocalhost: true }, { adapter: '@astrojs/node' });
    expect(scripts[0]![1]).toContain('"e":"/_c/e"');
    expect(scripts[0]![1]).toContain('"l":1');
  });

  it("posts under Astro's base, with a trailing slash when the site demands one", () => {
    const { scripts, plugins } = runSetup({}, { adapter: '@astrojs/node', base: '/docs/', trailingSlash: 'always' });
    expect(scripts[0]![1]).toContain('"e":"/docs/_footfall/e/"');
    expect(loadVirtual(plugins[0]!, OPTIONS_ID)).toContain('"sitePrefix":"/docs","trailingSlash":"always"');
  });

  it('only inlines the tracker when it reports to a Footfall server elsewhere: no routes, no adapter needed', () => {
    const { scripts, routes, plugins } = runSetup({ endpoint: 'https://stats.example.com/_footfall/e' });
    expect(scripts[0]![1]).toContain('"e":"https://stats.example.com/_footfall/e"');
    expect(routes).toEqual([]);
    expect(plugins).toEqual([]);
  });

  it("hands the owner's unresolved options and the dev flag to the routes", () => {
    const build = runSetup({ privacyMode: 'strict' }, { adapter: '@astrojs/node' });
    expect(loadVirtual(build.plugins[0]!, OPTIONS_ID)).toBe(
      'export default {"options":{"privacyMode":"strict"},"dev":false,"sitePrefix":"","trailingSlash":"ignore","collectorBase":"/_footfall","dashboardBase":"/_analytics"};\n',
    );
    const dev = runSetup({}, { command: 'dev' });
    expect(loadVirtual(dev.plugins[0]!, OPTIONS_ID)).toContain('"dev":true');
    expect(dev.warnings[0]).toMatch(/no server adapter/);
  });
});

describe('the options plugin', () => {
  const config: RouteConfig = { options: {}, dev: false, sitePrefix: '', trailingSlash: 'ignore', collectorBase: '/_footfall', dashboardBase: '/_analytics' };
  const context = (environment: string, isEntry: boolean) => ({ environment: { name: environment }, getModuleInfo: () => ({ isEntry }) });

  it('makes the server entry start Footfall first, so a bad setting stops the server at start', () => {
    const plugin = optionsPlugin(config);
    const result = plugin.transform.call(context('ssr', true), 'export const x = 1;', '/entry.mjs');
    expect(result?.code).toBe(`import "${STARTUP_ID}";\nexport const x = 1;`);
    expect(loadVirtual(plugin, STARTUP_ID)).toMatch(/await sharedFootfall\(config\);/);
  });

  it('leaves other modules, the prerender build and the dev server alone', () => {
    expect(optionsPlugin(config).transform.call(context('ssr', false), 'x', '/page.mjs')).toBeUndefined();
    expect(optionsPlugin(config).transform.call(context('prerender', true), 'x', '/entry.mjs')).toBeUndefined();
    expect(optionsPlugin({ ...config, dev: true }).transform.call(context('ssr', true), 'x', '/entry.mjs')).toBeUndefined();
  });

  it('keeps the runtime external and the integration bundled in server environments only', () => {
    const plugin = optionsPlugin(config);
    expect(plugin.configEnvironment('ssr')).toEqual({ resolve: { noExternal: ['@footfall/astro'], external: ['@footfall/runtime'] } });
    expect(plugin.configEnvironment('client')).toBeUndefined();
  });
});

describe("the beacon's direct path in @astrojs/node's built server", () => {
  // The installed adapter's own files: a new release that moves things shows up here.
  const dist = createRequire(import.meta.url)
    .resolve('@astrojs/node/server.js')
    .replace(/server\.js$/, '');
  const standalone = `${dist}standalone.js`;
  const middleware = `${dist}middleware.js`;
  const config: RouteConfig = { options: {}, dev: false, sitePrefix: '', trailingSlash: 'ignore', collectorBase: '/_footfall', dashboardBase: '/_analytics' };
  const ssr = { environment: { name: 'ssr' }, getModuleInfo: () => ({ isEntry: false }) };

  it("wraps the standalone and middleware listeners of this adapter, keeping each factory's name and callers", () => {
    for (const [file, name, params] of [
      [standalone, 'createStandaloneHandler', 'app, options, headersMap'],
      [middleware, 'createMiddleware', 'app, options'],
    ] as const) {
      const code = readFileSync(file, 'utf8');
      const wrapped = optionsPlugin(config).transform.call(ssr, code, file)?.code;
      expect(wrapped, file).toContain(`function ${name}(${params}) {\n  return __footfallBeacon(__footfallAstro_${name}(${params}), __footfallConfig);\n}`);
      expect(wrapped).toContain(`import __footfallConfig from "${OPTIONS_ID}";`);
      expect(wrapped).toMatch(/import \{ withBeaconCollector as __footfallBeacon \} from ".*node-collector\.js";/);
      // The original body is kept whole under the new name.
      expect(
        wrapped!
          .split('\n')
          .slice(2)
          .join('\n')
          .replace(/function \w+\(.*\) \{\n {2}return __footfallBeacon.*\n\}\n/, '')
          .replace(`__footfallAstro_${name}`, name),
      ).toBe(code);
    }
  });

  it('leaves an adapter alone when its version or shape is not one it knows, and says so', () => {
    const code = readFileSync(standalone, 'utf8');
    expect(wrapNodeListener(code, standalone, 12)).toBeUndefined();
    expect(wrapNodeListener(code, standalone, Number.NaN)).toBeUndefined();
    expect(
      wrapNodeListener(code.replace('createStandaloneHandler(app, options, headersMap) {', 'createStandaloneHandler(app, opts, headersMap) {'), standalone, 11),
    ).toBeUndefined();
    expect(wrapNodeListener(`${code}\nfunction createStandaloneHandler(app, options, headersMap) {}`, standalone, 11)).toBeUndefined();
    const unknown = vi.fn();
    expect(optionsPlugin(config, unknown).transform.call(ssr, code.replaceAll('headersMap', 'headers'), standalone)).toBeUndefined();
    expect(unknown).toHaveBeenCalledWith(standalone);
    // Not in the dev server, the prerender build, or other files.
    expect(optionsPlugin({ ...config, dev: true }).transform.call(ssr, code, standalone)).toBeUndefined();
    expect(optionsPlugin(config).transform.call({ ...ssr, environment: { name: 'prerender' } }, code, standalone)).toBeUndefined();
    expect(optionsPlugin(config).transform.call(ssr, code, `${dist}serve-app.js`)).toBeUndefined();
  });

  it('takes only the address the tracker posts to, in the site style', () => {
    expect(beaconTarget(config)).toBe('/_footfall/e');
    expect(beaconTarget({ ...config, sitePrefix: '/docs', trailingSlash: 'always' })).toBe('/docs/_footfall/e/');
    expect(beaconTarget({ ...config, sitePrefix: '/docs', trailingSlash: 'never', collectorBase: '/c' })).toBe('/docs/c/e');
  });
});

describe('serverOptions', () => {
  const config: RouteConfig = {
    options: { privacyMode: 'strict', dataDir: 'data' },
    dev: false,
    sitePrefix: '/docs',
    trailingSlash: 'always',
    collectorBase: '/_footfall',
    dashboardBase: '/_analytics',
  };

  it("lets the server's environment win over the build's options", () => {
    const options = serverOptions(config, { FOOTFALL_PRIVACY_MODE: 'paranoid' });
    expect(options.privacyMode).toBe('paranoid');
    expect(options.collectorBase).toBe('/docs/_footfall');
    expect(options.dashboardBase).toBe('/docs/_analytics');
  });

  it('keeps the bases the site was built with and says why', () => {
    const warn = vi.fn();
    const options = serverOptions(config, { FOOTFALL_COLLECTOR_BASE: '/_moved', FOOTFALL_DASHBOARD_BASE: '/_analytics' }, warn);
    expect(options.collectorBase).toBe('/docs/_footfall');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/FOOTFALL_COLLECTOR_BASE=\/_moved is ignored.*astro build/);
  });

  it('throws on a bad environment value, naming it', () => {
    expect(() => serverOptions(config, { FOOTFALL_HASH_ROTATION_HOURS: '0' })).toThrow(/FOOTFALL_HASH_ROTATION_HOURS.*1 to 8760/);
  });

  it("hands the build's goals to the server, through the virtual module's JSON; FOOTFALL_GOALS wins", () => {
    const built: RouteConfig = JSON.parse(
      JSON.stringify({ ...config, options: { ...config.options, goals: ['Signup', { event: 'Purchase', revenue: 'amount' }, { page: '/blog/**' }] } }),
    );
    expect(serverOptions(built, {}).goals.map((g) => g.name)).toEqual(['Signup', 'Purchase', 'Visit /blog/**']);
    expect(serverOptions(built, { FOOTFALL_GOALS: '[{"page":"/docs/*"}]' }).goals.map((g) => g.name)).toEqual(['Visit /docs/*']);
    expect(() => serverOptions({ ...config, options: { goals: [{ page: 'blog' }] } }, {})).toThrow(/FOOTFALL_GOALS.*starting with \//);
  });
});

describe('routeConflicts', () => {
  const route = (pattern: string, entrypoint: string) => ({ pattern, entrypoint, origin: 'project' }) as IntegrationResolvedRoute;
  const bases = ['/_footfall', '/_analytics'];

  it('ignores our own routes and unrelated ones', () => {
    const ours = footfallRoutes(resolveOptions({}, {})).map((r, i) => route(r.pattern, ['../dist/routes/collector.js', '../dist/routes/dashboard.js'][i]!));
    expect(routeConflicts([...ours, route('/blog/[slug]', 'src/pages/blog/[slug].astro')], bases)).toEqual([]);
  });

  it("warns about a site route under Footfall's bases", () => {
    const warnings = routeConflicts([route('/_analytics/custom', 'src/pages/custom.ts')], bases);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/\/_analytics\/custom .* is under \/_analytics/);
  });
});
