import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { BodyResult } from './body.ts';
import { readNodeBody } from './node-body.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/**
 * A server that reads each request's body with readNodeBody and reports what it read;
 * `arrived` resolves once it has a request's headers and has started reading its body.
 */
async function reader(read: (req: IncomingMessage) => Promise<BodyResult>): Promise<{ port: number; results: Promise<BodyResult>[]; arrived: Promise<void> }> {
  const results: Promise<BodyResult>[] = [];
  let started!: () => void;
  const arrived = new Promise<void>((resolve) => (started = resolve));
  server = createServer((req, res) => {
    const result = read(req);
    started();
    results.push(result);
    void result.then((r) => res.writeHead(r.ok ? 200 : r.status, { connection: 'close' }).end());
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, results, arrived };
}

/**
 * Sends raw HTTP in parts and resolves once the server closes the connection. Parts after the
 * first wait until the server is reading the body (`arrived`), each written once the last is out.
 */
function send(port: number, parts: (string | Buffer)[], arrived?: Promise<void>): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', async () => {
      for (const [i, part] of parts.entries()) {
        if (i === 1) await arrived;
        if (socket.destroyed) return;
        await new Promise((written) => socket.write(part, written));
      }
    });
    socket.on('data', (chunk) => (received += chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve(received));
  });
}

const head = (length: number | undefined, extra = '') =>
  `POST /_footfall/e HTTP/1.1\r\nHost: 127.0.0.1\r\n${length === undefined ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${length}\r\n`}${extra}\r\n`;

describe('readNodeBody', () => {
  it('reads a declared body sent with its headers', async () => {
    const { port, results } = await reader((req) => readNodeBody(req));
    await send(port, [`${head(9)}{"k":"p"}`]);
    expect(await results[0]).toEqual({ ok: true, text: '{"k":"p"}' });
  });

  it('reads a declared body that arrives in pieces after its headers', async () => {
    const { port, results, arrived } = await reader((req) => readNodeBody(req));
    await send(port, [head(15), '{"k":', '"p","s"', ':1}'], arrived);
    expect(await results[0]).toEqual({ ok: true, text: '{"k":"p","s":1}' });
  });

  it('reads an empty declared body as empty text', async () => {
    const { port, results } = await reader((req) => readNodeBody(req));
    await send(port, [head(0)]);
    expect(await results[0]).toEqual({ ok: true, text: '' });
  });

  it('answers 408 when a declared body stops arriving', async () => {
    const { port, results } = await reader((req) => readNodeBody(req, undefined, 50));
    const answer = await send(port, [`${head(100)}{"k":"p",`]);
    expect(await results[0]).toMatchObject({ ok: false, status: 408 });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('refuses a declared length over the cap before reading', async () => {
    const { port, results } = await reader((req) => readNodeBody(req, 16));
    await send(port, [`${head(20)}${'x'.repeat(20)}`]);
    expect(await results[0]).toMatchObject({ ok: false, status: 413 });
  });

  it('still counts an undeclared (chunked) body against the cap', async () => {
    const { port, results, arrived } = await reader((req) => readNodeBody(req, 16));
    const chunk = (text: string) => `${text.length.toString(16)}\r\n${text}\r\n`;
    await send(port, [head(undefined), chunk('x'.repeat(10)), chunk('x'.repeat(10)), '0\r\n\r\n'], arrived);
    expect(await results[0]).toMatchObject({ ok: false, status: 413 });
  });

  it('reads a chunked body under the cap', async () => {
    const { port, results } = await reader((req) => readNodeBody(req));
    await send(port, [`${head(undefined)}5\r\n{"k":\r\n4\r\n"p"}\r\n0\r\n\r\n`]);
    expect(await results[0]).toEqual({ ok: true, text: '{"k":"p"}' });
  });

  it('answers 400 to a body that is not UTF-8', async () => {
    const { port, results } = await reader((req) => readNodeBody(req));
    await send(port, [Buffer.concat([Buffer.from(head(2)), Buffer.from([0xc3, 0x28])])]);
    expect(await results[0]).toMatchObject({ ok: false, status: 400 });
  });

  it('answers 400 when the client goes away before its body is in', async () => {
    const { port, results, arrived } = await reader((req) => readNodeBody(req));
    const socket = connect(port, '127.0.0.1', () => socket.write(`${head(100)}{"k":`));
    socket.on('error', () => {});
    await arrived;
    socket.destroy();
    expect(await results[0]).toMatchObject({ ok: false, status: 400 });
  });
});
