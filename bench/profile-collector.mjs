// Where a collector request's time goes: starts one bench server under `--cpu-prof`, loads one
// path with autocannon (the bench's request), stops it, and prints the CPU time per request by
// stage, and each thread's CPU time per request from /proc. Needs `npm run build` first.
//   node bench/profile-collector.mjs node|bare|astro|astro-bare|astro-bare-body [seconds]
// node: bench/servers/footfall.mjs (node:http + footfallMiddleware); bare: bench/servers/bare.mjs;
// astro: the collector in Astro standalone (the site of astro-collector.mjs); astro-bare: that
// site's bare endpoint; astro-bare-body: one that reads the body too.
// CONNECTIONS=n loads with n connections instead of 32. PROFILE=0 measures thread CPU without the
// profiler (its own cost is not small); KEEP_PROFILES=dir keeps the .cpuprofile files; TOP=n lists
// the n functions with the most self time. For a before/after:
// BENCH_RUNTIME=/path/to/runtime/dist runs `node` on another build, and
// BENCH_NODE_MODULES=/path/to/node_modules builds the Astro site against another tree.
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { BARE_BODY_PATH, BARE_PATH, buildAstroSite } from './astro-collector.mjs';

const [target = 'node', seconds = '10'] = process.argv.slice(2);
const here = new URL('.', import.meta.url).pathname;
const profDir = process.env.KEEP_PROFILES ?? mkdtempSync(join(tmpdir(), 'footfall-prof-'));
const dataDir = mkdtempSync(join(tmpdir(), 'footfall-prof-data-'));

let site;
const servers = {
  node: () => ['footfall.mjs', { BENCH_DATA_DIR: dataDir }, '/_footfall/e'],
  bare: () => ['bare.mjs', {}, '/_footfall/e'],
  astro: () => ['astro.mjs', { ASTRO_ENTRY: (site ??= buildAstroSite(process.env.BENCH_NODE_MODULES)).entry, FOOTFALL_DATA_DIR: dataDir }, '/_footfall/e'],
  'astro-bare': () => ['astro.mjs', { ASTRO_ENTRY: (site ??= buildAstroSite(process.env.BENCH_NODE_MODULES)).entry, FOOTFALL_DATA_DIR: dataDir }, BARE_PATH],
  'astro-bare-body': () => ['astro.mjs', { ASTRO_ENTRY: (site ??= buildAstroSite(process.env.BENCH_NODE_MODULES)).entry, FOOTFALL_DATA_DIR: dataDir }, BARE_BODY_PATH],
};
if (!servers[target]) throw new Error(`unknown target ${target}: ${Object.keys(servers).join(', ')}`);
const [file, env, path] = servers[target]();

// PROFILE=0: no profiler, only each thread's CPU time per request (the profiler's own cost is not small).
const profiling = process.env.PROFILE !== '0';
const child = fork(join(here, 'servers', file), { env: { ...process.env, ...env }, execArgv: profiling ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [], stdio: 'inherit' });
const { port } = await new Promise((resolve) => child.once('message', resolve));
const url = `http://127.0.0.1:${port}${path}`;
const body = JSON.stringify({ k: 'p', u: 'https://example.com/blog/post', s: 'benchsession1', r: 'https://www.google.com/' });
const headers = {
  'content-type': 'application/json',
  'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
};
const run = (duration) => autocannon({ url, method: 'POST', connections: Number(process.env.CONNECTIONS ?? 32), duration, body, headers });
// A warm-up first: start-up (module compilation, the database opening) is not a request's cost.
await run(2);
// The profiles' timestamps and hrtime share the monotonic clock: only the measured run counts.
const window = { from: Number(process.hrtime.bigint() / 1000n) };
const before = threadTimes(child.pid);
const selfBefore = process.cpuUsage();
const result = await run(Number(seconds));
const after = threadTimes(child.pid);
const self = process.cpuUsage(selfBefore);
window.to = Number(process.hrtime.bigint() / 1000n);
const exited = new Promise((resolve) => child.once('exit', resolve));
child.kill('SIGINT');
await exited;

