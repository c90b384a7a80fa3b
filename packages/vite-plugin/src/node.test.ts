import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createFootfallMiddleware, type FootfallMiddleware } from './node.ts';

const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const PASSWORD = 'correct horse battery';
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function footfall(dataDir = mkdtempSync(join(tmpdir(), 'footfall-node-'))): FootfallMiddleware {
  const middleware = createFootfallMiddleware({ dataDir, password: PASSWORD }, { env: {}, timers: false, log: () => {} });
  cleanup.push(
    () => rmSync(dataDir, { recursive: true, force: true }),
    () => middleware.close(),
  );
  return middleware;
}

async function listen(listener: RequestListener): Promise<string> {
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** What every host must do: accept an event, count it in the API (password only), leave other paths alone. */
async function expectFootfallRoutes(base: string): Promise<void> {
  const res = await fetch(`${base}/_footfall/e`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA },
    body: JSON.stringify({ k: 'p', u: 'http://localhost/', s: 'abc123' }),
  });
  expect(res.status, await res.text()).toBe(202);
  expect((await fetch(`${base}/_analytics/api/summary?period=today`)).status).toBe(401);
  const summary = await fetch(`${base}/_analytics/api/summary?period=today`, { headers: { authorization: `Bearer ${PASSWORD}` } });
  expect(summary.status).toBe(200);
  expect(await summary.json()).toMatchObject({ pageviews: 1, visitors: 1 });
  expect((await fetch(`${base}/_footfall/privacy`)).status).toBe(200);
}

describe('createFootfallMiddleware', () => {
  it('fails at start with the setting and its allowed values', () => {
    expect(() => createFootfallMiddleware({ storage: 'mysql' as never }, { env: {} })).toThrow(/storage.*allowed: sqlite, json/);
  });

  it('under node:http: Footfall answers its routes, the site handler gets the rest', async () => {
    const ff = footfall();
    const base = await listen((req, res) => ff(req, res, () => res.end(`app ${req.url}`)));
    await expectFootfallRoutes(base);
    expect(await (await fetch(`${base}/about/`)).text()).toBe('app /about/');
  });

  it('as a bare request listener it 404s other paths', async () => {
    const ff = footfall();
    const base = await listen(ff);
    await expectFootfallRoutes(base);
    expect((await fetch(`${base}/about/`)).status).toBe(404);
  });

  it('under Express 5, mounted after express.json(): events still arrive whole', async () => {
    const ff = footfall();
    const app = express();
    app.use(express.json());
    app.use(ff);
    app.get('/{*path}', (req, res) => void res.send(`app ${req.path}`));
    const base = await listen(app);
    await expectFootfallRoutes(base);
    expect(await (await fetch(`${base}/app/settings`)).text()).toBe('app /app/settings');
    // Express's 404 for a method no route takes: Footfall did not swallow it.
    expect((await fetch(`${base}/elsewhere`, { method: 'DELETE' })).status).toBe(404);
  });

  it('close() flushes and closes the store once, however often it is called', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'footfall-node-'));
    const ff = footfall(dataDir);
    await ff.ready;
    expect(readdirSync(dataDir).filter((f) => f.endsWith('-wal'))).toHaveLength(1);
    await Promise.all([ff.close(), ff.close()]);
    expect(ff.close()).toBe(ff.close());
    // SQLite's last connection checkpointed and removed its WAL: the store is closed.
    expect(readdirSync(dataDir).filter((f) => f.endsWith('-wal'))).toEqual([]);
  });
});
