// '@footfall/vite/react-router': one line in app/routes.ts
//   export default [index('routes/home.tsx'), ...footfallRoutes()] satisfies RouteConfig;
//
// Why routes and not React Router middleware: in React Router 7, route middleware only runs
// behind `future.v8_middleware` (off by default), so it would take a second line in
// react-router.config.ts, and it only runs for paths some route matches anyway. Routes are
// plain public config: two resource routes answer Footfall's paths in the app's own server
// (`react-router-serve`, a custom Express server, `react-router dev`), and the Vite plugin puts
// the tracker into every document of a server build that has them (see react-router-build.ts).
import { fileURLToPath } from 'node:url';

/** The bases of `footfall()` in vite.config, when they are not the defaults. */
export interface FootfallRouteBases {
  readonly collectorBase?: string;
  readonly dashboardBase?: string;
}

/** The shape of a route config entry of `@react-router/dev/routes` (not a dependency here). */
export interface FootfallRouteConfigEntry {
  readonly id: string;
  readonly path: string;
  readonly file: string;
}

export const COLLECTOR_ROUTE_ID = 'footfall-collector';
export const DASHBOARD_ROUTE_ID = 'footfall-dashboard';

/** An absolute path: React Router resolves route files against app/, and keeps absolute ones. */
const ROUTE_FILE = fileURLToPath(new URL('./react-router-route.js', import.meta.url));

/** Two splat resource routes for the collector and the dashboard; spread them into app/routes.ts. */
export function footfallRoutes(bases: FootfallRouteBases = {}): FootfallRouteConfigEntry[] {
  return [
    { id: COLLECTOR_ROUTE_ID, path: splat(bases.collectorBase ?? '/_footfall'), file: ROUTE_FILE },
    { id: DASHBOARD_ROUTE_ID, path: splat(bases.dashboardBase ?? '/_analytics'), file: ROUTE_FILE },
  ];
}

/** `/_footfall` -> `_footfall/*`, which React Router matches for `/_footfall` and all below it. */
export function splat(base: string): string {
  return `${base.replace(/^\/+|\/+$/g, '')}/*`;
}
