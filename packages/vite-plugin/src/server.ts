// Footfall inside a framework's own server. Imported by the framework entries
// ('@footfall/vite/sveltekit', '/react-router', the Nuxt module's handler): each translates its
// host's request and page shapes to these three functions, and nothing more.
import config from 'virtual:@footfall/vite/config';
import { injectTracker, ownsPath, resolveOptions, serveWith, sharedFootfall, trackerElement, type Footfall } from '@footfall/runtime';

const element = trackerElement(config.tracker);

/** The process's Footfall, started on first use with the server's FOOTFALL_* environment. */
export function footfall(): Promise<Footfall> {
  return sharedFootfall(JSON.stringify(config), () => resolveOptions(config.options, process.env), { dev: config.dev });
}

/** Whether the path is Footfall's: the collector or the dashboard. */
export function isFootfallPath(pathname: string): boolean {
  return ownsPath(pathname, config);
}

/** Footfall's answer to one of its paths; `clientAddress` is the socket's peer. */
export function serveFootfall(request: Request, clientAddress: string | undefined): Promise<Response> {
  return serveWith(footfall(), request, clientAddress);
}

/** A rendered page with the tracker in its head. */
export function withTracker(html: string): string {
  return injectTracker(html, element);
}
