// Nuxt as a user sets it up: one module in nuxt.config. Built with `nuxt build` and served by
// Nitro's own node server (`node .output/server/index.mjs`), and by `nuxt dev`.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './support/browser.ts';
import { browseAndCount, installSite, PASSWORD, removeSite, runIn, startServer, type RunningServer } from './support/framework-site.ts';

const config = (lines: string[]) => ['export default defineNuxtConfig({', ...lines, '  devtools: { enabled: false },', '  telemetry: false,', '});', ''].join('\n');

const files = {
  'nuxt.config.ts': config([
    "  modules: ['@footfall/vite/nuxt'],",
    '  footfall: { allowLocalhost: true },',
    // A prerendered page: Nitro renders it at build time, through the same render:html hook.
    "  routeRules: { '/about': { prerender: true } },",
  ]),
  'app/app.vue':
    '<template>\n  <nav><NuxtLink to="/">Home</NuxtLink> <NuxtLink to="/about">About</NuxtLink> <NuxtLink to="/contact">Contact</NuxtLink></nav>\n  <NuxtPage />\n</template>\n',
  'app/pages/index.vue': '<template><h1>Home</h1></template>\n',
  'app/pages/about.vue': '<template><h1>About</h1></template>\n',
  'app/pages/contact.vue':
    '<template>\n  <h1>Contact</h1>\n  <button id="signup" @click="signup">Sign up</button>\n</template>\n<script setup>\nconst signup = () => window.footfall(\'Signup\');\n</script>\n',
};

const NUXT = 'node_modules/nuxt/bin/nuxt.mjs';
// Vitest sets TEST=true, and Nuxt (std-env) takes it for its own test mode: a silent log and a
// build meant for test runners. A user's shell has no TEST.
const notTest = { TEST: '' };
const visit = { links: ['/about', '/contact'], eventButton: '#signup' };

let dir: string;
let browser: Browser;
// Every server started, so a failed test's server is stopped too.
const servers: RunningServer[] = [];
let buildOutput: string;

beforeAll(async () => {
  dir = await installSite('nuxt', { files, dependencies: { nuxt: '4.4.5', vue: '3.5.45' } });
  buildOutput = await runIn(dir, [NUXT, 'build'], notTest);
  browser = await launchBrowser();
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await browser?.close();
  removeSite(dir);
});

it('builds without warnings from Footfall and prerenders pages with the tracker', () => {
  expect(buildOutput).not.toMatch(/@footfall\/vite:/);
  expect(readFileSync(join(dir, '.output/public/about/index.html'), 'utf8').match(/<script data-footfall>/g)).toHaveLength(1);
});

it('counts one visitor, one visit, three pageviews and one event through `node .output/server/index.mjs`', { timeout: 120_000 }, async () => {
  const server = await serve(['.output/server/index.mjs'], { ...notTest, FOOTFALL_PASSWORD: PASSWORD, FOOTFALL_DATA_DIR: join(dir, 'data'), NODE_ENV: 'production' });
  expect((await (await fetch(`${server.base}/contact`)).text()).match(/<script data-footfall>/g)).toHaveLength(1);
  const summary = await browseAndCount(browser, server.base, visit);
  expect(summary).toMatchObject({ visitors: 1, visits: 1, pageviews: 3, events: 1 });
  // Countries with no set-up: the server's bundle still finds the database installed with the runtime.
  expect(await (await fetch(`${server.base}/_footfall/privacy?format=json`)).json()).toMatchObject({ geolocation: 'country' });
  // The dashboard is Nitro's too, locked without the password.
  expect((await fetch(`${server.base}/_analytics`)).status).toBe(401);
  await server.stop();
});

it('serves pages with the tracker and accepts beacons in `nuxt dev`', { timeout: 150_000 }, async () => {
  const server = await serve([NUXT, 'dev', '--port', '{port}', '--host', '127.0.0.1'], { ...notTest, FOOTFALL_DATA_DIR: join(dir, 'dev-data') });
  // Nuxt's dev listener answers with a loading page while Nuxt starts: wait until it says its
  // server is built, then the app answers.
  await server.said(/Nitro server built/);
  const page = await fetch(`${server.base}/contact`);
  expect(page.status).toBe(200);
  expect((await page.text()).match(/<script data-footfall>/g)).toHaveLength(1);
  const summary = await browseAndCount(browser, server.base, visit);
  expect(summary).toMatchObject({ visitors: 1, visits: 1, pageviews: 3, events: 1 });
  await server.stop();
});

it('warns at build time when the plain Vite plugin is used instead of the module', { timeout: 120_000 }, async () => {
  writeFileSync(join(dir, 'nuxt.config.ts'), `import footfall from '@footfall/vite';\n${config(['  vite: { plugins: [footfall()] },'])}`);
  const output = await runIn(dir, [NUXT, 'build'], notTest);
  expect(output).toMatch(/Nuxt renders its own pages.*modules: \['@footfall\/vite\/nuxt'\]/s);
});

async function serve(args: string[], env: Record<string, string>): Promise<RunningServer> {
  const server = await startServer(dir, args, env);
  servers.push(server);
  return server;
}
