// Nitro's handler for Footfall's paths (collector, dashboard, API): h3's event in, the runtime's
// Response out (h3 sends a returned Response as it is). Registered by the Nuxt module.
import type { IncomingMessage } from 'node:http';
import { toWebRequest } from '@footfall/runtime/node';
import { serveFootfall } from './server.ts';

/** The part of h3's event used here (h3 is Nitro's, not a dependency). */
interface H3Event {
  readonly node: { readonly req: IncomingMessage };
}

function footfallHandler(event: H3Event): Promise<Response> {
  const { req } = event.node;
  // The client address is the socket's peer; FOOTFALL_TRUSTED_PROXIES decides about X-Forwarded-For.
  return serveFootfall(toWebRequest(req), req.socket?.remoteAddress);
}

// h3 takes a function carrying this flag as an event handler (what its `defineEventHandler` sets).
export default Object.assign(footfallHandler, { __is_handler__: true as const });
