// React Router 7 (framework mode) as a user sets it up: footfall() beside reactRouter() in
// vite.config, and one line in app/routes.ts. Built with `react-router build` and served by
// `react-router-serve`, its own production server; `react-router dev` for development.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './support/browser.ts';
import { browseAndCount, installSite, PASSWORD, removeSite, runIn, startServer, type RunningServer } from './support/framework-site.ts';

const REACT_ROUTER = '7.18.4';
const CLI = 'node_modules/@react-router/dev/bin.js';
const SERVE = 'node_modules/@react-router/serve/bin.js';
const ROUTES = (footfallLine: string) =>
  [
    "import { type RouteConfig, index, route } from '@react-router/dev/routes';",
    "import { footfallRoutes } from '@footfall/vite/react-router';",
    `export default [index('routes/home.tsx'), route('about', 'routes/about.tsx'), route('contact', 'routes/contact.tsx')${footfallLine}] satisfies RouteConfig;`,
  ].join('\n');

const files = {
  'vite.config.ts': [
    "import { reactRouter } from '@react-router/dev/vite';",
    "import footfall from '@footfall/vite';",
    "import { defineConfig } from 'vite';",
    'export default defineConfig({ plugins: [reactRouter(), footfall({ allowLocalhost: true })] });',
  ].join('\n'),
  // A prerendered page: its HTML is written at build time, through the same server build.
  'react-router.config.ts': "import type { Config } from '@react-router/dev/config';\nexport default { ssr: true, prerender: ['/about'] } satisfies Config;\n",
  'app/routes.ts': ROUTES(', ...footfallRoutes()'),
  'app/root.tsx': [
    "import { Link, Links, Meta, Outlet, Scripts, ScrollRestoration } from 'react-router';",
    'export function Layout({ children }: { children: React.ReactNode }) {',
    '  return (',
    '    <html lang="en">',
    '      <head><meta charSet="utf-8" /><Meta /><Links /></head>',
    '      <body>',
    '        <nav><Link to="/">Home</Link> <Link to="/about">About</Link> <Link to="/contact">Contact</Link></nav>',
    '        {children}',
    '        <ScrollRestoration />',
    '        <Scripts />',
    '      </body>',
    '    </html>',
    '  );',
    '}',
    'export default function App() { return <Outlet />; }',
  ].join('\n'),
  'app/routes/home.tsx': 'export default function Home() { return <h1>Home</h1>; }\n',
  'app/routes/about.tsx': 'export default function About() { return <h1>About</h1>; }\n',
  'app/routes/contact.tsx':
    'export default function Contact() {\n  return <><h1>Contact</h1><button id="signup" onClick={() => (window as any).footfall("Signup")}>Sign up</button></>;\n}\n',
};

let dir: string;
let browser: Browser;
let server: RunningServer | undefined;
let buildOutput: string;

beforeAll(async () => {
  dir = await installSite('react-router', {
    files,
    dependencies: {
      'react-router': REACT_ROUTER,
      '@react-router/dev': REACT_ROUTER,
      '@react-router/node': REACT_ROUTER,
      '@react-router/serve': REACT_ROUTER,
      react: '19.3.1',
      'react-dom': '19.3.1',
      isbot: '5.2.3',
      vite: '8.4.0',
    },
  });
  buildOutput = await runIn(dir, [CLI, 'build']);
  browser = await launchBrowser();
});

afterAll(async () => {
  await server?.stop();
  await browser?.close();
  removeSite(dir);
});

it('builds without warnings from Footfall and prerenders pages with the tracker', () => {
  expect(buildOutput).not.toMatch(/@footfall\/vite:/);
  expect(readFileSync(join(dir, 'build/client/about/index.html'), 'utf8').match(/<script data-footfall>/g)).toHaveLength(1);
});

it('counts one visitor, one visit, three pageviews and one event through `react-router-serve`', { timeout: 120_000 }, async () => {
  server = await startServer(dir, [SERVE, './build/server/index.js'], { FOOTFALL_PASSWORD: PASSWORD, FOOTFALL_DATA_DIR: join(dir, 'data'), NODE_ENV: 'production' });
  const page = await (await fetch(`${server.base}/contact`)).text();
  expect(page.match(/<script data-footfall>/g)).toHaveLength(1);
  expect(page.indexOf('<script data-footfall>')).toBeLessThan(page.indexOf('</head>'));
  const summary = await browseAndCount(browser, server.base, { links: ['/about', '/contact'], eventButton: '#signup' });
  expect(summary).toMatchObject({ visitors: 1, visits: 1, pageviews: 3, events: 1 });
  // Countries with no set-up: the server's bundle still finds the database installed with the runtime.
  expect(await (await fetch(`${server.base}/_footfall/privacy?format=json`)).json()).toMatchObject({ geolocation: 'country' });
  // The dashboard is the framework server's too, locked without the password.
  expect((await fetch(`${server.base}/_analytics`)).status).toBe(401);
  await server.stop();
});

it('serves pages with the tracker and accepts beacons in `react-router dev`', { timeout: 120_000 }, async () => {
  server = await startServer(dir, [CLI, 'dev', '--port', '{port}', '--host', '127.0.0.1', '--strictPort'], { FOOTFALL_DATA_DIR: join(dir, 'dev-data') });
  expect(await (await fetch(`${server.base}/contact`)).text()).toContain('<script data-footfall>');
  const summary = await browseAndCount(browser, server.base, { links: ['/about', '/contact'], eventButton: '#signup' });
  expect(summary).toMatchObject({ visitors: 1, visits: 1, pageviews: 3, events: 1 });
  await server.stop();
});

it('warns at build time when the footfallRoutes() line is missing', async () => {
  writeFileSync(join(dir, 'app/routes.ts'), ROUTES(''));
  const output = await runIn(dir, [CLI, 'build']);
  expect(output).toMatch(/React Router renders its own pages.*\.\.\.footfallRoutes\(\).*app\/routes\.ts/s);
});
