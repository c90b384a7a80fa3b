// Builds dist/tracker.min.js: esbuild strips the types, terser squeezes the bytes.
// The output is one statement, `(c=>{...})(FOOTFALL_CONFIG)`; src/tracker.ts replaces the
// placeholder identifier with the config's JSON at request/build time.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { minify } from 'terser';

const PLACEHOLDER = 'FOOTFALL_CONFIG';
const here = new URL('./', import.meta.url);
const source = await readFile(new URL('tracker.ts', here), 'utf8');

const { code: js } = await transform(source, { loader: 'ts', target: 'es2021', format: 'esm' });

const { code } = await minify(js, {
  ecma: 2020,
  module: false,
  toplevel: true,
  compress: {
    passes: 3,
    keep_fargs: false,
    pure_getters: true,
    booleans_as_integers: true,
    unsafe: true,
    unsafe_arrows: true,
    unsafe_comps: true,
    unsafe_math: true,
    unsafe_methods: true,
    unsafe_proto: true,
    unsafe_regexp: true,
    unsafe_undefined: true,
  },
  // Property mangling stays off: every property left is a DOM/Web API name or a key of the
  // beacon/config contract, and those are one letter already.
  mangle: { toplevel: true },
  format: { ecma: 2020, comments: false, semicolons: true },
});

if (!code) throw new Error('@footfall/runtime: terser produced no tracker code');
// The server substitutes the placeholder textually: it must survive minification exactly once.
const hits = code.split(PLACEHOLDER).length - 1;
if (hits !== 1) {
  throw new Error(`@footfall/runtime: the tracker placeholder ${PLACEHOLDER} occurs ${hits} times after minification (expected 1)`);
}
const out = code.replace(/;$/, '');

await mkdir(new URL('../dist/', here), { recursive: true });
await writeFile(new URL('../dist/tracker.min.js', here), out);
const sample = out.replace(PLACEHOLDER, '{}');
console.log(`tracker.min.js: ${sample.length} B, gzip -9 ${gzipSync(sample, { level: 9 }).length} B`);
