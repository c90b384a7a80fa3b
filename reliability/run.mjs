// `npm run reliability`: fault tests against a real server (reliability/server.mjs, a child
// process), one row each in a final table; every figure goes to reliability/results.json.
// Flags: --quick (shorter rounds, ~1 min), --only=killnine,killninejson,diskfull,diskfulljson,poisonpill,collectorfuzz,
// apifuzz,flood,passwords,nodeflags,slowclients picks parts, --seed=N replays the fuzzers.
// Needs `npm run build` first (the npm script does it). Figures are measured, not held against
// time limits; a row fails only when behaviour is wrong (an acknowledged event lost, a 5xx, ...).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { apiFuzz, apiFuzzRow } from './scenarios/api-fuzz.mjs';
import { collectorFuzz, collectorFuzzRow } from './scenarios/collector-fuzz.mjs';
import { diskFull, diskFullRow } from './scenarios/disk-full.mjs';
import { flood, floodRow } from './scenarios/flood.mjs';
import { killNine, killNineRow } from './scenarios/kill-nine.mjs';
import { nodeFlags, nodeFlagsRow } from './scenarios/node-flags.mjs';
import { passwords, passwordsRow } from './scenarios/passwords.mjs';
import { poisonPill, poisonPillRow } from './scenarios/poison-pill.mjs';
import { slowBodies, slowBodiesRow } from './scenarios/slow-bodies.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const seed = Number(args.find((a) => a.startsWith('--seed='))?.slice(7) ?? Date.now() % 2 ** 31);
const here = new URL('.', import.meta.url).pathname;
const log = (...m) => console.error('[reliability]', ...m);

const PARTS = {
  killnine: [() => killNine({ rounds: 3, connections: 16, killAfter: quick ? [200, 800] : [1000, 4000], seed, log }), killNineRow],
  // The JSON engine promises the same (temp file, fsync, rename) and must take over its own lock.
  killninejson: [() => killNine({ storage: 'json', rounds: 3, connections: 16, killAfter: quick ? [200, 800] : [1000, 4000], seed, log }), killNineRow],
  diskfull: [() => diskFull({ whileFull: quick ? 50 : 200, after: quick ? 50 : 200, log }), diskFullRow],
  diskfulljson: [() => diskFull({ storage: 'json', whileFull: quick ? 50 : 200, after: quick ? 50 : 200, log }), diskFullRow],
  poisonpill: [() => poisonPill({ legit: quick ? 1000 : 5000, log }), poisonPillRow],
  collectorfuzz: [() => collectorFuzz({ bodies: quick ? 1000 : 5000, seed, log }), collectorFuzzRow],
  apifuzz: [() => apiFuzz({ urls: quick ? 500 : 3000, seed, log }), apiFuzzRow],
  flood: [() => flood({ seconds: quick ? 5 : 15, log }), floodRow],
  passwords: [() => passwords({ seconds: quick ? 3 : 10, log }), passwordsRow],
  nodeflags: [() => nodeFlags({ log }), nodeFlagsRow],
  // Slow headers take Node's own time to be cut (30 s here): --quick leaves them out.
  slowclients: [() => slowBodies({ bodies: quick ? 20 : 100, headers: quick ? 0 : 20, maxMs: 60_000, log }), slowBodiesRow],
};
const unknown = (only ?? []).filter((p) => !(p in PARTS));
if (unknown.length) {
  console.error(`reliability: unknown part(s) ${unknown.join(', ')}; choose from ${Object.keys(PARTS).join(', ')}`);
  process.exit(2);
}

// --only updates the parts it runs and keeps the latest figures of the others.
const file = join(here, 'results.json');
const previous = only && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
const results = {
  ...previous,
  machine: { node: process.version, cpus: cpus().length, memory_gb: Math.round(totalmem() / 2 ** 30), root: process.getuid?.() === 0, date: new Date().toISOString(), quick, seed },
  parts: { ...previous.parts },
};
const rows = [];
let failed = false;
for (const [name, [run, row]] of Object.entries(PARTS)) {
  if (only && !only.includes(name)) continue;
  log(`${name}...`);
  const t = performance.now();
  let figures;
  try {
    figures = await run();
  } catch (error) {
    figures = { error: error.stack ?? String(error) };
  }
  figures.seconds_taken = Math.round((performance.now() - t) / 100) / 10;
  results.parts[name] = figures;
  const r = figures.error ? { name, measured: `did not finish: ${figures.error.split('\n')[0]}`, ok: false } : row(figures);
  if (!r.ok) failed = true;
  const verdict = !r.ok ? 'FAILED' : figures.skipped ? 'skipped' : 'ok';
  rows.push([r.name, r.measured, verdict]);
  log(figures.skipped ? `${name} SKIPPED: ${figures.skipped}` : `${name} done in ${figures.seconds_taken} s: ${verdict}`);
}

// Temp directories differ on every run and machine: the file keeps their shape, not their path.
const temp = new RegExp(`${tmpdir().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/footfall-[\\w-]+`, 'g');
writeFileSync(file, `${JSON.stringify(results, null, 2).replace(temp, '<temp dir>')}\n`);
const w = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length), 8));
console.log(`| ${'scenario'.padEnd(w[0])} | ${'measured'.padEnd(w[1])} | ${'verdict'.padEnd(w[2])} |`);
console.log(`|${'-'.repeat(w[0] + 2)}|${'-'.repeat(w[1] + 2)}|${'-'.repeat(w[2] + 2)}|`);
for (const row of rows) console.log(`| ${row.map((c, i) => c.padEnd(w[i])).join(' | ')} |`);
console.log(`\n${results.machine.cpus} cores, Node ${results.machine.node}, ${results.machine.date}${quick ? ', --quick' : ''}; every figure in reliability/results.json`);
process.exitCode = failed ? 1 : 0;
