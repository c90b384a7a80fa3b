import { fileURLToPath } from 'node:url';
import { HOST_CONFIG_ID } from './host-config.ts';
import { COLLECTOR_ROUTE_ID, DASHBOARD_ROUTE_ID, splat } from './react-router.ts';

/**
 * React Router's server build is one virtual module (documented for custom dev servers) that
 * exports a `ServerBuild`: `entry.module.default` is entry.server's `handleRequest`, through
 * which every document goes, rendered, prerendered or the SPA fallback. When the app's routes
 * include footfallRoutes(), the plugin appends a call that wraps it, so pages get the tracker
 * without a second line in root.tsx. Without those routes nothing is added (the collector would
 * answer 404), and the build's missing-line warning says what to do.
 */
const SERVER_BUILD_ID = '\0virtual:react-router/server-build';
const DOCUMENT_MODULE = fileURLToPath(new URL('./react-router-document.js', import.meta.url));

export interface ServerBuildCheck {
  readonly collectorBase: string;
  readonly dashboardBase: string;
  readonly warn: (message: string) => void;
}

/** The server build's code with documents tracked, or undefined to leave the module alone. */
export function trackServerBuild(code: string, id: string, check: ServerBuildCheck): string | undefined {
  if (!id.startsWith(SERVER_BUILD_ID) || !code.includes(JSON.stringify(COLLECTOR_ROUTE_ID))) return undefined;
  for (const [routeId, option, base] of [
    [COLLECTOR_ROUTE_ID, 'collectorBase', check.collectorBase],
    [DASHBOARD_ROUTE_ID, 'dashboardBase', check.dashboardBase],
  ] as const) {
    if (!code.includes(JSON.stringify(splat(base))))
      check.warn(
        `@footfall/vite: footfall() uses ${option} ${base}, but the ${routeId} route of footfallRoutes() in app/routes.ts does not serve it. To fix it, pass the same bases: footfallRoutes({ ${option}: '${base}' }).`,
      );
  }
  if (!/\bexport const entry\b/.test(code)) {
    check.warn('@footfall/vite: this React Router version builds its server differently, so pages will not carry the tracker. Please report it, with the version.');
    return undefined;
  }
  return [
    code,
    `import { trackDocuments as __footfallTrackDocuments } from ${JSON.stringify(DOCUMENT_MODULE)};`,
    `import __footfallConfig from ${JSON.stringify(HOST_CONFIG_ID)};`,
    '__footfallTrackDocuments(entry, __footfallConfig.tracker);',
    '',
  ].join('\n');
}
