// The collector inside Astro standalone (@astrojs/node), against a bare on-demand endpoint of the
// same server: one build, one process, interleaved rounds. The bare endpoint pays every cost Astro
// adds (a static-file probe, Request construction, routing, the CSRF origin check, writing the
// Response back); the tracker's beacon is answered before all that (@footfall/astro's
// node-collector.ts), so the ratio says what a beacon costs against Astro's cheapest request.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
export const BARE_PATH = '/bare';
/** A bare endpoint that reads the body as well: what Astro's own body plumbing costs (profiles only). */
export const BARE_BODY_PATH = '/bare-body';

/**
 * A minimal site in a temp dir, built from the workspace packages: the playground's setup
 * (static output, node standalone, Footfall) plus one bare endpoint. The playground itself is
 * left alone: the bench must not add a route to the demo site. `nodeModules` may name another
 * tree (one whose @footfall packages are an earlier build, for a before/after).
 */
export function buildAstroSite(nodeModules = join(root, 'node_modules')) {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-astro-collector-'));
  mkdirSync(join(dir, 'src/pages'), { recursive: true });
  symlinkSync(nodeModules, join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module","private":true}');
  writeFileSync(
    join(dir, 'astro.config.mjs'),
    `import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import footfall from '@footfall/astro';
export default defineConfig({ output: 'static', adapter: node({ mode: 'standalone' }), integrations: [footfall()] });
`,
  );
  writeFileSync(join(dir, 'src/pages/index.astro'), '<html><head><title>bench</title></head><body><h1>bench</h1></body></html>\n');
  writeFileSync(
    join(dir, 'src/pages/bare.ts'),
    `export const prerender = false;
export const POST = () => new Response(null, { status: 202 });
`,
  );
  writeFileSync(
    join(dir, 'src/pages/bare-body.ts'),
    `export const prerender = false;
export const POST = async ({ request }) => {
  await request.text();
  return new Response(null, { status: 202 });
};
`,
  );
  execFileSync(process.execPath, [join(nodeModules, 'astro/bin/astro.mjs'), 'build', '--silent'], {
    cwd: dir,
    stdio: 'ignore',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
  const entry = join(dir, 'dist/server/entry.mjs');
  if (!existsSync(entry)) throw new Error(`the Astro bench site did not build in ${dir}`);
  return { dir, entry };
}

/** Bare endpoint vs Footfall's collector in one Astro server, `rounds` interleaved rounds. */
export async function astroCollector({ startServer, load, summarize, log, rounds: count = 3 }) {
  if (!existsSync(join(root, 'packages/astro-integration/dist/index.js'))) return { skipped: '@footfall/astro is not built' };
  log(`collector in Astro standalone: bare endpoint vs Footfall, ${count} interleaved rounds of 5 s, 32 connections, one server`);
  const site = buildAstroSite();
  const dataDir = join(site.dir, 'data');
  const server = await startServer('astro.mjs', { ASTRO_ENTRY: site.entry, FOOTFALL_DATA_DIR: dataDir });
  try {
    const rounds = { bare: [], footfall: [] };
    await load(server.url, 32, BARE_PATH); // warm-up both
    await load(server.url);
    for (let i = 0; i < count; i++) {
      rounds.bare.push(await load(server.url, 32, BARE_PATH));
      rounds.footfall.push(await load(server.url));
    }
    const rss_mb = Math.round((Number(await (await fetch(`${server.url}/__rss`)).text()) / 2 ** 20) * 10) / 10;
    const out = { bare: summarize(rounds.bare), footfall: summarize(rounds.footfall), rss_mb };
    out.ratio = Math.round((out.footfall.rps / out.bare.rps) * 1000) / 1000;
    return out;
  } finally {
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGINT');
    await exited;
    rmSync(site.dir, { recursive: true, force: true });
  }
}
