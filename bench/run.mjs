// `npm run bench`: measures, on this machine, in one run, and writes bench/results.json.
// Flags: --full adds the 10 M-event dashboard case (several minutes) and ClickHouse's 100 M;
// --only=collector,dashboard,storage,tracker,build,clickhouse,today picks parts. Needs `npm run build` first (the npm script does it).
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { createFootfall, openStore, trackerScript, TRACKER_BUDGET_BYTES } from '@footfall/runtime';
import { BENCH_GOALS, traffic } from './traffic.mjs';
import { astroBuildOverhead } from './astro-build.mjs';
import { clickhouseBench } from './clickhouse.mjs';
import { todayAtScale, todayRows } from './today.mjs';
import { astroCollector } from './astro-collector.mjs';

const args = new Set(process.argv.slice(2));
const only = [...args]
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const want = (part) => !only || only.includes(part);
const here = new URL('.', import.meta.url).pathname;
// --only updates the parts it runs and keeps the latest figures of the others.
const previous = only && existsSync(join(here, 'results.json')) ? JSON.parse(readFileSync(join(here, 'results.json'), 'utf8')) : {};
const results = { ...previous, machine: { node: process.version, cpus: (await import('node:os')).cpus().length, date: new Date().toISOString() } };
const log = (...m) => console.error('[bench]', ...m);

