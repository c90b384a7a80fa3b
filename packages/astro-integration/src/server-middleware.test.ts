// output: 'server' with @astrojs/node in middleware mode, mounted in Express: the README's
// example (test/fixtures/server-middleware/express-server.mjs) serves dist/client and hands
// everything else to Astro's handler, Footfall's routes included.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixture, getJson, postBeacon, runScriptToExit, startServer, type RunningServer } from '../../../test/support/astro-sites.ts';

const PASSWORD = 'correct horse battery';
const auth = { authorization: `Bearer ${PASSWORD}` };
let server: RunningServer;
let dataDir: string;
let script: string;

beforeAll(async () => {
  const root = await buildFixture('server-middleware');
  script = join(root, 'express-server.mjs');
  dataDir = await mkdtemp(join(tmpdir(), 'footfall-astro-express-'));
  server = await startServer(script, { FOOTFALL_DATA_DIR: dataDir, FOOTFALL_PASSWORD: PASSWORD });
});
afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('Astro in Express (middleware mode)', () => {
  it('puts the tracker in pages rendered on demand and in prerendered ones', async () => {
    for (const path of ['/', '/static/']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toContain('"/_footfall/e"');
    }
  });

  it('accepts a beacon through Express and counts it in the API', async () => {
    const response = await postBeacon(server.url, { k: 'p', u: `${server.url}/`, s: 'abc123' });
    expect(response.status, server.output()).toBe(202);
    expect(await postBeacon(server.url, { k: 'e', n: 'Signup', u: `${server.url}/`, s: 'abc123' }).then((r) => r.status)).toBe(202);
    const summary = await getJson(`${server.url}/_analytics/api/summary?period=today`, auth);
    expect(summary).toMatchObject({ visitors: 1, visits: 1, pageviews: 1, events: 1 });
    const events = await getJson<{ results: { value: string }[] }>(`${server.url}/_analytics/api/breakdown?property=event&period=today`, auth);
    expect(events.results.map((r) => r.value)).toEqual(['Signup']);
  });

  it("answers the tracker's beacon before Astro's pipeline, and the rest of the collector through it", async () => {
    // The fixture's middleware marks what Astro renders (x-astro-pipeline).
    const direct = await postBeacon(server.url, { k: 'p', u: `${server.url}/`, s: 'direct1' });
    expect(direct.status, server.output()).toBe(202);
    expect(direct.headers.get('x-astro-pipeline')).toBeNull();
    const routed = await postBeacon(server.url, { k: 'p', u: `${server.url}/`, s: 'routed1' }, '/_footfall/e?from=test');
    expect(routed.status, server.output()).toBe(202);
    expect(routed.headers.get('x-astro-pipeline')).toBe('1');
  });

  it('keeps the API locked without the password and serves the privacy page publicly', async () => {
    expect((await fetch(`${server.url}/_analytics/api/summary`)).status).toBe(401);
    expect((await fetch(`${server.url}/_footfall/privacy`)).status).toBe(200);
  });

  it('stores in the data directory given to the Express process', async () => {
    expect(await readdir(dataDir)).toContain('footfall.db');
  });

  it('fails the import of the Astro handler on a bad setting, so Express never listens', async () => {
    const { code, output } = await runScriptToExit(script, { FOOTFALL_DATA_DIR: join(dataDir, 'never'), FOOTFALL_STORAGE: 'mysql' });
    expect(code).not.toBe(0);
    expect(output).toMatch(/FOOTFALL_STORAGE is "mysql"; allowed: sqlite, json/);
    expect(output).not.toMatch(/listening on/i);
  });
});
