// Test helpers (not shipped): build a fixture site with Astro's programmatic build() and run
// its built server as a child process, the way a deployment runs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../packages/astro-integration/test/fixtures/', import.meta.url));

/** A desktop browser's User-Agent: the collector drops requests that look like bots. */
export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/**
 * Builds test/fixtures/<name> into its own dist/ (gitignored): the built server imports astro
 * and the Footfall packages as node_modules, so it must live inside the workspace.
 */
export async function buildFixture(name: string, inline: Record<string, unknown> = {}): Promise<string> {
  const root = join(FIXTURES, name);
  await rm(join(root, 'dist'), { recursive: true, force: true });
  await buildSite(root, inline);
  return root;
}

/** Astro's programmatic build, with no telemetry and production-like settings. */
export async function buildSite(root: string, inline: Record<string, unknown> = {}): Promise<void> {
  process.env.ASTRO_TELEMETRY_DISABLED = '1';
  const { build } = await import('astro');
  // Vitest sets NODE_ENV=test; a real build runs as production.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root, logLevel: 'error', ...inline });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

export interface RunningServer {
  readonly url: string;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** The environment a child server starts with: no FOOTFALL_* or test settings from this process. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('FOOTFALL_') && !key.startsWith('VITEST') && key !== 'NODE_ENV') env[key] = value;
  }
  return { ...env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', ...extra };
}

const SERVE_ENTRY = fileURLToPath(new URL('./astro-serve-entry.mjs', import.meta.url));

/** Starts a built standalone server (`dist/server/entry.mjs`) on a free port. */
export function startBuiltServer(entry: string, env: Record<string, string>): Promise<RunningServer> {
  return startServer(SERVE_ENTRY, env, [entry]);
}

/**
 * Starts `node <script> ...args` with Node 24 (process.execPath) or the `node` binary given, and
 * resolves with its URL once it prints "listening on http://...". Rejects with the output if the
 * process exits first or does not listen within `timeoutMs`.
 */
export function startServer(script: string, env: Record<string, string>, args: string[] = [], timeoutMs = 30_000, node = process.execPath): Promise<RunningServer> {
  const child = spawn(node, [script, ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  // Never leave a server behind, whatever happens to the test run.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  child.once('exit', () => process.off('exit', orphan));
  let output = '';
  let listening = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`server did not listen within ${timeoutMs} ms:\n${output}`));
      child.kill('SIGKILL');
    }, timeoutMs);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const match = !listening && /listening on (http:\/\/[^\s/\x1b]+)/i.exec(output);
      if (match) {
        listening = true;
        clearTimeout(timer);
        resolve({ url: match[1]!, output: () => output, stop: () => stopChild(child) });
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!listening) reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
}

/** Runs a built standalone server to its end; for servers that must refuse to start. */
export function runToExit(entry: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return runScriptToExit(SERVE_ENTRY, env, [entry]);
}

export function runScriptToExit(script: string, env: Record<string, string>, args: string[] = [], node = process.execPath): Promise<{ code: number | null; output: string }> {
  const child = spawn(node, [script, ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** POSTs one tracker beacon the way the browser does (JSON, a browser User-Agent). */
export function postBeacon(base: string, body: Record<string, unknown>, path = '/_footfall/e', headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    // A beacon left unanswered fails here, by name, rather than as the test's timeout.
    signal: AbortSignal.timeout(30_000),
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': BROWSER_UA, ...headers },
    body: JSON.stringify(body),
  });
}

export async function getJson<T = Record<string, unknown>>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Every file under `dir`, recursively, with its bytes. */
export async function readTree(dir: string): Promise<{ path: string; bytes: Buffer }[]> {
  const files: { path: string; bytes: Buffer }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.push({ path, bytes: await readFile(path) });
  }
  return files;
}
