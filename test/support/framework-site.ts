// A framework site as a user builds one: `npm pack` of Footfall's packages installed beside the
// framework's own packages from the registry, in a directory outside the workspace; then the
// framework's own build and production server, browsed in real Chromium.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { expect } from 'vitest';
import { captureBeacons, newHumanContext } from './browser.ts';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PASSWORD = 'framework-site-password';

/** The user's environment: nothing of this workspace's test run leaks into the site. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Vitest sets TEST=true too, which Nuxt takes for its own test mode (silent builds).
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('FOOTFALL_') && !key.startsWith('VITEST') && key !== 'NODE_ENV' && key !== 'TEST'),
  );
  return { ...clean, ASTRO_TELEMETRY_DISABLED: '1', NUXT_TELEMETRY_DISABLED: '1', ...extra };
}

export interface SiteSpec {
  /** Files of the site, by path. */
  readonly files: Record<string, string>;
  /** The framework's packages from the registry, with versions. */
  readonly dependencies: Record<string, string>;
}

/**
 * Packs @footfall/runtime and @footfall/vite into `dir` and installs them with the site's
 * dependencies (npm's cache serves repeat runs). Returns the site's directory.
 */
export async function installSite(name: string, spec: SiteSpec): Promise<string> {
  for (const built of ['packages/runtime/dist/index.js', 'packages/runtime/dist/tracker.min.js', 'packages/vite-plugin/dist/index.js']) {
    if (!existsSync(join(ROOT, built))) throw new Error(`${built} is missing: run \`npm run build\` first (\`npm test\` does).`);
  }
  const dir = mkdtempSync(join(tmpdir(), `footfall-${name}-`));
  await run('npm', ['pack', '--silent', '--pack-destination', dir, '-w', '@footfall/runtime', '-w', '@footfall/vite'], { cwd: ROOT, env: userEnv() });
  const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  const tarball = (prefix: string) => `file:./${tarballs.find((f) => f.startsWith(prefix))!}`;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: `footfall-${name}-site`,
        private: true,
        type: 'module',
        dependencies: { '@footfall/runtime': tarball('footfall-runtime-'), '@footfall/vite': tarball('footfall-vite-'), ...spec.dependencies },
      },
      null,
      2,
    ),
  );
  for (const [path, text] of Object.entries(spec.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env: userEnv(), maxBuffer: 64 * 2 ** 20 });
  return dir;
}

/** Runs a command of the site (a build) with this test's Node; rejects with its output. */
export async function runIn(dir: string, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, args, { cwd: dir, env: userEnv(env), maxBuffer: 64 * 2 ** 20 });
  return stdout + stderr;
}

export function removeSite(dir: string | undefined): void {
  if (dir && !process.env.KEEP_FRAMEWORK_SITES) rmSync(dir, { recursive: true, force: true });
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface RunningServer {
  readonly base: string;
  readonly output: () => string;
  /** Resolves once the server has printed a line matching `pattern` (colours stripped). */
  said(pattern: RegExp, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a server of the site on a free port (given as PORT, and to `args` as {port}) and resolves
 * once it says it listens there; rejects with its output if it exits first.
 */
export async function startServer(dir: string, args: readonly string[], env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    args.map((a) => a.replace('{port}', String(port))),
    {
      cwd: dir,
      env: userEnv({ PORT: String(port), HOST: '127.0.0.1', NITRO_PORT: String(port), NITRO_HOST: '127.0.0.1', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const base = `http://127.0.0.1:${port}`;
  // Every one of these servers prints its address once it listens (Vite and Nuxt in colour):
  // that line is the event waited for.
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} never printed its address (port ${port}) within 120 s:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.replace(/\x1b\[[0-9;]*m/g, '').includes(`:${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
  await listening;
  const plain = () => output.replace(/\x1b\[[0-9;]*m/g, '');
  return {
    base,
    output: () => output,
    said: (pattern, timeoutMs = 120_000) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(plain())) return resolve();
        const timer = setTimeout(() => done(new Error(`${args.join(' ')} never printed ${pattern} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
        const onData = () => {
          if (pattern.test(plain())) done();
        };
        const done = (error?: Error) => {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          child.stderr!.off('data', onData);
          if (error) reject(error);
          else resolve();
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill();
      await once(child, 'exit');
    },
  };
}

export interface Visit {
  /** Links to click in order, by their href: client-side navigations where the framework does them. */
  readonly links: readonly string[];
  /** What to click on the last page to send the custom event `Signup`. */
  readonly eventButton: string;
  /**
   * The beacon that click sends: `window.footfall('Signup')` by default; a button tagged
   * `data-footfall-event="Signup"` sends `{ k: 't', p: { footfallEvent: 'Signup' } }`.
   */
  readonly eventBeacon?: Record<string, unknown>;
}

/**
 * One visitor: opens the home page, follows the links, clicks the event button, and waits for
 * each beacon the browser sends (never for a fixed time). Returns what the API then reports.
 */
export async function browseAndCount(browser: Browser, base: string, visit: Visit): Promise<Record<string, unknown>> {
  const context = await newHumanContext(browser);
  const page = await context.newPage();
  const beacons = captureBeacons(context);
  const answered: number[] = [];
  let onAnswer = () => {};
  context.on('response', (response) => {
    if (response.request().method() !== 'POST' || new URL(response.url()).pathname !== '/_footfall/e') return;
    answered.push(response.status());
    onAnswer();
  });
  // Each page is clicked only once the network is idle: the framework's client router has
  // hydrated, so links navigate client-side where the framework does that.
  await page.goto(`${base}/`, { waitUntil: 'networkidle' });
  await beacons.waitFor({ k: 'p' }, 1);
  for (const [i, href] of visit.links.entries()) {
    await page.click(`a[href="${href}"]`);
    await beacons.waitFor({ k: 'p' }, i + 2);
    await page.waitForLoadState('networkidle');
  }
  await page.click(visit.eventButton);
  await beacons.waitFor(visit.eventBeacon ?? { k: 'e', n: 'Signup' }, 1);
  // Seen leaving the browser is not stored yet: wait for the collector's answer to each.
  while (answered.length < beacons.beacons.length) await new Promise<void>((resolve) => (onAnswer = resolve));
  expect(answered.filter((status) => status !== 202)).toEqual([]);
  await context.close();
  const res = await fetch(`${base}/_analytics/api/summary?period=today`, { headers: { authorization: `Bearer ${PASSWORD}` } });
  if (res.status !== 200) throw new Error(`summary: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}
