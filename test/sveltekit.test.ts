// SvelteKit as a user sets it up: footfall() beside sveltekit() in vite.config, and one line in
// src/hooks.server.js. Built with adapter-node and served by `node build`, its own server.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './support/browser.ts';
import { browseAndCount, installSite, PASSWORD, removeSite, runIn, startServer, type RunningServer } from './support/framework-site.ts';

const files = {
  'vite.config.js': [
    "import { sveltekit } from '@sveltejs/kit/vite';",
    "import adapter from '@sveltejs/adapter-node';",
    "import footfall from '@footfall/vite';",
    "import { defineConfig } from 'vite';",
    'export default defineConfig({ plugins: [sveltekit({ adapter: adapter() }), footfall({ allowLocalhost: true })] });',
  ].join('\n'),
  'src/hooks.server.js': "export { handle } from '@footfall/vite/sveltekit';\n",
  'src/app.html':
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8" />%sveltekit.head%</head>\n<body><div style="display: contents">%sveltekit.body%</div></body></html>\n',
  'src/routes/+layout.svelte':
    '<script>let { children } = $props();</script>\n<nav><a href="/">Home</a> <a href="/about">About</a> <a href="/contact">Contact</a></nav>\n{@render children()}\n',
  'src/routes/+page.svelte': '<h1>Home</h1>\n',
  'src/routes/about/+page.svelte': '<h1>About</h1>\n',
  // A prerendered page: its HTML is written at build time, through the same handle.
  'src/routes/about/+page.js': 'export const prerender = true;\n',
  'src/routes/contact/+page.svelte': '<h1>Contact</h1>\n<button id="signup" onclick={() => window.footfall("Signup")}>Sign up</button>\n',
};

let dir: string;
let browser: Browser;
let server: RunningServer | undefined;
let buildOutput: string;

beforeAll(async () => {
  dir = await installSite('sveltekit', {
    files,
    dependencies: { '@sveltejs/kit': '3.2.0', '@sveltejs/adapter-node': '6.0.1', '@sveltejs/vite-plugin-svelte': '7.3.1', svelte: '5.57.3', vite: '8.4.0' },
  });
  buildOutput = await runIn(dir, ['node_modules/vite/bin/vite.js', 'build']);
  browser = await launchBrowser();
});

afterAll(async () => {
  await server?.stop();
  await browser?.close();
  removeSite(dir);
});

it('builds without warnings from Footfall and prerenders pages with the tracker', () => {
  expect(buildOutput).not.toMatch(/@footfall\/vite:|transform_index_html_unsupported/);
  expect(readFileSync(join(dir, 'build/prerendered/about.html'), 'utf8').match(/<script data-footfall>/g)).toHaveLength(1);
});

it('counts one visitor, one visit, three pageviews and one event through `node build`', { timeout: 120_000 }, async () => {
  server = await startServer(dir, ['build'], { FOOTFALL_PASSWORD: PASSWORD, FOOTFALL_DATA_DIR: join(dir, 'data'), NODE_ENV: 'production' });
  const summary = await browseAndCount(browser, server.base, { links: ['/about', '/contact'], eventButton: '#signup' });
  expect(summary).toMatchObject({ visitors: 1, visits: 1, pageviews: 3, events: 1 });
  // Countries with no set-up: the server's bundle still finds the database installed with the runtime.
  expect(await (await fetch(`${server.base}/_footfall/privacy?format=json`)).json()).toMatchObject({ geolocation: 'country' });
  // The dashboard is the framework server's too, locked without the password.
  expect((await fetch(`${server.base}/_analytics`)).status).toBe(401);
  await server.stop();
});

it('serves pages with the tracker and accepts beacons in `vite dev`', { timeout: 120_000 }, async () => {
  server = await startServer(dir, ['node_modules/vite/bin/vite.js', 'dev', '--port', '{port}', '--host', '127.0.0.1', '--strictPort'], {
    FOOTFALL_DATA_DIR: join(dir, 'dev-data'),
  });
  expect(await (await fetch(`${server.base}/contact`)).text()).toContain('<script data-footfall>');
  const summary = await browseAndCount(browser, server.base, { links: ['/about', '/contact'], eventButton: '#signup' });
  expect(summary).toMatchObject({ visitors: 1, visits: 1, pageviews: 3, events: 1 });
});

it('warns at build time when the handle line is missing', async () => {
  const { rmSync } = await import('node:fs');
  rmSync(join(dir, 'src/hooks.server.js'));
  const output = await runIn(dir, ['node_modules/vite/bin/vite.js', 'build']);
  expect(output).toMatch(/SvelteKit renders its own pages.*export \{ handle \} from '@footfall\/vite\/sveltekit'/s);
});
