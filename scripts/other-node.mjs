// Older Node versions for the compatibility tests, from the npm registry: the same `node` package
// the project pins for Node 24, installed on first use under node_modules/.cache/footfall-node/
// (not as devDependencies: their `node` bins would fight the pinned one for node_modules/.bin).
//
//   node scripts/other-node.mjs 22.13.1 some-script.mjs --flag   runs a script with Node 22.13.1
//
// Run that way, a Node that strips TypeScript types only behind a flag (22.6 to 22.17) gets the
// flag through NODE_OPTIONS, so every process and worker it starts loads the runtime's .ts
// sources as Node 24 does (the unit tests start the SQLite workers from source).
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The oldest Node each part supports: builds and JSON storage, and SQLite storage. */
export const OLDEST_NODE = '20.19.0';
export const OLDEST_SQLITE_NODE = '22.13.1';

const CACHE = fileURLToPath(new URL('../node_modules/.cache/footfall-node/', import.meta.url));

/** The path of a Node binary of this exact version, installing it from npm the first time. */
export async function nodeBinary(version) {
  const dir = join(CACHE, version);
  const binary = join(dir, 'node_modules/node/bin/node');
  if (existsSync(binary)) return binary;
  await mkdir(CACHE, { recursive: true });
  // Installed beside and renamed into place: two test files asking at once never see half a copy.
  const staging = await mkdtemp(join(CACHE, `.${version}-`));
  try {
    await writeFile(join(staging, 'package.json'), '{"private":true}\n');
    await promisify(execFile)('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', `node@${version}`], {
      cwd: staging,
      env: withoutNpmScriptEnv(),
    });
    if (!existsSync(join(staging, 'node_modules/node/bin/node'))) throw new Error(`npm installed node@${version} without its binary`);
    await rename(staging, dir).catch((error) => {
      if (!existsSync(binary)) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return binary;
}

/** The environment minus what `npm run` adds, so the nested install is a plain one. */
function withoutNpmScriptEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('npm_') && key !== 'npm_config_registry' && key !== 'npm_config_cache') delete env[key];
  return env;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [version, ...args] = process.argv.slice(2);
  if (!version || args.length === 0) {
    console.error('usage: node scripts/other-node.mjs <version> <script> [args...]');
    process.exit(2);
  }
  const [major, minor] = version.split('.').map(Number);
  const env = { ...process.env };
  if (major === 22 && minor >= 6 && minor < 18) {
    // Its ExperimentalWarning would reach the stderr of every child process a test inspects.
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --experimental-strip-types --disable-warning=ExperimentalWarning`.trim();
  }
  const child = spawn(await nodeBinary(version), args, { stdio: 'inherit', env });
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
