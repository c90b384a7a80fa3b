// Builds dist/dashboard.min.js, the dashboard page's inline script: esbuild strips the types and
// wraps it in a function (no globals), terser shrinks it. src/dashboard/client-script.ts reads it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { transform } from 'esbuild';
import { minify } from 'terser';

const here = new URL('./', import.meta.url);
const source = await readFile(new URL('dashboard.ts', here), 'utf8');
const { code: js } = await transform(source, { loader: 'ts', target: 'es2020', format: 'iife' });
const { code } = await minify(js, {
  ecma: 2020,
  compress: { passes: 2 },
  mangle: { toplevel: true },
  // ASCII only: the flag test's emoji stays an escape, whatever the page's charset handling.
  format: { ecma: 2020, comments: false, ascii_only: true },
});

if (!code) throw new Error('@footfall/runtime: terser produced no dashboard script');
// The script is placed inside <script> as it is: nothing in it may end the element early.
if (/<\/script|<!--/i.test(code)) throw new Error('@footfall/runtime: the dashboard script contains </script or <!--, which would break the page');

await mkdir(new URL('../dist/', here), { recursive: true });
await writeFile(new URL('../dist/dashboard.min.js', here), code);
console.log(`dashboard.min.js: ${code.length} B`);
