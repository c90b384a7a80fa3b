// base: '/docs' and trailingSlash: 'always': Astro serves every route under the base and
// redirects slash-less URLs (a POST included), so the tracker must post to /docs/_footfall/e/.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixture, getJson, postBeacon, startBuiltServer, type RunningServer } from './test-support/sites.ts';

let root: string;
let server: RunningServer;
let dataDir: string;

beforeAll(async () => {
  root = await buildFixture('base-path');
  dataDir = await mkdtemp(join(tmpdir(), 'footfall-astro-base-'));
  server = await startBuiltServer(join(root, 'dist/server/entry.mjs'), { FOOTFALL_DATA_DIR: dataDir, FOOTFALL_PUBLIC_DASHBOARD: 'true' });
});
afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a site under a base path with trailing slashes', () => {
  it('configures the tracker for the collector under the base', async () => {
    const html = await readFile(join(root, 'dist/client/index.html'), 'utf8');
    expect(html).toContain('"e":"/docs/_footfall/e/"');
  });

  it('accepts the beacon where the tracker sends it and counts it', async () => {
    const response = await postBeacon(server.url, { k: 'p', u: `${server.url}/docs/`, s: 'abc123' }, '/docs/_footfall/e/');
    expect(response.status, server.output()).toBe(202);
    const summary = await getJson(`${server.url}/docs/_analytics/api/summary/?period=today`);
    expect(summary).toMatchObject({ visitors: 1, pageviews: 1 });
  });

  it('serves the dashboard and the privacy page under the base', async () => {
    expect((await fetch(`${server.url}/docs/_analytics/`)).status).toBe(200);
    expect((await fetch(`${server.url}/docs/_footfall/privacy/`)).status).toBe(200);
  });
});
