// '@footfall/vite/node': Footfall in the server that serves a built Vite app in production.
// One line in any Node server that speaks (req, res, next):
//   Express / Connect:   app.use(createFootfallMiddleware())
//   Fastify (middie):    await app.register(middie); app.use(createFootfallMiddleware())
//   node:http:           createServer((req, res) => footfall(req, res, () => yourHandler(req, res)))
import { createFootfall, resolveOptions, type Footfall, type FootfallContext, type FootfallOptions } from '@footfall/runtime';
import { footfallMiddleware, type NodeMiddleware } from './middleware.ts';

export { footfallMiddleware, type NodeMiddleware, type Next } from './middleware.ts';
export type { Footfall, FootfallOptions } from '@footfall/runtime';

export interface FootfallMiddleware extends NodeMiddleware {
  /** The running Footfall once its store is open; rejects if it cannot open. */
  readonly ready: Promise<Footfall>;
  /** Flushes pending events and closes the store. Call it when the server shuts down. */
  close(): Promise<void>;
}

/**
 * A Connect/Express/node:http middleware answering Footfall's routes (collector, dashboard, API,
 * privacy page) and passing every other request to `next`. Production rules apply: the dashboard
 * needs `password` (FOOTFALL_PASSWORD) unless `publicDashboard`. Options are validated here, so a
 * bad value throws while the server starts; FOOTFALL_* variables override them.
 *
 * The client IP is the socket's peer. Behind a reverse proxy, list the proxy in `trustedProxies`
 * (FOOTFALL_TRUSTED_PROXIES); Express's own `trust proxy` setting is not consulted.
 */
export function createFootfallMiddleware(options: FootfallOptions = {}, context: FootfallContext = {}): FootfallMiddleware {
  const resolved = resolveOptions(options, context.env, context.cwd);
  // Not caught here on purpose: a store that cannot open is a start-up failure, and an
  // unhandled rejection stops the process with its reason. Await `ready` to handle it yourself.
  const ready = createFootfall(resolved, { dev: false, ...context });
  let closing: Promise<void> | undefined;
  return Object.assign(footfallMiddleware(ready), {
    ready,
    close: () => (closing ??= ready.then((footfall) => footfall.close())),
  });
}
