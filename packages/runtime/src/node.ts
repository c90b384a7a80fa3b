import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { decodeBody } from './collect/body.ts';
import { readNodeBody } from './collect/node-body.ts';
import type { HeaderSource } from './net/headers.ts';
import type { Footfall } from './footfall.ts';

/**
 * The node:http edge: IncomingMessage -> Request, Response -> ServerResponse. Nothing else in
 * the runtime imports node:http; Express, Connect and Vite's servers all pass through here.
 */
export function toWebRequest(req: IncomingMessage): Request {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const target = requestTarget(req);
  const url = `${encrypted ? 'https' : 'http'}://${hostOf(req)}${target.pathname}${target.search}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const parsed = parsedBody(req);
  if (parsed) headers.set('content-length', String(parsed.length));
  return new Request(url, {
    method: req.method ?? 'GET',
    headers,
    ...(hasBody ? { body: parsed ?? (Readable.toWeb(req) as ReadableStream<Uint8Array>), duplex: 'half' } : {}),
  } as RequestInit);
}

/**
 * The path and query the client asked for, parsed from the request line alone. Routing must
 * never depend on the Host header: pasted in front of the path, `Host: x/_analytics/api/summary?`
 * would turn `GET /_footfall/privacy` into a stats request.
 */
export function requestTarget(req: IncomingMessage): URL {
  const raw = req.url ?? '/';
  // Origin form (`/path?query`) is what clients send; absolute form (`http://host/path`) is
  // what they send to a proxy, and Node accepts it too. Its host is ignored like the header's.
  try {
    const url = raw.startsWith('/') ? new URL(`http://target${raw}`) : new URL(raw);
    return new URL(`http://target${url.pathname}${url.search}`);
  } catch {
    return new URL('http://target/');
  }
}

/** `host[:port]` as RFC 9110 allows it (a name, IPv4 or a bracketed IPv6 literal), lowercased. */
const HOST = /^(?:[a-z0-9._~-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** The Host header if it is a host; anything else (a path, a query, a user) is replaced by `localhost`. */
function hostOf(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  return HOST.test(host) ? host.toLowerCase() : 'localhost';
}

/**
 * A body parser mounted before Footfall (`app.use(express.json())`) has already drained the
 * stream and left the result on `req.body`: use that, or the collector would see no body.
 */
function parsedBody(req: IncomingMessage): Buffer | undefined {
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  if (parsed === undefined || !req.readableEnded) return undefined;
  return Buffer.isBuffer(parsed) ? parsed : Buffer.from(typeof parsed === 'string' ? parsed : JSON.stringify(parsed));
}

export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader('set-cookie', cookies);
  if (!response.body) return void res.end();
  res.end(Buffer.from(await response.arrayBuffer()));
}

type Next = (error?: unknown) => void;

/**
 * A Connect/Express middleware (and a plain node:http listener when called without `next`):
 * Footfall's paths are answered, everything else goes to `next` (or gets a 404).
 */
export function footfallMiddleware(footfall: Footfall | Promise<Footfall>) {
  return (req: IncomingMessage, res: ServerResponse, next?: Next): void => {
    Promise.resolve(footfall)
      .then(async (ff) => {
        // The beacon's own request line, matched as a string: the collector is most of the
        // traffic, and a target that is exactly the collector's path parses to that path.
        if (req.method === 'POST' && req.url === ff.collectorPath) return collectFast(ff, req, res);
        const { pathname } = requestTarget(req);
        if (!ff.matches(pathname)) {
          if (next) return next();
          res.statusCode = 404;
          return void res.end('Not found');
        }
        if (req.method === 'POST' && pathname === ff.collectorPath) return collectFast(ff, req, res);
        const response = await ff.fetch(toWebRequest(req), { clientAddress: req.socket.remoteAddress });
        // A body left unread (refused early, cut at its cap or its deadline) is not drained at
        // the client's pace: the connection closes once the answer is out.
        if (!req.complete) res.setHeader('connection', 'close');
        await sendWebResponse(res, response);
      })
      .catch((error: unknown) => {
        if (next) return next(error);
        res.statusCode = 500;
        res.end('Internal error');
      });
  };
}

/**
 * For a host's own node:http listener that has already recognised the collector's beacon (a POST
 * to the address the tracker posts to, spelled the host's way): collects it and answers, without
 * the Web Request/Response round trip or the host's own routing. Never rejects: a failure is a
 * 500, as footfallMiddleware answers without `next`.
 */
export function collectNodeRequest(footfall: Footfall, req: IncomingMessage, res: ServerResponse): Promise<void> {
  return collectFast(footfall, req, res).catch(() => {
    if (res.headersSent) return void res.destroy();
    res.statusCode = 500;
    res.end('Internal error');
  });
}

/**
 * The collector's hot path: the body is read from the Node stream under the cap and the answer
 * written directly, skipping the Web Request/Response round trip (a measured tenth of its cost).
 */
async function collectFast(ff: Footfall, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Read before the body: stopping at the cap destroys the request, and its socket with it.
  const clientAddress = req.socket.remoteAddress;
  const headers = nodeHeaders(req);
  const parsed = parsedBody(req);
  const body = parsed ? decodeBody(parsed) : await readNodeBody(req, undefined, ff.bodyTimeoutMs);
  const result = await ff.collect({ headers, body, clientAddress });
  // An oversized or trickling body is not drained: the connection closes instead of reading the rest.
  if (!req.complete) res.setHeader('connection', 'close');
  res.writeHead(result.status, framed(result.headers, result.body));
  res.end(result.body);
}

const emptyBodyHeaders = new WeakMap<Record<string, string>, Record<string, string>>();

/**
 * The answer's headers with its Content-Length. Headers written before the body, without one,
 * make Node frame even an empty 202 as chunked: a longer head and a terminating chunk that every
 * beacon's client must parse. A stored event's answer is one shared object, so its framed headers
 * are made once.
 */
function framed(headers: Record<string, string>, body: string | undefined): Record<string, string> {
  if (body) return { ...headers, 'content-length': String(Buffer.byteLength(body)) };
  let withLength = emptyBodyHeaders.get(headers);
  if (!withLength) emptyBodyHeaders.set(headers, (withLength = { ...headers, 'content-length': '0' }));
  return withLength;
}

function nodeHeaders(req: IncomingMessage): HeaderSource {
  return {
    get(name) {
      const value = req.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
