// VitePress as a user sets it up: footfall() in .vitepress/config's `vite.plugins`, nothing else.
// VitePress renders its pages itself, after Vite's build; they carry the tracker all the same.
// The static output is served by Express with Footfall's middleware, as the README shows.
import type { Browser } from 'playwright-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.ts';
import { browseAndCount, installSite, PASSWORD, removeSite, runIn, startServer, type RunningServer } from './support/framework-site.ts';

const files = {
  'docs/.vitepress/config.mjs': [
    "import footfall from '@footfall/vite';",
    "export default { title: 'Docs', cleanUrls: true, vite: { plugins: [footfall({ allowLocalhost: true })] } };",
  ].join('\n'),
  'docs/index.md': '# Home\n\n[About](/about)\n',
  'docs/about.md': '# About\n\n[Contact](/contact)\n',
  'docs/contact.md': '# Contact\n\n<button id="signup" data-footfall-event="Signup">Sign up</button>\n',
  'server.js': [
    "import express from 'express';",
    "import { createFootfallMiddleware } from '@footfall/vite/node';",
    'const app = express();',
    'app.use(createFootfallMiddleware());',
    "app.use(express.static('docs/.vitepress/dist', { extensions: ['html'] }));",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the server's source, written out as text.
    'const server = app.listen(Number(process.env.PORT), process.env.HOST, () => console.log(`listening on http://${process.env.HOST}:${process.env.PORT}`));',
    'server.headersTimeout = 10_000;',
    'server.requestTimeout = 30_000;',
  ].join('\n'),
};

const VISIT = { links: ['/about', '/contact'], eventButton: '#signup', eventBeacon: { k: 't', p: { footfallEvent: 'Signup' } } };

let dir: string;
let browser: Browser;
let server: RunningServer | undefined;

beforeAll(async () => {
  dir = await installSite('vitepress', { files, dependencies: { vitepress: '1.6.4', vue: '3.5.45', express: '5.3.0' } });
  await runIn(dir, ['node_modules/vitepress/bin/vitepress.js', 'build', 'docs']);
  browser = await launchBrowser();
});

afterAll(async () => {
  await server?.stop();
  await browser?.close();
  removeSite(dir);
});

it('puts the tracker into every page VitePress renders', () => {
  const dist = join(dir, 'docs/.vitepress/dist');
  const pages = readdirSync(dist).filter((f) => f.endsWith('.html'));
  expect(pages.sort()).toEqual(['404.html', 'about.html', 'contact.html', 'index.html']);
  for (const page of pages) expect(readFileSync(join(dist, page), 'utf8').match(/<script data-footfall>/g), page).toHaveLength(1);
});

it('counts one visitor, one visit, three pageviews and one event on the static output served by Express', { timeout: 120_000 }, async () => {
  server = await startServer(dir, ['server.js'], { FOOTFALL_PASSWORD: PASSWORD, FOOTFALL_DATA_DIR: join(dir, 'data'), NODE_ENV: 'production' });
  const summary = await browseAndCount(browser, server.base, VISIT);
  expect(summary).toMatchObject({ visitors: 1, visits: 1, pageviews: 3, events: 1 });
  await server.stop();
});

it('serves pages with the tracker and accepts beacons in `vitepress dev`', { timeout: 120_000 }, async () => {
  server = await startServer(dir, ['node_modules/vitepress/bin/vitepress.js', 'dev', 'docs', '--port', '{port}', '--host', '127.0.0.1', '--strictPort'], {
    FOOTFALL_DATA_DIR: join(dir, 'dev-data'),
  });
  expect(await (await fetch(`${server.base}/about`)).text()).toContain('<script data-footfall>');
  const summary = await browseAndCount(browser, server.base, VISIT);
  expect(summary).toMatchObject({ visitors: 1, visits: 1, pageviews: 3, events: 1 });
});
