import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { decodeBody, readLimitedStream } from './collect/body.ts';
import type { HeaderSource } from './collect/non-human.ts';
import type { Footfall } from './footfall.ts';

/**
 * The node:http edge: IncomingMessage -> Request, Response -> ServerResponse. Nothing else in
 * the runtime imports node:http; Express, Connect and Vite's servers all pass through here.
 */
export function toWebRequest(req: IncomingMessage): Request {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const url = `${encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
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
        const pathname = new URL(req.url ?? '/', 'http://x').pathname;
        if (!ff.matches(pathname)) {
          if (next) return next();
          res.statusCode = 404;
          return void res.end('Not found');
        }
        if (req.method === 'POST' && pathname === ff.collectorPath) return collectFast(ff, req, res);
        const response = await ff.fetch(toWebRequest(req), { clientAddress: req.socket.remoteAddress });
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
 * The collector's hot path: the body is read from the Node stream under the cap and the answer
 * written directly, skipping the Web Request/Response round trip (a measured tenth of its cost).
 */
async function collectFast(ff: Footfall, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Read before the body: stopping at the cap destroys the request, and its socket with it.
  const clientAddress = req.socket.remoteAddress;
  const headers = nodeHeaders(req);
  const parsed = parsedBody(req);
  const body = parsed ? decodeBody(parsed) : await readLimitedStream(req, Number(req.headers['content-length'] ?? 0));
  const result = await ff.collect({ headers, body, clientAddress });
  // An oversized body is not drained: the connection closes instead of reading the rest.
  if (result.status === 413) res.setHeader('connection', 'close');
  res.writeHead(result.status, result.headers);
  res.end(result.body);
}

function nodeHeaders(req: IncomingMessage): HeaderSource {
  return {
    get(name) {
      const value = req.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
