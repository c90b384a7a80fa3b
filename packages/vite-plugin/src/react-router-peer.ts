import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';

/**
 * The socket peer of the node:http request being handled, for hosts that never hand it to a
 * route: `react-router-serve` builds the Request from Express's `req` and passes no load context,
 * and without the peer every visitor would hash alike and share one password-guess budget.
 * node:http announces each request on this channel synchronously, just before it emits
 * 'request', so the address entered here is the async context of everything that request runs.
 * Undefined outside node:http (a worker runtime, prerendering), where nothing is announced.
 */
const PEERS = Symbol.for('@footfall/vite:socket-peers');

function peers(): AsyncLocalStorage<string | undefined> {
  const scope = globalThis as { [PEERS]?: AsyncLocalStorage<string | undefined> };
  let store = scope[PEERS];
  if (!store) {
    // Once per process: dev servers evaluate this module again after every change.
    const created = new AsyncLocalStorage<string | undefined>();
    subscribe('http.server.request.start', (message) => created.enterWith((message as { socket?: { remoteAddress?: string } }).socket?.remoteAddress));
    store = scope[PEERS] = created;
  }
  return store;
}

peers();

export function socketPeer(): string | undefined {
  return peers().getStore();
}
