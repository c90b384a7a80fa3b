import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { build, createServer, preview, type InlineConfig } from 'vite';
import footfall, { type FootfallViteOptions } from './index.ts';

const FIXTURE = fileURLToPath(new URL('../test/fixtures/multi-page/', import.meta.url));
const PAGES = ['index.html', 'about/index.html', 'app/index.html', 'bare.html'];
const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const PASSWORD = 'correct horse battery';

const temps: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-vite-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The multi-page fixture with a temp outDir, cache and data dir; nothing written into the repo. */
function config(options: FootfallViteOptions = {}): InlineConfig & { outDir: string; dataDir: string } {
  const outDir = temp();
  const dataDir = temp();
  return {
    outDir,
    dataDir,
    root: FIXTURE,
    configFile: false,
    logLevel: 'silent',
    appType: 'mpa',
    cacheDir: join(outDir, '.vite-cache'),
    plugins: [footfall({ dataDir, ...options })],
    build: { outDir, emptyOutDir: true, rolldownOptions: { input: PAGES.map((page) => join(FIXTURE, page)) } },
    server: { host: '127.0.0.1', port: 0 },
    preview: { host: '127.0.0.1', port: 0 },
  };
}

function origin(server: { httpServer: unknown }): string {
  const { port } = (server.httpServer as { address(): AddressInfo }).address();
  return `http://127.0.0.1:${port}`;
}

function sendPageview(base: string): Promise<Response> {
  return fetch(`${base}/_footfall/e`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA },
    body: JSON.stringify({ k: 'p', u: 'http://localhost/', s: 'abc123' }),
  });
}

async function summary(base: string, headers: Record<string, string> = {}): Promise<{ pageviews: number }> {
  const res = await fetch(`${base}/_analytics/api/summary?period=today`, { headers });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { pageviews: number };
}

function walFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('-wal'));
}

describe('footfall() options', () => {
  it('rejects a bad value when the plugin is created, naming the setting and the fix', () => {
    expect(() => footfall({ privacyMode: 'secret' as never })).toThrow(/privacyMode.*allowed: standard, strict, paranoid/);
    expect(() => footfall({ endpoint: 'https://stats.example.com' })).toThrow(/did you mean https:\/\/stats\.example\.com\/_footfall\/e/);
  });
});

describe('vite build', () => {
  it('inlines the tracker into the head of every HTML page, once', async () => {
    const cfg = config();
    await build(cfg);
    for (const page of PAGES) {
      const html = readFileSync(join(cfg.outDir, page), 'utf8');
      expect(html.match(/<script data-footfall>/g), page).toHaveLength(1);
      const head = html.slice(0, html.indexOf('</head>'));
      expect(head, page).toContain('<script data-footfall>');
      // The charset declaration stays first, inside the first 1024 bytes.
      if (page !== 'bare.html') expect(html.indexOf('<meta charset')).toBeLessThan(html.indexOf('<script data-footfall>'));
    }
  });

  it('points the tracker at a remote collector when `endpoint` is a URL', async () => {
    const cfg = config({ endpoint: 'https://stats.example.com/_footfall/e' });
    await build(cfg);
    expect(readFileSync(join(cfg.outDir, 'about/index.html'), 'utf8')).toContain('"e":"https://stats.example.com/_footfall/e"');
  });
});

describe('vite dev', () => {
  it('serves the tracker, accepts events, answers the stats API openly, and closes the store with the server', async () => {
    const cfg = config();
    const server = await createServer(cfg);
    await server.listen();
    try {
      const base = origin(server);
      for (const page of ['/', '/about/', '/app/']) {
        expect(await (await fetch(base + page)).text(), page).toContain('<script data-footfall>');
      }
      const res = await sendPageview(base);
      expect(res.status, await res.text()).toBe(202);
      expect((await summary(base)).pageviews).toBe(1);
      expect(walFiles(cfg.dataDir)).toHaveLength(1);
      // Not Footfall's: falls through to Vite.
      expect((await fetch(`${base}/src/main.js`)).status).toBe(200);
    } finally {
      await server.close();
    }
    // closeServer closed the SQLite store: its last connection checkpointed and removed the WAL.
    expect(walFiles(cfg.dataDir)).toEqual([]);
  });

  it('survives a restart (a config edit): the store is closed, reopened, and keeps its data', async () => {
    const cfg = config();
    const server = await createServer(cfg);
    await server.listen();
    try {
      expect((await sendPageview(origin(server))).status).toBe(202);
      await server.restart();
      const res = await sendPageview(origin(server));
      expect(res.status, await res.text()).toBe(202);
      expect((await summary(origin(server))).pageviews).toBe(2);
    } finally {
      await server.close();
    }
    expect(walFiles(cfg.dataDir)).toEqual([]);
  });
});

describe('vite preview', () => {
  it('applies production rules: events accepted, the API needs the password', async () => {
    const cfg = config({ password: PASSWORD });
    await build(cfg);
    const server = await preview(cfg);
    try {
      const base = origin(server);
      expect(await (await fetch(`${base}/about/`)).text()).toContain('<script data-footfall>');
      const res = await sendPageview(base);
      expect(res.status, await res.text()).toBe(202);
      expect((await fetch(`${base}/_analytics/api/summary?period=today`)).status).toBe(401);
      expect((await summary(base, { authorization: `Bearer ${PASSWORD}` })).pageviews).toBe(1);
    } finally {
      await server.close();
    }
    expect(walFiles(cfg.dataDir)).toEqual([]);
  });

  it('refuses the dashboard without a password unless it is public', async () => {
    const locked = config();
    await build(locked);
    const server = await preview(locked);
    try {
      expect((await fetch(`${origin(server)}/_analytics/api/summary`)).status).toBe(403);
    } finally {
      await server.close();
    }
    const open = config({ publicDashboard: true });
    await build(open);
    const publicServer = await preview(open);
    try {
      expect((await sendPageview(origin(publicServer))).status).toBe(202);
      expect((await summary(origin(publicServer))).pageviews).toBe(1);
    } finally {
      await publicServer.close();
    }
  });
});
