// Build time of a generated 1,000-page Astro site with and without @footfall/astro, interleaved.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function site(withFootfall) {
  const dir = mkdtempSync(join(tmpdir(), `footfall-build-${withFootfall ? 'with' : 'without'}-`));
  mkdirSync(join(dir, 'src/pages/p'), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module","private":true}');
  writeFileSync(
    join(dir, 'astro.config.mjs'),
    `import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
${withFootfall ? "import footfall from '@footfall/astro';" : ''}
export default defineConfig({ output: 'static', adapter: node({ mode: 'standalone' }), integrations: [${withFootfall ? 'footfall()' : ''}] });
`,
  );
  writeFileSync(
    join(dir, 'src/pages/p/[n].astro'),
    `---
export function getStaticPaths() { return Array.from({ length: 1000 }, (_, i) => ({ params: { n: String(i) } })); }
const { n } = Astro.params;
---
<html><head><title>Page {n}</title></head><body><h1>Page {n}</h1><p>Lorem ipsum dolor sit amet.</p><a href={'/p/' + ((Number(n) + 1) % 1000)}>next</a></body></html>
`,
  );
  return dir;
}

export async function astroBuildOverhead() {
  if (!existsSync(join(root, 'packages/astro-integration/dist/index.js'))) return { skipped: '@footfall/astro is not built' };
  const sites = { without: site(false), with: site(true) };
  const times = { without: [], with: [] };
  const build = (dir) => {
    const t = performance.now();
    execFileSync(process.execPath, [join(root, 'node_modules/astro/bin/astro.mjs'), 'build', '--silent'], {
      cwd: dir,
      stdio: 'ignore',
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    });
    return (performance.now() - t) / 1000;
  };
  build(sites.without); // warm the file cache once
  for (let i = 0; i < 3; i++) {
    times.without.push(build(sites.without));
    times.with.push(build(sites.with));
  }
  for (const dir of Object.values(sites)) rmSync(dir, { recursive: true, force: true });
  const median = (xs) => [...xs].sort((a, b) => a - b)[1];
  const without = median(times.without);
  const withF = median(times.with);
  return { runs: times, without_s: Math.round(without * 100) / 100, with_s: Math.round(withF * 100) / 100, overhead_pct: Math.round(((withF - without) / without) * 1000) / 10 };
}
