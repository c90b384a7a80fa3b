// @footfall/astro as a user gets it: `npm pack` of the built packages, added with
// `astro add @footfall/astro` (through a local registry serving the tarballs as if published) to
// a fresh astro + @astrojs/node site outside the workspace (no workspace links). The site builds
// with the tracker in its pages, and its built server accepts a beacon and counts it.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanEnv, getJson, postBeacon, startBuiltServer, type RunningServer } from './support/astro-sites.ts';
import { startLocalRegistry } from './support/local-registry.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const version = (pkg: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

// The site before `astro add`: an adapter, no integrations.
const files: Record<string, string> = {
  'astro.config.mjs': [
    "import node from '@astrojs/node';",
    "import { defineConfig } from 'astro/config';",
    '',
    "export default defineConfig({ adapter: node({ mode: 'standalone' }) });",
  ].join('\n'),
  'src/pages/index.astro': '<html lang="en"><head><title>Tarball site</title></head><body><h1>Home</h1></body></html>\n',
  'src/pages/post.md': '# A post\n\nIn Markdown.\n',
};

let app: string;
let server: RunningServer | undefined;
let addOutput = '';
let servedByRegistry: string[] = [];

beforeAll(async () => {
  for (const built of [
    'packages/runtime/dist/index.js',
    'packages/runtime/dist/tracker.min.js',
    'packages/astro-integration/dist/index.js',
    'packages/astro-integration/dist/routes/collector.js',
  ]) {
    if (!existsSync(join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first (\`npm test\` does).`);
  }
  app = mkdtempSync(join(tmpdir(), 'footfall-astro-tarball-'));
  await run('npm', ['pack', '--silent', '--pack-destination', app, '-w', '@footfall/runtime', '-w', '@footfall/astro'], { cwd: ROOT, env: cleanEnv({}) });
  const tarballs = readdirSync(app).filter((f) => f.endsWith('.tgz'));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'tarball-astro-site',
        private: true,
        type: 'module',
        dependencies: {
          astro: version('astro'),
          '@astrojs/node': version('@astrojs/node'),
        },
      },
      null,
      2,
    ),
  );
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(app, path, '..'), { recursive: true });
    writeFileSync(join(app, path), text);
  }
  // The npm cache has astro's dependencies; CI has the registry.
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, env: cleanEnv({}) });
  // `astro add` looks the package up in the registry (it must carry the astro-integration
  // keyword), installs it with npm and edits astro.config.mjs; --yes answers its prompts.
  const upstream = (await run('npm', ['config', 'get', 'registry'], { cwd: ROOT })).stdout.trim();
  const registry = await startLocalRegistry(
    tarballs.map((f) => join(app, f)),
    upstream,
  );
  try {
    const added = await run(process.execPath, [join(app, 'node_modules/astro/bin/astro.mjs'), 'add', '@footfall/astro', '--yes'], {
      cwd: app,
      // cleanEnv keeps only Footfall's own settings; astro add runs npm through PATH, and npm
      // keeps its cache and configuration under HOME.
      env: { ...cleanEnv({ ASTRO_TELEMETRY_DISABLED: '1', npm_config_registry: registry.url }), PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`astro add failed:\n${error.stdout}\n${error.stderr}`);
    });
    addOutput = added.stdout + added.stderr;
    servedByRegistry = [...registry.served];
  } finally {
    await registry.close();
  }
  await run(process.execPath, [join(app, 'node_modules/astro/bin/astro.mjs'), 'build', '--silent'], { cwd: app, env: cleanEnv({ ASTRO_TELEMETRY_DISABLED: '1' }) });
}, 600_000);

afterAll(async () => {
  await server?.stop();
  if (app && !process.env.KEEP_TARBALL_APP) rmSync(app, { recursive: true, force: true });
});

it('ships built code and the route entrypoints, no sources, tests or build info', async () => {
  const tgz = readdirSync(app).find((f) => f.startsWith('footfall-astro-'))!;
  const { stdout } = await run('tar', ['-tzf', join(app, tgz)]);
  const listed = stdout.trim().split('\n');
  expect(listed).toEqual(
    expect.arrayContaining(['package/package.json', 'package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/routes/collector.js', 'package/dist/routes/dashboard.js']),
  );
  expect(listed.filter((f) => /\.test\.|\/src\/|test-support|tsbuildinfo/.test(f))).toEqual([]);
});

