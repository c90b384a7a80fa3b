// @footfall/vite as a user gets it: `npm pack` of the built packages, installed into a fresh
// Vite app outside the workspace. The app builds with the tracker in every page, and a plain
// node:http server using '@footfall/vite/node' accepts an event and counts it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const PASSWORD = 'tarball-password';

let app: string;
let child: ChildProcess | undefined;

/** The user's environment: nothing of this workspace's test run leaks into the app. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('FOOTFALL_') && !key.startsWith('VITEST') && key !== 'NODE_ENV'));
  return { ...clean, ...extra };
}

const files: Record<string, string> = {
  'index.html': '<!doctype html><html><head><meta charset="utf-8"><title>Home</title><script type="module" src="/main.js"></script></head><body><h1>Home</h1></body></html>',
  'about/index.html': '<!doctype html><html><head><meta charset="utf-8"><title>About</title></head><body><h1>About</h1></body></html>',
  'main.js': 'document.title += " (js)";\n',
  'vite.config.js': [
    "import footfall from '@footfall/vite';",
    "import { defineConfig } from 'vite';",
    'const page = (p) => new URL(p, import.meta.url).pathname;',
    'export default defineConfig({',
    '  plugins: [footfall({ allowLocalhost: true })],',
    "  build: { rolldownOptions: { input: [page('index.html'), page('about/index.html')] } },",
    '});',
  ].join('\n'),
  // A production server in a few lines: Footfall first, the site's own handler for the rest.
  'server.js': [
    "import { createServer } from 'node:http';",
    "import { createFootfallMiddleware } from '@footfall/vite/node';",
    'const footfall = createFootfallMiddleware();',
    'await footfall.ready;',
    "const server = createServer((req, res) => footfall(req, res, () => res.end('site ' + req.url)));",
    "server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));",
  ].join('\n'),
};

beforeAll(async () => {
  for (const built of ['packages/runtime/dist/index.js', 'packages/runtime/dist/tracker.min.js', 'packages/vite-plugin/dist/index.js', 'packages/vite-plugin/dist/node.js']) {
    if (!existsSync(join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first (\`npm test\` does).`);
  }
  app = mkdtempSync(join(tmpdir(), 'footfall-vite-tarball-'));
  await run('npm', ['pack', '--silent', '--pack-destination', app, '-w', '@footfall/runtime', '-w', '@footfall/vite'], { cwd: ROOT, env: env() });
  const tarballs = readdirSync(app).filter((f) => f.endsWith('.tgz'));
  const tarball = (name: string) => `file:./${tarballs.find((f) => f.startsWith(name))!}`;
  const vite = (JSON.parse(readFileSync(join(ROOT, 'node_modules/vite/package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'tarball-app',
        private: true,
        type: 'module',
        dependencies: { '@footfall/runtime': tarball('footfall-runtime-'), '@footfall/vite': tarball('footfall-vite-'), vite },
      },
      null,
      2,
    ),
  );
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(app, path, '..'), { recursive: true });
    writeFileSync(join(app, path), text);
  }
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, env: env() });
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill();
    await once(child, 'exit');
  }
  if (app && !process.env.KEEP_TARBALL_APP) rmSync(app, { recursive: true, force: true });
});

it('ships only built code: no sources, tests or build info in the tarball', async () => {
  const tgz = readdirSync(app).find((f) => f.startsWith('footfall-vite-'))!;
  const { stdout } = await run('tar', ['-tzf', join(app, tgz)]);
  const listed = stdout.trim().split('\n');
  expect(listed).toEqual(expect.arrayContaining(['package/package.json', 'package/dist/index.js', 'package/dist/node.js', 'package/dist/index.d.ts']));
  expect(listed.filter((f) => /\.test\.|\/src\/|tsbuildinfo/.test(f))).toEqual([]);
});

it('vite build puts the tracker in every page', async () => {
  await run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'], { cwd: app, env: env() });
  for (const page of ['dist/index.html', 'dist/about/index.html']) {
    const html = readFileSync(join(app, page), 'utf8');
    expect(html.match(/<script data-footfall>/g), page).toHaveLength(1);
    expect(html, page).toContain('{"l":1}');
  }
});

it('a node:http server with @footfall/vite/node accepts an event and counts it', async () => {
  child = spawn(process.execPath, ['server.js'], {
    cwd: app,
    env: env({ FOOTFALL_DATA_DIR: join(app, 'data'), FOOTFALL_PASSWORD: PASSWORD }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const line = await Promise.race([
    once(createInterface({ input: child.stdout! }), 'line').then(([first]) => first as string),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`server.js exited with ${code}: ${stderr}`))),
  ]);
  const base = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;

  const res = await fetch(`${base}/_footfall/e`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA },
    body: JSON.stringify({ k: 'p', u: 'http://localhost/', s: 'abc123' }),
  });
  expect(res.status, await res.text()).toBe(202);
  const summary = await fetch(`${base}/_analytics/api/summary?period=today`, { headers: { authorization: `Bearer ${PASSWORD}` } });
  expect(await summary.json()).toMatchObject({ pageviews: 1, visitors: 1 });
  expect(await (await fetch(`${base}/about/`)).text()).toBe('site /about/');
});
