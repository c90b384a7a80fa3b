// A static site with @astrojs/node (standalone): built with Astro's build(), then driven over
// HTTP in its own process, as a deployment runs it.
import { resolveOptions } from '@footfall/runtime';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackerFor } from './setup.ts';
import { buildFixture, getJson, postBeacon, runToExit, startBuiltServer, type RunningServer } from '../../../test/support/astro-sites.ts';

const PASSWORD = 'correct horse battery';
let root: string;
let entry: string;
let temp: string;
const servers: RunningServer[] = [];

beforeAll(async () => {
  root = await buildFixture('static-node');
  entry = join(root, 'dist/server/entry.mjs');
  temp = await mkdtemp(join(tmpdir(), 'footfall-astro-static-'));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await rm(temp, { recursive: true, force: true });
});

async function start(env: Record<string, string>): Promise<RunningServer> {
  const server = await startBuiltServer(entry, env);
  servers.push(server);
  return server;
}

describe('the build', () => {
  const tracker = `<script>${trackerFor(resolveOptions({}, {}), '')}</script>`;

  it('inlines the tracker in prerendered pages: with a head, without one, and layout-less Markdown', async () => {
    for (const page of ['index.html', 'no-head/index.html', 'post/index.html']) {
      const html = await readFile(join(root, 'dist/client', page), 'utf8');
      expect(html, page).toContain(tracker);
      expect(html.split(tracker)).toHaveLength(2);
    }
  });

  it('keeps the pages static and the Footfall routes on demand', async () => {
    expect(await readdir(join(root, 'dist/client'))).not.toContain('_footfall');
    expect(await readdir(join(root, 'dist/client'))).not.toContain('_analytics');
  });
});

describe('the built server (standalone)', () => {
  let server: RunningServer;
  let dataDir: string;

  beforeAll(async () => {
    // Settings that exist only when the server starts: none of them was there at build time.
    dataDir = join(temp, 'runtime-data');
    server = await start({ FOOTFALL_DATA_DIR: dataDir, FOOTFALL_PRIVACY_MODE: 'paranoid', FOOTFALL_PUBLIC_DASHBOARD: 'true' });
  });

  it('serves the prerendered pages with the tracker', async () => {
    const response = await fetch(`${server.url}/post/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('"/_footfall/e"');
  });

  it('accepts a beacon (202) and counts it', async () => {
    const response = await postBeacon(server.url, { k: 'p', u: `${server.url}/`, s: 'abc123' });
    expect(response.status, server.output()).toBe(202);
    const summary = await getJson(`${server.url}/_analytics/api/summary?period=today`);
    expect(summary).toMatchObject({ visitors: 1, visits: 1, pageviews: 1, events: 0 });
  });

  it("answers the tracker's beacon before Astro's pipeline, and every other collector request through it", async () => {
    // The fixture's middleware marks what Astro renders (x-astro-pipeline).
    const direct = await postBeacon(server.url, { k: 'p', u: `${server.url}/no-head/`, s: 'direct1' });
    expect(direct.status, server.output()).toBe(202);
    expect(direct.headers.get('x-astro-pipeline')).toBeNull();
    // Any other spelling of the address is Astro's to route, to the collector route as before.
    const routed = await postBeacon(server.url, { k: 'p', u: `${server.url}/no-head/`, s: 'routed1' }, '/_footfall/e?from=test');
    expect(routed.status, server.output()).toBe(202);
    expect(routed.headers.get('x-astro-pipeline')).toBe('1');
    expect((await fetch(`${server.url}/_footfall/privacy`)).headers.get('x-astro-pipeline')).toBe('1');
    expect((await fetch(`${server.url}/_footfall/e`)).status).toBe(405);
    const pages = await getJson<{ results: { value: string; pageviews: number }[] }>(`${server.url}/_analytics/api/breakdown?property=page&period=today`);
    expect(pages.results.find((r) => r.value === '/no-head/')).toMatchObject({ pageviews: 2 });
  });

  it('applies FOOTFALL_* from the server environment without a rebuild', async () => {
    expect(await readdir(dataDir)).toContain('footfall.db');
    const privacy = await getJson(`${server.url}/_footfall/privacy?format=json`);
    expect(privacy).toMatchObject({ privacy_mode: 'paranoid' });
  });

  it('answers the dashboard at the bare base and under it', async () => {
    expect((await fetch(`${server.url}/_analytics`)).status).toBe(200);
    expect((await fetch(`${server.url}/_analytics/`)).status).toBe(200);
    expect((await fetch(`${server.url}/_analytics/export.csv?period=today`)).headers.get('content-type')).toMatch(/csv/);
  });
});

describe("the dashboard behind a password, under Astro's origin check", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await start({ FOOTFALL_DATA_DIR: join(temp, 'password-data'), FOOTFALL_PASSWORD: PASSWORD });
  });

  it('locks the API without the password and opens it with the Bearer token', async () => {
    expect((await fetch(`${server.url}/_analytics/api/summary`)).status).toBe(401);
    expect(await getJson(`${server.url}/_analytics/api/summary`, { authorization: `Bearer ${PASSWORD}` })).toHaveProperty('pageviews', 0);
  });

  it('passes a same-origin login form post, and the session opens the dashboard', async () => {
    const login = await fetch(`${server.url}/_analytics/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: new URLSearchParams({ password: PASSWORD }),
    });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const page = await fetch(`${server.url}/_analytics`, { headers: { cookie } });
    expect(page.status).toBe(200);
  });

  it('gets a cross-site form post refused by Astro (403) before Footfall sees it', async () => {
    const login = await fetch(`${server.url}/_analytics/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams({ password: PASSWORD }),
    });
    expect(login.status).toBe(403);
  });

  it('lets JSON beacons through whatever their origin (the collector is public)', async () => {
    const response = await postBeacon(server.url, { k: 'p', u: `${server.url}/`, s: 'abc123' }, '/_footfall/e', { origin: 'https://elsewhere.example' });
    expect(response.status).toBe(202);
  });
});

describe('a bad setting at start', () => {
  it('stops the server before it listens, naming the setting and the allowed values', async () => {
    const { code, output } = await runToExit(entry, { FOOTFALL_DATA_DIR: join(temp, 'never'), FOOTFALL_PRIVACY_MODE: 'loud' });
    expect(code).not.toBe(0);
    expect(output).toMatch(/FOOTFALL_PRIVACY_MODE is "loud"; allowed: standard, strict, paranoid/);
    expect(output).not.toMatch(/listening on/i);
  });
});
