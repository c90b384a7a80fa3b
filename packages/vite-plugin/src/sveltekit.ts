// '@footfall/vite/sveltekit': one line in src/hooks.server.js
//   export { handle } from '@footfall/vite/sveltekit';
// or, beside a handle of your own: `export const handle = sequence(footfallHandle, yours);`
import { isFootfallPath, serveFootfall, withTracker } from './server.ts';

/** The parts of SvelteKit's RequestEvent and resolve() used here (kit is not a dependency). */
interface RequestEvent {
  readonly request: Request;
  readonly url: URL;
  getClientAddress(): string;
}
type Resolve = (event: RequestEvent, options?: { transformPageChunk?(input: { html: string; done: boolean }): string | undefined }) => Response | Promise<Response>;

/**
 * SvelteKit's `handle` hook: Footfall answers its own paths in the app's server (adapter-node's
 * `node build`, `vite dev`, `vite preview`), and every page SvelteKit renders or prerenders gets
 * the tracker in its head.
 */
export async function handle({ event, resolve }: { event: RequestEvent; resolve: Resolve }): Promise<Response> {
  if (isFootfallPath(event.url.pathname)) return serveFootfall(event.request, clientAddress(event));
  // Chunks stream in order and only one holds </head>; the others pass through unchanged.
  return resolve(event, { transformPageChunk: ({ html }) => withTracker(html) });
}

export { handle as footfallHandle };

/** The socket's peer; SvelteKit throws for it while prerendering. */
function clientAddress(event: RequestEvent): string | undefined {
  try {
    return event.getClientAddress();
  } catch {
    return undefined;
  }
}
