import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CHROME_UA, harness, type Harness } from '../../../test/support/kit.ts';
import { footfallMiddleware } from './node.ts';

let h: Harness | undefined;
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await h?.close();
  server = h = undefined;
});

async function serve(...args: Parameters<typeof harness>): Promise<number> {
  h = await harness(...args);
  server = createServer(footfallMiddleware(h.ff));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Writes raw HTTP and resolves with everything the server sent once it closes the connection. */
function untilClosed(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.on('data', (chunk) => (received += chunk));
    socket.on('error', () => {}); // a reset is a close too
    socket.on('close', () => resolve(received));
  });
}

describe('routing', () => {
  it('routes on the request path, never on the Host header', async () => {
    const port = await serve({ publicDashboard: true });
    const res = await new Promise<{ status: number; type: string; connection: string; body: string }>((resolve, reject) => {
      const req = httpRequest({ port, host: '127.0.0.1', path: '/_footfall/privacy', headers: { host: 'x/_analytics/api/summary?' } }, (r) => {
        let body = '';
        r.on('data', (c) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode!, type: String(r.headers['content-type']), connection: String(r.headers.connection), body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/html/);
    expect(res.body).not.toMatch(/"pageviews"/);
    // A request without a body keeps its connection.
    expect(res.connection).not.toBe('close');
  });
});

describe("the collector's answers", () => {
  /** Posts a beacon on a connection asking to close after the answer, and resolves with the raw answer. */
  const post = (port: number, body: string) =>
    untilClosed(
      port,
      `POST /_footfall/e HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: ${CHROME_UA}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );

  it('frames them with a Content-Length, never as chunks', async () => {
    const port = await serve({ allowLocalhost: true });
    const stored = await post(port, JSON.stringify({ k: 'p', u: 'http://localhost/', s: 'framing1' }));
    expect(stored).toMatch(/^HTTP\/1\.1 202 /);
    expect(stored).toMatch(/\r\ncontent-length: 0\r\n/i);
    expect(stored).not.toMatch(/transfer-encoding/i);
    expect(stored.endsWith('\r\n\r\n')).toBe(true);
    const refused = await post(port, '{"k":');
    const [head, body] = refused.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).not.toMatch(/transfer-encoding/i);
    expect(head).toMatch(new RegExp(`\r\ncontent-length: ${Buffer.byteLength(body!)}(\r\n|$)`, 'i'));
    expect(JSON.parse(body!)).toHaveProperty('error');
  });
});

describe('slow and unread bodies', () => {
  const head = (path: string, extra = '') =>
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: ${CHROME_UA}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n${extra}\r\n`;

  it('answers 408 to a beacon that trickles in, and closes the connection', async () => {
    const port = await serve({ publicDashboard: true }, { bodyTimeoutMs: 50 });
    const answer = await untilClosed(port, `${head('/_footfall/e')}{"k":"p",`);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
  });

  it('answers 408 to a login form that trickles in, and closes the connection', async () => {
    const port = await serve({ password: 'correct horse' }, { bodyTimeoutMs: 50 });
    const answer = await untilClosed(port, `${head('/_analytics/login').replace('application/json', 'application/x-www-form-urlencoded')}password=cor`);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
  });

  it('closes the connection after answering a request whose body it did not read', async () => {
    const port = await serve({ publicDashboard: true });
    const answer = await untilClosed(port, `${head('/_analytics/api/summary')}{"k":`);
    expect(answer).toMatch(/^HTTP\/1\.1 405 /);
  });
});
