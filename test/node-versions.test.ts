// The oldest Node versions Footfall promises, run for real (installed from npm by
// scripts/other-node.mjs): builds and JSON storage on Node 20.19 (Vite 8's floor), SQLite
// storage on Node 22.13 (the first with node:sqlite unflagged). Node 20 has no node:sqlite at
// all, so any static import of it anywhere in a package's graph fails these tests.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, getJson, postBeacon, runScriptToExit, startServer } from './support/astro-sites.ts';
import { nodeBinary, OLDEST_NODE, OLDEST_SQLITE_NODE } from '../scripts/other-node.mjs';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/node-versions');
const SERVER = join(FIXTURE, 'server.mjs');
const temp = mkdtempSync(join(tmpdir(), 'footfall-node-versions-'));

beforeAll(() => {
  for (const built of ['packages/runtime/dist/index.js', 'packages/runtime/dist/tracker.min.js', 'packages/vite-plugin/dist/index.js', 'packages/vite-plugin/dist/node.js']) {
    if (!existsSync(join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first (\`npm test\` does).`);
  }
});

afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Counts one pageview through a running server and reads it back from the stats API. */
async function countsAPageview(url: string): Promise<void> {
  const response = await postBeacon(url, { k: 'p', u: `${url}/pricing`, s: 'visit1' });
  expect(response.status).toBe(202);
  expect(await getJson(`${url}/_analytics/api/summary?period=today`)).toMatchObject({ visitors: 1, visits: 1, pageviews: 1 });
  expect(await getJson(`${url}/_analytics/api/breakdown?property=page&period=today`)).toMatchObject({ results: [{ value: '/pricing', pageviews: 1 }] });
}

describe(`Node ${OLDEST_NODE}`, () => {
  let node: string;
  beforeAll(async () => {
    node = await nodeBinary(OLDEST_NODE);
  }, 240_000);

  it('builds a Vite app with footfall() (SQLite, the default storage, is never loaded)', async () => {
    const out = join(temp, 'vite-dist');
    const { stderr } = await run(node, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: FIXTURE,
      env: cleanEnv({}),
    });
    expect(stderr).not.toMatch(/sqlite/i);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toMatch(/<script[^>]*>.*"\/_footfall\/e"/s);
  });

  it('runs a server with JSON storage that counts a beacon and answers the API', async () => {
    const server = await startServer(SERVER, { FOOTFALL_STORAGE: 'json', FOOTFALL_DATA_DIR: join(temp, 'json-data'), FOOTFALL_PUBLIC_DASHBOARD: 'true' }, [], 30_000, node);
    try {
      await countsAPageview(server.url);
    } finally {
      await server.stop();
    }
    expect(existsSync(join(temp, 'json-data/footfall.json'))).toBe(true);
  });

  it('refuses SQLite storage at start with one line naming the setting and the Node it needs', async () => {
    const { code, output } = await runScriptToExit(SERVER, { FOOTFALL_DATA_DIR: join(temp, 'sqlite-on-20') }, [], node);
    expect(code).not.toBe(0);
    expect(output).toContain(
      `@footfall/runtime: FOOTFALL_STORAGE=sqlite (the default) needs Node 22.13 or later (this is Node ${OLDEST_NODE}); use Node 22.13+ or set FOOTFALL_STORAGE=json.`,
    );
    expect(output).not.toContain('No such built-in module');
  });
});

describe(`Node ${OLDEST_SQLITE_NODE}`, () => {
  let node: string;
  beforeAll(async () => {
    node = await nodeBinary(OLDEST_SQLITE_NODE);
  }, 240_000);

  it('runs a server with SQLite storage that counts a beacon and answers the API, without an ExperimentalWarning', async () => {
    const server = await startServer(SERVER, { FOOTFALL_DATA_DIR: join(temp, 'sqlite-data'), FOOTFALL_PUBLIC_DASHBOARD: 'true' }, [], 30_000, node);
    try {
      await countsAPageview(server.url);
      // The dashboard page reads every card through the engine's array queries.
      const page = await fetch(`${server.url}/_analytics`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/pricing');
    } finally {
      await server.stop();
    }
    expect(existsSync(join(temp, 'sqlite-data/footfall.db'))).toBe(true);
    expect(server.output()).not.toMatch(/ExperimentalWarning|SQLite is an experimental/);
  });
});