const dirSize = (dir) =>
  readdirSync(dir, { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .reduce((n, f) => n + statSync(f).size, 0);
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

// 1. Collector throughput against a bare node:http server, same load, interleaved rounds.
async function startServer(file, env = {}) {
  const child = fork(join(here, 'servers', file), { env: { ...process.env, ...env }, stdio: 'inherit' });
  const { port } = await new Promise((resolve) => child.once('message', resolve));
  return { child, url: `http://127.0.0.1:${port}` };
}

async function load(url, connections = 32, path = '/_footfall/e') {
  const body = JSON.stringify({ k: 'p', u: 'https://example.com/blog/post', s: 'benchsession1', r: 'https://www.google.com/' });
  const result = await autocannon({
    url: `${url}${path}`,
    method: 'POST',
    connections,
    duration: 5,
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    },
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

const summarize = (rs) => ({
  rps: Math.round(
    pct(
      rs.map((r) => r.rps),
      50,
    ),
  ),
  p50_ms: pct(
    rs.map((r) => r.p50),
    50,
  ),
  p99_ms: pct(
    rs.map((r) => r.p99),
    50,
  ),
  non2xx: rs.reduce((n, r) => n + r.non2xx, 0),
  errors: rs.reduce((n, r) => n + r.errors, 0),
});

const BUSIER_CONNECTIONS = 128;

async function collector() {
  log(`collector: bare node:http vs Footfall, 3 interleaved rounds of 5 s at 32 connections, then 3 at ${BUSIER_CONNECTIONS}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'footfall-bench-'));
  const bare = await startServer('bare.mjs');
  const ff = await startServer('footfall.mjs', { BENCH_DATA_DIR: dataDir });
  const rounds = { bare: [], footfall: [] };
  await load(bare.url); // warm-up both
  await load(ff.url);
  for (let i = 0; i < 3; i++) {
    rounds.bare.push(await load(bare.url));
    rounds.footfall.push(await load(ff.url));
  }
  // More visitors at once: each group commit then carries more events, where the bare server
  // has nothing to batch. Reported beside the 32-connection figure, which the target is read on.
  const busier = { bare: [], footfall: [] };
  for (let i = 0; i < 3; i++) {
    busier.bare.push(await load(bare.url, BUSIER_CONNECTIONS));
    busier.footfall.push(await load(ff.url, BUSIER_CONNECTIONS));
  }
  const rss = async (s) => Number(await (await fetch(`${s.url}/__rss`)).text());
  const out = {
    bare: { ...summarize(rounds.bare), rss_mb: round((await rss(bare)) / 2 ** 20) },
    footfall: { ...summarize(rounds.footfall), rss_mb: round((await rss(ff)) / 2 ** 20) },
  };
  out.ratio = round(out.footfall.rps / out.bare.rps, 3);
  out.busier = { connections: BUSIER_CONNECTIONS, bare: summarize(busier.bare), footfall: summarize(busier.footfall) };
  out.busier.ratio = round(out.busier.footfall.rps / out.busier.bare.rps, 3);
  bare.child.kill();
  ff.child.kill();
  rmSync(dataDir, { recursive: true, force: true });
  out.astro = await astroCollector({ startServer, load, summarize, log });
  return out;
}

// 2 + 3. Dashboard server time at 100 k / 1 M / 10 M stored events, and bytes per event.
const PANELS = [
  'summary',
  'timeseries',
  'realtime',
  ...['source', 'referrer', 'utm_medium', 'utm_source', 'utm_campaign', 'page', 'entry_page', 'exit_page', 'country', 'region', 'city', 'browser', 'os', 'device', 'event'].map(
    (p) => `breakdown?property=${p}&limit=10`,
  ),
  // Goal conversions (the goals card), and the whole view filtered by a page goal.
  'breakdown?property=goal&limit=10',
  `summary?filter=${encodeURIComponent('goal:Visit /blog/*')}`,
];

// A 4-step funnel over the generated traffic (page patterns and an event), asked on its own and
// shown on the page as the Funnels card.
const FUNNEL = { name: 'Bench', steps: [{ page: '/' }, { page: '/blog/*' }, { page: '/docs/**' }, 'Signup'] };

async function fill(storage, total, end) {
  const dataDir = mkdtempSync(join(tmpdir(), `footfall-bench-${storage}-`));
  const store = await openStore({ storage, dataDir });
  let n = 0;
  const started = performance.now();
  for (const batch of traffic({ total, days: 365, end })) {
    await store.append(batch);
    n += batch.length;
  }
  await store.close();
  return { dataDir, events: n, fill_s: round((performance.now() - started) / 1000) };
}

async function dashboard(total) {
  const end = Date.UTC(2026, 10, 20, 15, 0);
  log(`dashboard: filling ${total.toLocaleString()} events over 365 days`);
  const { dataDir, events, fill_s } = await fill('sqlite', total, end);
  log(`filled in ${fill_s} s, heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MB`);
  const ff = await createFootfall({ dataDir, timezone: 'UTC', publicDashboard: true, goals: BENCH_GOALS }, { env: {}, now: () => end, timers: false, log: () => {} });
  const sealStart = performance.now();
  await ff.maintain();
  const seal_s = round((performance.now() - sealStart) / 1000);
  log(`sealed in ${seal_s} s, heap ${Math.round(process.memoryUsage().heapUsed / 2 ** 20)} MB`);
  await ff.close();
  const bytes = dirSize(dataDir);
  const reopened = await createFootfall(
    { dataDir, timezone: 'UTC', publicDashboard: true, goals: BENCH_GOALS, funnels: [FUNNEL] },
    { env: {}, now: () => end, timers: false, log: () => {} },
  );
  const time = async (path) => {
    const t = performance.now();
    const res = await reopened.fetch(new Request(`http://bench.test/_analytics/api/${path}`));
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    return performance.now() - t;
  };
  const out = { events, fill_s, seal_s, bytes_per_event: round(bytes / events), ranges: {} };
  for (const period of ['30d', '12mo']) {
    const full = [];
    const perEndpoint = Object.fromEntries(PANELS.map((p) => [p, []]));
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      for (const panel of PANELS) perEndpoint[panel].push(await time(`${panel}${panel.includes('?') ? '&' : '?'}period=${period}`));
      full.push(performance.now() - t);
    }
    // The funnel: the first ask computes the sealed days' step counts (kept), later ones add the open day.
    const funnel = [];
    for (let i = 0; i < 7; i++) funnel.push(await time(`funnel?name=${FUNNEL.name}&period=${period}`));
    // The page itself: GET /_analytics renders every card's visible tab (its queries in parallel).
    const page = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      const res = await reopened.fetch(new Request(`http://bench.test/_analytics?period=${period}`));
      if (res.status !== 200) throw new Error(`page: ${res.status}`);
      await res.text();
      page.push(performance.now() - t);
    }
    out.ranges[period] = {
      page_ms: { p50: round(pct(page, 50)), p95: round(pct(page, 95)) },
      full_dashboard_ms: { p50: round(pct(full, 50)), p95: round(pct(full, 95)) },
      funnel_ms: { first: round(funnel[0]), p50: round(pct(funnel.slice(1), 50)), p95: round(pct(funnel.slice(1), 95)) },
      endpoints_ms: Object.fromEntries(Object.entries(perEndpoint).map(([k, v]) => [k, { p50: round(pct(v, 50)), p95: round(pct(v, 95)) }])),
    };
  }
  await reopened.close();
  rmSync(dataDir, { recursive: true, force: true });
  return out;
}

async function storage() {
  const end = Date.UTC(2026, 10, 20, 15, 0);
  const out = {};
  for (const engine of ['sqlite', 'json']) {
    const { dataDir, events } = await fill(engine, 100_000, end);
    out[engine] = { events, bytes_per_event: round(dirSize(dataDir) / events) };
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

function tracker() {
  const code = trackerScript({});
  return { raw_bytes: Buffer.byteLength(code), gzip9_bytes: gzipSync(code, { level: 9 }).length, budget_bytes: TRACKER_BUDGET_BYTES };
}

const timings = {};
async function part(name, fn) {
  if (!want(name)) return;
  const t = performance.now();
  results[name] = await fn();
  timings[name] = round((performance.now() - t) / 1000);
  log(`${name} done in ${timings[name]} s`);
}

await part('tracker', tracker);
await part('collector', collector);
await part('storage', storage);
await part('dashboard', async () => {
  const sizesArg = [...args].find((a) => a.startsWith('--sizes='))?.slice(8);
  const sizes = sizesArg ? sizesArg.split(',').map(Number) : [100_000, 1_000_000, ...(args.has('--full') ? [10_000_000] : [])];
  const out = {};
  for (const n of sizes) out[n] = await dashboard(n);
  return out;
});
// Today at scale (#11): 100 k events in today's open bucket over 1 M of history, --full 1 M over
// 10 M; --today-sizes=HISTORY,TODAY sets both; --today-history-cache=DIR keeps the sealed history
// there between runs of one engine version; the server is killed past --today-rss-cap-mb (3072).
// --today-server-memory=2048 sizes the server's V8 heap as Node does on a 2 GB server (its
// figures go to results.today_server_2048mb, beside the run sized for this machine).
const flag = (name) => [...args].find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const serverMemoryMb = flag('today-server-memory') ? Number(flag('today-server-memory')) : undefined;
if (serverMemoryMb !== undefined && !(serverMemoryMb >= 256)) throw new Error(`--today-server-memory: ${flag('today-server-memory')} is not a size in MB (256 or more)`);
await part('today', () => {
  const [historyEvents, todayEvents] = flag('today-sizes')?.split(',').map(Number) ?? (args.has('--full') ? [10_000_000, 1_000_000] : [1_000_000, 100_000]);
  return todayAtScale({ historyEvents, todayEvents, panels: PANELS, log, cache: flag('today-history-cache'), rssCapMb: Number(flag('today-rss-cap-mb') ?? 3072), serverMemoryMb });
});
if (serverMemoryMb && results.today) {
  results[`today_server_${serverMemoryMb}mb`] = results.today;
  results.today = previous.today;
}
await part('build', astroBuildOverhead);
// Needs clickhouse-server (scripts/install-system-deps.sh) or FOOTFALL_BENCH_CLICKHOUSE_URL.
await part('clickhouse', () => clickhouseBench({ full: args.has('--full'), log, startServer, load, summarize, panels: PANELS }));
results.part_seconds = { ...previous.part_seconds, ...timings };

writeFileSync(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
printTable(results);

function printTable(r) {
  const rows = [];
  if (r.tracker) rows.push(['tracker, gzip -9', `${r.tracker.gzip9_bytes} B`, `<= ${r.tracker.budget_bytes} B`]);
  if (r.collector) {
    rows.push([
      'collector, bare node:http',
      `${r.collector.bare.rps} req/s, p50 ${r.collector.bare.p50_ms} ms, p99 ${r.collector.bare.p99_ms} ms, RSS ${r.collector.bare.rss_mb} MB`,
      '',
    ]);
    rows.push([
      'collector, Footfall (durable)',
      `${r.collector.footfall.rps} req/s, p50 ${r.collector.footfall.p50_ms} ms, p99 ${r.collector.footfall.p99_ms} ms, RSS ${r.collector.footfall.rss_mb} MB, non-2xx ${r.collector.footfall.non2xx}`,
      '',
    ]);
    rows.push(['collector ratio, node middleware / bare node:http', `${Math.round(r.collector.ratio * 100)} %`, '>= 60 %']);
    const b = r.collector.busier;
    if (b) {
      rows.push([
        `  the same at ${b.connections} connections`,
        `bare ${b.bare.rps} req/s, Footfall ${b.footfall.rps} req/s (p50 ${b.footfall.p50_ms} ms, non-2xx ${b.footfall.non2xx}): ${Math.round(b.ratio * 100)} %`,
        '',
      ]);
    }
    const a = r.collector.astro;
    if (a?.ratio) {
      rows.push(['Astro standalone, bare endpoint', `${a.bare.rps} req/s, p50 ${a.bare.p50_ms} ms, p99 ${a.bare.p99_ms} ms`, '']);
      rows.push([
        'Astro standalone, Footfall collector',
        `${a.footfall.rps} req/s, p50 ${a.footfall.p50_ms} ms, p99 ${a.footfall.p99_ms} ms, non-2xx ${a.footfall.non2xx}, RSS ${a.rss_mb} MB`,
        '',
      ]);
      rows.push(['collector in Astro standalone / bare endpoint', `${Math.round(a.ratio * 100)} %`, '>= 80 %']);
    }
  }
  if (r.storage) for (const [e, s] of Object.entries(r.storage)) rows.push([`storage per event, ${e}`, `${s.bytes_per_event} B`, e === 'sqlite' ? '<= 100 B' : '']);
  if (r.dashboard) {
    for (const [n, d] of Object.entries(r.dashboard)) {
      for (const [period, x] of Object.entries(d.ranges)) {
        if (x.page_ms) rows.push([`dashboard page, ${Number(n).toLocaleString('en')} events, ${period}`, `p50 ${x.page_ms.p50} ms, p95 ${x.page_ms.p95} ms`, '<= 200 ms']);
        rows.push([`  every API endpoint (${PANELS.length} requests)`, `p50 ${x.full_dashboard_ms.p50} ms, p95 ${x.full_dashboard_ms.p95} ms`, '']);
        if (x.funnel_ms) rows.push([`  4-step funnel (api/funnel)`, `first ${x.funnel_ms.first} ms, then p50 ${x.funnel_ms.p50} ms, p95 ${x.funnel_ms.p95} ms`, '']);
      }
      rows.push([`  bytes/event at ${Number(n).toLocaleString('en')} (SQLite, with rollups)`, `${d.bytes_per_event} B`, '']);
    }
  }
  if (r.today) rows.push(...todayRows(r.today));
  for (const [key, t] of Object.entries(r)) if (key.startsWith('today_server_')) rows.push(...todayRows(t));
  if (r.clickhouse) {
    const c = r.clickhouse;
    rows.push([`collector, Footfall on SQLite (same run)`, `${c.collector.sqlite.rps} req/s, p50 ${c.collector.sqlite.p50_ms} ms, p99 ${c.collector.sqlite.p99_ms} ms`, '']);
    rows.push([
      `collector, Footfall on ClickHouse ${c.server_version}`,
      `${c.collector.clickhouse.rps} req/s, p50 ${c.collector.clickhouse.p50_ms} ms, p99 ${c.collector.clickhouse.p99_ms} ms, non-2xx ${c.collector.clickhouse.non2xx}`,
      '',
    ]);
    if (c.collector.clickhouse_256)
      rows.push([
        `  ClickHouse, 256 connections`,
        `${c.collector.clickhouse_256.rps} req/s, p50 ${c.collector.clickhouse_256.p50_ms} ms, p99 ${c.collector.clickhouse_256.p99_ms} ms, non-2xx ${c.collector.clickhouse_256.non2xx}`,
        '',
      ]);
    for (const [n, d] of Object.entries(c.dashboard)) {
      for (const [period, x] of Object.entries(d.ranges))
        rows.push([
          `ClickHouse dashboard page, ${Number(n).toLocaleString('en')} events, ${period}`,
          `p50 ${x.page_ms.p50} ms, p95 ${x.page_ms.p95} ms`,
          Number(n) >= 1e8 ? '<= 500 ms' : '',
        ]);
      rows.push([`  bytes/event at ${Number(n).toLocaleString('en')} (ClickHouse)`, `${d.bytes_per_event_raw} B raw, ${d.bytes_per_event} B with rollups`, '']);
      if (d.live_load_s !== undefined) rows.push([`  start until today's live rollups are loaded, ${Number(n).toLocaleString('en')} events`, `${d.live_load_s} s`, '']);
    }
  }
  if (r.build) rows.push(['Astro build, 1,000 pages', `${r.build.without_s} s without, ${r.build.with_s} s with: +${r.build.overhead_pct} %`, '<= 3 %']);
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length), 6));
  console.log(`| ${'what'.padEnd(w[0])} | ${'measured'.padEnd(w[1])} | ${'target'.padEnd(w[2])} |`);
  console.log(`|${'-'.repeat(w[0] + 2)}|${'-'.repeat(w[1] + 2)}|${'-'.repeat(w[2] + 2)}|`);
  for (const row of rows) console.log(`| ${row.map((c, i) => c.padEnd(w[i])).join(' | ')} |`);
}
