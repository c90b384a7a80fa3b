// Imported by the server build (react-router-build.ts adds the import): every document React
// Router renders, prerenders or writes as the SPA fallback passes through entry.server's
// `handleRequest`, the owner's own entry.server or React Router's default alike.
import { trackerElement } from '@footfall/runtime';

/** The part of a server build's `entry` (`ServerBuild['entry']` of react-router) used here. */
interface ServerEntry {
  module: { default: (...args: never[]) => Response | Promise<Response> };
}

const WRAPPED = Symbol.for('@footfall/vite:tracked-documents');
/** A head this long without `</head>` is no page of React's: it streams on untouched. */
const MAX_HEAD = 256 * 1024;

/** Replaces the entry's `handleRequest` with one whose HTML responses carry the tracker (its code). */
export function trackDocuments(entry: ServerEntry, tracker: string): void {
  const handleRequest = entry.module.default as ((...args: unknown[]) => Response | Promise<Response>) & { [WRAPPED]?: true };
  if (handleRequest[WRAPPED]) return;
  const element = new TextEncoder().encode(trackerElement(tracker));
  const tracked = async (...args: unknown[]) => withTrackerStream(await handleRequest(...args), element);
  entry.module = { ...entry.module, default: Object.assign(tracked, { [WRAPPED]: true as const }) };
}

/** The response with the tracker before `</head>`, streamed: React flushes the head with its shell. */
export function withTrackerStream(response: Response, element: Uint8Array): Response {
  if (!response.body || !/^text\/html\b/i.test(response.headers.get('content-type') ?? '')) return response;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(response.body.pipeThrough(injector(element)), { status: response.status, statusText: response.statusText, headers });
}

/**
 * Holds bytes back only until `</head>` has gone by, so a head split across chunks is still
 * found, and the rest of the page streams through untouched. It works on bytes, never decoding
 * the page: `</head>` is ASCII, which UTF-8 never uses inside a multi-byte character, and the
 * single-byte latin1 view keeps string offsets equal to byte offsets.
 */
function injector(element: Uint8Array): TransformStream<Uint8Array, Uint8Array> {
  const latin1 = new TextDecoder('latin1');
  let held: Uint8Array | undefined = new Uint8Array(0);
  return new TransformStream({
    transform(chunk, controller) {
      if (!held) return controller.enqueue(chunk);
      const joined = new Uint8Array(held.length + chunk.length);
      joined.set(held);
      joined.set(chunk, held.length);
      const text = latin1.decode(joined);
      const at = text.search(/<\/head\s*>/i);
      if (at === -1 && joined.length < MAX_HEAD) {
        held = joined;
        return;
      }
      held = undefined;
      if (at === -1 || text.lastIndexOf('<script data-footfall', at) !== -1) return controller.enqueue(joined);
      controller.enqueue(joined.subarray(0, at));
      // A copy per page: a consumer may transfer (detach) the buffers it is given.
      controller.enqueue(element.slice());
      controller.enqueue(joined.subarray(at));
    },
    flush(controller) {
      if (held?.length) controller.enqueue(held);
    },
  });
}