it('adds itself with `astro add @footfall/astro`: found by its keyword, installed, and called in the config', () => {
  // Both packages came from the tarballs, through the registry as a user's npm fetches them.
  expect(servedByRegistry, addOutput).toEqual(expect.arrayContaining(['/@footfall/astro/latest', '/@footfall/runtime']));
  const config = readFileSync(join(app, 'astro.config.mjs'), 'utf8');
  expect(config).toMatch(/^import footfall from ["']@footfall\/astro["'];?$/m);
  expect(config).toMatch(/integrations:\s*\[\s*footfall\(\)\s*\]/);
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  expect(manifest.dependencies['@footfall/astro']).toBe(
    `^${(JSON.parse(readFileSync(join(ROOT, 'packages/astro-integration/package.json'), 'utf8')) as { version: string }).version}`,
  );
});

it('installs real copies, not links to the workspace', () => {
  expect(readFileSync(join(app, 'node_modules/@footfall/astro/package.json'), 'utf8')).toContain('"name": "@footfall/astro"');
  expect(existsSync(join(app, 'node_modules/@footfall/astro/dist/routes/collector.js'))).toBe(true);
  expect(readdirSync(join(app, 'node_modules/@footfall')).sort()).toEqual(['astro', 'runtime']);
});

it('builds the site with the tracker in its pages, Markdown included', () => {
  for (const page of ['dist/client/index.html', 'dist/client/post/index.html']) {
    expect(readFileSync(join(app, page), 'utf8'), page).toMatch(/<script>\(\w+=>\{.*"\/_footfall\/e"/s);
  }
});

it("starts the built server, which counts a beacon and applies the server's environment", async () => {
  server = await startBuiltServer(join(app, 'dist/server/entry.mjs'), { FOOTFALL_DATA_DIR: join(app, 'data'), FOOTFALL_PUBLIC_DASHBOARD: 'true' });
  const response = await postBeacon(server.url, { k: 'p', u: `${server.url}/`, s: 'abc123' });
  expect(response.status, server.output()).toBe(202);
  expect(await getJson(`${server.url}/_analytics/api/summary?period=today`)).toMatchObject({ visitors: 1, visits: 1, pageviews: 1 });
  expect(readdirSync(join(app, 'data'))).toContain('footfall.db');
});

it('shows countries with no geolocation set-up, from the database installed with the runtime', async () => {
  await server?.stop();
  const data = join(app, 'geo-data');
  server = await startBuiltServer(join(app, 'dist/server/entry.mjs'), { FOOTFALL_DATA_DIR: data, FOOTFALL_PUBLIC_DASHBOARD: 'true', FOOTFALL_TRUSTED_PROXIES: '127.0.0.1' });
  // The address a proxy in front of the site reports: a public resolver the registries place in the US.
  const response = await postBeacon(server.url, { k: 'p', u: `${server.url}/`, s: 'geo1' }, '/_footfall/e', { 'x-forwarded-for': '8.8.8.8' });
  expect(response.status, server.output()).toBe(202);
  expect(await getJson(`${server.url}/_analytics/api/breakdown?property=country&period=today`)).toMatchObject({ results: [{ value: 'US', visitors: 1 }] });
  expect(await getJson(`${server.url}/_footfall/privacy?format=json`)).toMatchObject({
    geolocation: 'country',
    geolocation_database: expect.stringContaining('geo-whois-asn-country'),
  });
});

it('counts goals set in the environment and the scroll depth the tracker reports, in the built server', async () => {
  await server?.stop();
  server = await startBuiltServer(join(app, 'dist/server/entry.mjs'), {
    FOOTFALL_DATA_DIR: join(app, 'goal-data'),
    FOOTFALL_PUBLIC_DASHBOARD: 'true',
    FOOTFALL_GOALS: JSON.stringify(['Signup', { page: '/post' }]),
  });
  const beacons = [
    { k: 'p', u: `${server.url}/`, s: 'goal1' },
    { k: 'p', u: `${server.url}/post`, s: 'goal1' },
    { k: 'g', u: `${server.url}/post`, s: 'goal1', g: 4000, d: 0.75 },
    { k: 'e', u: `${server.url}/post`, s: 'goal1', n: 'Signup' },
    { k: 'p', u: `${server.url}/`, s: 'goal2' },
  ];
  for (const beacon of beacons) expect((await postBeacon(server.url, beacon)).status, server.output()).toBe(202);
  // Two visits; only the first reached /post and signed up: one conversion of each goal.
  const goals = (await getJson(`${server.url}/_analytics/api/breakdown?property=goal&period=today`)) as { results: { value: string; events: number }[] };
  expect(goals.results.map((r) => [r.value, r.events]).sort()).toEqual([
    ['Signup', 1],
    ['Visit /post', 1],
  ]);
  expect(await getJson(`${server.url}/_analytics/api/breakdown?property=page&period=today`)).toMatchObject({
    results: expect.arrayContaining([expect.objectContaining({ value: '/post', scroll_depth: 75 })]),
  });
});
