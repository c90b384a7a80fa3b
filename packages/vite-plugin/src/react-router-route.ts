// The resource route behind footfallRoutes(): React Router hands it the Request of every method
// under Footfall's bases, and returns its Response as it is (resource routes render nothing).
import { socketPeer } from './react-router-peer.ts';
import { serveFootfall } from './server.ts';

/** The part of React Router's loader and action arguments used here. */
interface RouteArgs {
  readonly request: Request;
}

export function loader({ request }: RouteArgs): Promise<Response> {
  return serveFootfall(request, socketPeer());
}

export function action({ request }: RouteArgs): Promise<Response> {
  return serveFootfall(request, socketPeer());
}