const requests = result.requests.total;
console.log(`${target}: ${requests} requests in ${seconds} s (${Math.round(result.requests.average)} req/s, non-2xx ${result.non2xx})`);
// CPU time per thread from the kernel: the profiles count a thread blocked in a system call
// (the append worker's fsync) as busy, this does not.
console.log(`CPU per request: load generator ${((self.user + self.system) / requests).toFixed(1)} µs`);
for (const [tid, { name, ticks }] of after) {
  const used = ticks - (before.get(tid)?.ticks ?? 0);
  if (used > 0) console.log(`  server thread ${name} (${tid}): ${((used * 10_000) / requests).toFixed(1)} µs`);
}
for (const f of readdirSync(profDir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .sort()) {
  const profile = JSON.parse(readFileSync(join(profDir, f), 'utf8'));
  report(f, profile, requests);
}
if (!process.env.KEEP_PROFILES) rmSync(profDir, { recursive: true, force: true });
rmSync(dataDir, { recursive: true, force: true });
if (site) rmSync(site.dir, { recursive: true, force: true });

/** utime + stime of each thread of a process, in clock ticks (1/100 s on Linux). */
function threadTimes(pid) {
  const out = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, { name: readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim(), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {}
  }
  return out;
}

/**
 * Stages, tried from the innermost frame of each sample outwards: the first that matches owns the
 * sample, so `new URL` inside validateEvent counts as validation, and undici's Request
 * constructor inside Astro's createRequest as Astro's.
 */
function stageOf(frame) {
  const u = frame.url;
  const fn = frame.functionName;
  if (u.includes('ua-parser-js') || u.includes('/enrich/user-agent.')) return 'UA parsing';
  if (u.includes('/isbot/') || u.includes('/collect/non-human.')) return 'bot check';
  if (u.includes('/maxmind/') || u.includes('/enrich/geo.')) return 'geo';
  if (u.includes('/visitor/hash.')) return 'visitor hash (HMAC)';
  if (u.includes('/visitor/client-ip.') || u.includes('/net/ip.')) return 'client IP';
  if (u.includes('/collect/validate.')) return 'validation (JSON.parse + checks)';
  if (u.includes('/collect/body.') || u.includes('/collect/node-body.')) return 'body read + UTF-8 decode';
  if (u.includes('/enrich/referrer') || u.includes('/collect/page-url.')) return 'referrer + page URL';
  if (u.includes('/privacy/modes.')) return 'privacy projection';
  if (u.includes('/visitor/salt-keeper.') || u.includes('/visitor/server-visits.') || u.includes('/visitor/buckets.')) return 'salt + visits';
  if (u.includes('/store/writer.')) return 'group-commit writer';
  if (u.includes('/store/sqlite/writer-thread.')) return 'append worker round trip (main thread)';
  if (u.includes('/store/sqlite/') || u.includes('/stats/live-rollup.')) return 'SQLite store (event writer; live rollups on the main thread)';
  if (u.includes('/collect/collector.')) return 'collector (rest: enrich object, results)';
  if (u.includes('/runtime/dist/footfall.') || u.includes('/runtime/dist/host.')) return 'Footfall.fetch: Request -> Response';
  if (u.includes('/runtime/dist/node.')) return 'node adapter (footfallMiddleware)';
  // The integration's route is bundled into the site's server chunks.
  if (
    u.includes('/astro-integration/') ||
    u.includes('@footfall/astro') ||
    u.includes('/chunks/route-handler') ||
    /^(footfallRoute|withoutTrailingSlash|clientAddressOf|sharedFootfall)/.test(fn)
  )
    return 'Footfall Astro route';
  if (u.includes('/node_modules/astro/') || u.includes('@astrojs/')) return 'Astro pipeline';
  if (u.includes('/dist/server/') || u.includes('/dist/chunks/')) return 'Astro pipeline';
  if (u.includes('/bench/servers/')) return 'server script';
  if (u.includes('node:internal/worker') || fn === 'postMessage') return 'worker messaging (unattributed)';
  return undefined;
}

/** What a sample no stage claims is charged to: the kind of code it was in. */
function fallbackOf(frame) {
  const u = frame.url;
  const fn = frame.functionName;
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return 'native (program)';
  if (/node:_http_|node:internal\/http|HTTPParser|parserOn/.test(u + fn)) return 'node:http (parser, req/res)';
  if (/node:net|node:internal\/stream_base|node:internal\/streams|node:stream|node:events|node:internal\/timers|node:timers/.test(u)) return 'sockets, streams, events, timers';
  if (/undici|webstreams|node:internal\/deps/.test(u)) return 'Web Request/streams (undici, unattributed)';
  if (/processTicksAndRejections|runMicrotasks|node:internal\/process\/task_queues/.test(u + fn)) return 'promise/microtask machinery';
  return `other: ${
    u
      .replace(/^.*node_modules\//, '')
      .split('/')
      .slice(0, 2)
      .join('/') || fn
  }`;
}

function report(name, profile, requests) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ownerCache = new Map();
  const owner = (id) => {
    let cached = ownerCache.get(id);
    if (cached) return cached;
    const leaf = byId.get(id).callFrame;
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const stage = stageOf(byId.get(at).callFrame);
      if (stage) {
        cached = stage;
        break;
      }
    }
    cached ??= fallbackOf(leaf);
    ownerCache.set(id, cached);
    return cached;
  };
  const time = new Map();
  const leaves = new Map();
  let busy = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at < window.from || at > window.to) return;
    const stage = owner(id);
    time.set(stage, (time.get(stage) ?? 0) + dt);
    if (stage !== 'idle') busy += dt;
    const f = byId.get(id).callFrame;
    const leaf = `${stage} <- ${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|packages)\//, '')}:${f.lineNumber + 1}`;
    leaves.set(leaf, (leaves.get(leaf) ?? 0) + dt);
  });
  const thread = name.split('.').slice(-3, -2)[0] === '0' ? 'main thread' : 'worker thread';
  console.log(`\n${name} (${thread}): busy ${(busy / 1000).toFixed(0)} ms, ${(busy / requests).toFixed(1)} µs per request`);
  const rows = [...time].filter(([s]) => s !== 'idle').sort((a, b) => b[1] - a[1]);
  for (const [stage, us] of rows) {
    if (us / busy < 0.003) continue;
    console.log(`  ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / requests).toFixed(2).padStart(7)} µs  ${stage}`);
  }
  // TOP=n lists the n functions with the most self time, with the stage that owns each.
  const top = Number(process.env.TOP ?? 0);
  if (top) {
    console.log('  top self time:');
    for (const [leaf, us] of [...leaves]
      .filter(([l]) => !l.startsWith('idle'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)) {
      console.log(`  ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${leaf}`);
    }
  }
}
