import type { Footfall } from './footfall.ts';

/**
 * What host adapters share: answer Footfall's paths with the runtime, or let the host render,
 * and put the tracker into the pages it renders. Each adapter (SvelteKit's handle, a Nitro
 * handler, a React Router route) only translates its request and response shapes to these.
 */

let lastStartError: string | undefined;

/**
 * Hands a request to a Footfall that may still be starting. A configuration or storage problem
 * is the owner's to fix: it is said once in the server log, and the visitor's browser is told
 * only that the service is unavailable.
 */
export async function serveWith(footfall: Promise<Footfall>, request: Request, clientAddress: string | undefined): Promise<Response> {
  let ready: Footfall;
  try {
    ready = await footfall;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message !== lastStartError) console.error(error);
    lastStartError = message;
    return Response.json({ error: 'Footfall could not start; the reason is in the server log' }, { status: 503, headers: { 'cache-control': 'no-store' } });
  }
  lastStartError = undefined;
  return ready.fetch(request, { clientAddress });
}

/** The inline script element hosts put into every page. */
export function trackerElement(code: string): string {
  return `<script data-footfall>${code}</script>`;
}

/**
 * The page with the tracker before `</head>` (after <meta charset>, which must stay in the first
 * 1024 bytes), or unchanged when the page has no head or already carries it.
 */
export function injectTracker(html: string, element: string): string {
  if (html.includes('<script data-footfall')) return html;
  const at = html.search(/<\/head\s*>/i);
  return at === -1 ? html : html.slice(0, at) + element + html.slice(at);
}
