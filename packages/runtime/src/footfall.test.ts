import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CHROME_UA, harness, pageview, type Harness } from '../../../test/support/kit.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFootfall } from './footfall.ts';
import { footfallMiddleware } from './node.ts';
import { SqliteStore } from './store/sqlite/sqlite-store.ts';

let h: Harness;
afterEach(() => h?.close());

describe('maintenance', () => {
  it('seals ended buckets in the background at start, and close() waits for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'footfall-maint-'));
    const old = new SqliteStore(dir);
    const day = Date.UTC(2026, 2, 1);
    await old.append([{ ts: day + 1000, kind: 'pageview', bucket: day, visitor: 'a'.repeat(32), session: 's', path: '/' }]);
    await old.close();
    const ff = await createFootfall({ dataDir: dir, timezone: 'UTC' }, { env: {}, now: () => day + 5 * 86_400_000, log: () => {} });
    await ff.close();
    const store = new SqliteStore(dir);
    expect(await store.sealedBuckets(0, Number.MAX_SAFE_INTEGER)).toEqual([{ start: day, end: day + 5 * 86_400_000 }]);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('retention', () => {
  it('deletes events older than FOOTFALL_RETENTION_DAYS when maintenance runs', async () => {
    h = await harness({ retentionDays: 2, publicDashboard: true });
    await h.send(pageview('https://site.test/old'));
    h.clock.now += 3 * 86_400_000;
    await h.send(pageview('https://site.test/new', { s: 'later' }));
    expect(await h.api('summary?period=all')).toMatchObject({ pageviews: 2 });
    await h.ff.maintain();
    expect(await h.api('summary?period=all')).toMatchObject({ pageviews: 1 });
    expect(await h.api('breakdown?property=page&period=all')).toMatchObject({ results: [{ value: '/new' }] });
  });
});

describe('node:http adapter', () => {
  it('serves the collector and API over a real socket and passes other paths to next()', async () => {
    h = await harness({ publicDashboard: true });
    const middleware = footfallMiddleware(h.ff);
    const server = createServer((req, res) =>
      middleware(req, res, () => {
        res.end('the site itself');
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const post = await fetch(`${base}/_footfall/e`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA },
        body: JSON.stringify(pageview(`${base}/hello`)),
      });
      expect(post.status).toBe(202);
      expect(post.headers.get('access-control-allow-origin')).toBe('*');
      const big = await fetch(`${base}/_footfall/e`, { method: 'POST', headers: { 'user-agent': CHROME_UA }, body: 'x'.repeat(20_000) });
      expect(big.status).toBe(413);
      const summary = (await (await fetch(`${base}/_analytics/api/summary?period=today`)).json()) as { pageviews: number };
      expect(summary.pageviews).toBe(1);
      expect(await (await fetch(`${base}/about`)).text()).toBe('the site itself');
      const preflight = await fetch(`${base}/_footfall/e`, { method: 'OPTIONS' });
      expect(preflight.status).toBe(204);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('answers 413 to a chunked body that passes the cap, without reading it all', async () => {
    h = await harness({ publicDashboard: true });
    const middleware = footfallMiddleware(h.ff);
    const server = createServer((req, res) => middleware(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/_footfall/e', headers: { 'transfer-encoding': 'chunked', 'user-agent': CHROME_UA } }, (res) =>
          resolve(res.statusCode!),
        );
        req.on('error', reject);
        // 64 KiB in 1 KiB chunks, no Content-Length: only counting can catch it.
        for (let i = 0; i < 64; i++) req.write('x'.repeat(1024));
        req.end();
      });
      expect(status).toBe(413);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it.each([
    ['an object', (text: string) => JSON.parse(text) as unknown],
    ['a string', (text: string) => text],
    ['a Buffer', (text: string) => Buffer.from(text)],
  ])('takes the body a parser mounted before it already read, as %s', async (_kind, parse) => {
    h = await harness({ publicDashboard: true });
    const middleware = footfallMiddleware(h.ff);
    // What express.json() / text() / raw() do: drain the stream, leave the result on req.body.
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        Object.assign(req, { body: parse(Buffer.concat(chunks).toString()) });
        middleware(req, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const post = await fetch(`${base}/_footfall/e`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA },
        body: JSON.stringify(pageview(`${base}/parsed`)),
      });
      expect(post.status).toBe(202);
      expect(await h.api('summary?period=today')).toMatchObject({ pageviews: 1 });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
