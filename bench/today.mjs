// "Today at scale" (issue #11): the dashboard of a site whose open bucket (today, a UTC day) holds
// a million events on top of a year of sealed history, with today's events arriving while it is
// read. A server child (servers/today.mjs) runs Footfall with its clock at the end of today; this
// process appends today's events to it in batches, reads the dashboard while it does, then measures
// the pages and the API panels, filled, under a trickle of writes. The child's RSS is read from
// /proc/<pid>/status (peaks through VmHWM, reset per phase) so a busy event loop cannot hide it.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFootfall, openStore } from '@footfall/runtime';
import { traffic } from './traffic.mjs';

const DAY = 86_400_000;
/**
 * The open bucket (timezone UTC, 24 h rotation: a UTC day), and 23:30 of it: today's events end
 * there and the server's clock starts there and runs (a run takes minutes, never to midnight).
 */
const TODAY = Date.UTC(2026, 10, 20);
const NOW = TODAY + DAY - 30 * 60_000;
/** Events per POST /__append while filling: a busy collector's group commit. */
const BATCH = 1_000;
/** Filled, the pages are read under a trickle of writes: 100 events every 250 ms (400/s, a few times a 1 M/day site's peak). */
const TRICKLE = { events: 100, everyMs: 250, reserve: 200_000 };
const ROUNDS = { pages: 15, panels: 5 };
const MB = 2 ** 20;

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const stats = (xs) => ({ p50: round(pct(xs, 50)), p95: round(pct(xs, 95)) });

/** The built engine (dist/store, dist/stats) as a short hash: a cached history is reused only by the engine that wrote it. */
function engineVersion() {
  const dist = dirname(fileURLToPath(import.meta.resolve('@footfall/runtime')));
  const hash = createHash('sha256');
  for (const sub of ['store', 'stats']) {
    for (const f of readdirSync(join(dist, sub), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.js'))
      .sort()) {
      hash.update(f).update(readFileSync(join(dist, sub, f)));
    }
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * Fills and seals `total` events over the 365 days before today into a temp SQLite data dir. With
 * `cache` (a directory), the sealed history is kept there, under the engine's version, and copied
 * on the next run of that engine instead of refilled.
 */
async function history(total, cache, log) {
  const dataDir = mkdtempSync(join(tmpdir(), 'footfall-bench-today-'));
  const name = cache && `history-${total}-${engineVersion()}`;
  const marker = cache && join(cache, `${name}.json`);
  if (marker && existsSync(marker)) {
    const kept = JSON.parse(readFileSync(marker, 'utf8'));
    if (kept.today === TODAY) {
      log(`today: copying the sealed history of ${kept.events.toLocaleString('en')} events from ${cache}`);
      cpSync(join(cache, name), dataDir, { recursive: true });
      return { dataDir, ...kept, cached: true };
    }
  }
  log(`today: filling ${total.toLocaleString('en')} events of history over the 365 days before today`);
  const started = performance.now();
  const store = await openStore({ storage: 'sqlite', dataDir });
  let events = 0;
  // end: the last instant before today's bucket, so history ends where the open bucket starts.
  for (const batch of traffic({ total, days: 365, end: TODAY - 1 })) {
    await store.append(batch);
    events += batch.length;
  }
  await store.close();
  const fill_s = round((performance.now() - started) / 1000);
  const sealing = performance.now();
  const ff = await createFootfall({ dataDir, timezone: 'UTC', publicDashboard: true }, { env: {}, now: () => TODAY + 60_000, timers: false, log: () => {} });
  await ff.maintain();
  await ff.close();
  const out = { today: TODAY, events, fill_s, seal_s: round((performance.now() - sealing) / 1000) };
  log(`today: history filled in ${fill_s} s, sealed in ${out.seal_s} s`);
  if (marker) {
    mkdirSync(cache, { recursive: true });
    rmSync(join(cache, name), { recursive: true, force: true });
    cpSync(dataDir, join(cache, name), { recursive: true });
    writeFileSync(marker, JSON.stringify(out));
  }
  return { dataDir, ...out, cached: false };
}

/** Today's events, one stream: traffic() for one day, its own seed; take(n) pulls the next n. */
function todayStream(total) {
  const events = (function* () {
    for (const batch of traffic({ total, days: 1, end: NOW, seed: 4242 })) yield* batch;
  })();
  return (n) => {
    const out = [];
    while (out.length < n) {
      const next = events.next();
      if (next.done) break;
      out.push(next.value);
    }
    return out;
  };
}

/**
 * The child's RSS: polled every 100 ms and after every batch, its peak per phase taken as the
 * larger of the polled peak and the kernel's VmHWM (reset through clear_refs at each phase's start,
 * where the kernel allows it). Past `capMb` the child is killed, so the machine is not swapped to death.
 */
function rssWatch(child, capMb, onCap) {
  const status = `/proc/${child.pid}/status`;
  const proc = existsSync(status);
  let peak = 0;
  let hwmReset = false;
  const kb = (field) => {
    try {
      const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(status, 'utf8'));
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  };
  const sample = (rss) => {
    if (rss === undefined) return;
    peak = Math.max(peak, rss);
    if (rss > capMb * MB) onCap(rss);
  };
  const timer = proc ? setInterval(() => sample(kb('VmRSS')), 100) : undefined;
  return {
    proc,
    /** Samples now: from /proc, or else through the server's GET /__rss. */
    async sample(url) {
      if (proc) return sample(kb('VmRSS'));
      sample(Number(await (await fetch(`${url}/__rss`)).text()));
    },
    now: () => kb('VmRSS'),
    /** RSS split into the heap's pages and mapped files' (SQLite's mmap, code): which one grows. */
    parts: () => (proc ? { anon_mb: round((kb('RssAnon') ?? 0) / MB), file_mb: round((kb('RssFile') ?? 0) / MB) } : {}),
    reset() {
      peak = 0;
      try {
        writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
        hwmReset = true;
      } catch {
        hwmReset = false;
      }
    },
    peakMb() {
      const hwm = hwmReset ? (kb('VmHWM') ?? 0) : 0;
      return round(Math.max(peak, hwm) / MB);
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * The V8 heap Node gives itself on a server with `mb` of memory (it sizes the heap from a cgroup
 * memory limit: half of it for the old generation, 1/64 for each semi-space of the young one),
 * as flags, so a large bench machine can run the server as a small one would. Checked here under
 * 1 and 2 GB cgroup limits: the same heap_size_limit (560 / 1,120 MB) as these flags give.
 */
export function serverHeapFlags(mb) {
  return mb ? [`--max-old-space-size=${Math.round(mb / 2)}`, `--max-semi-space-size=${Math.round(mb / 64)}`] : [];
}

/**
 * How the server child starts as on a server with `mb` of memory. Best, inside a memory cgroup of
 * that size (Linux, with the rights to make one: cgroup v2, or v1's memory controller), as a
 * container or a small VM would run it: Node then sizes the main thread's heap from the limit and
 * the append worker keeps the small young generation Footfall gives it. Flags are process-wide, so
 * they also give that worker the main thread's young generation (32 MB of semi-space at 2 GB
 * where it would have 8); they are the fallback. `cleanup` removes the cgroup once the child is gone.
 */
function asOnServer(mb) {
  if (!mb) return { execArgv: process.execArgv, server_heap: 'sized by V8 from this machine', cleanup: () => {} };
  const group = makeMemoryCgroup(mb);
  if (!group) return { execArgv: [...process.execArgv, ...serverHeapFlags(mb)], server_heap: { as_on_server_mb: mb, how: 'flags', flags: serverHeapFlags(mb) }, cleanup: () => {} };
  // sh puts itself in the cgroup, then becomes Node (same pid, the IPC channel inherited).
  return {
    execPath: '/bin/sh',
    execArgv: ['-c', `echo $$ > '${group.procs}' && exec "$0" "$@"`, process.execPath, ...process.execArgv],
    server_heap: { as_on_server_mb: mb, how: 'cgroup', cgroup: group.dir },
    cleanup: () => {
      try {
        rmdirSync(group.dir);
      } catch {}
    },
  };
}

/** A new memory cgroup limited to `mb`, or undefined where this process cannot make one. */
function makeMemoryCgroup(mb) {
  const name = `footfall-bench-${process.pid}`;
  const bytes = String(mb * MB);
  const tries = [
    // cgroup v2: the root's controllers list memory.
    () => {
      if (!readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').includes('memory')) return undefined;
      writeFileSync('/sys/fs/cgroup/cgroup.subtree_control', '+memory');
      const dir = `/sys/fs/cgroup/${name}`;
      mkdirSync(dir);
      writeFileSync(`${dir}/memory.max`, bytes);
      return { dir, procs: `${dir}/cgroup.procs` };
    },
    // cgroup v1's memory controller.
    () => {
      const dir = `/sys/fs/cgroup/memory/${name}`;
      mkdirSync(dir);
      writeFileSync(`${dir}/memory.limit_in_bytes`, bytes);
      return { dir, procs: `${dir}/cgroup.procs` };
    },
  ];
  for (const t of tries) {
    try {
      const group = t();
      if (group) return group;
    } catch {}
  }
  return undefined;
}

/**
 * @param {{ historyEvents: number, todayEvents: number, panels: string[], log: (...m: unknown[]) => void, cache?: string, rssCapMb?: number, serverMemoryMb?: number }} o
 */
export async function todayAtScale({ historyEvents, todayEvents, panels, log, cache, rssCapMb = 3072, serverMemoryMb }) {
  const hist = await history(historyEvents, cache, log);
  const server = asOnServer(serverMemoryMb);
  const child = fork(new URL('./servers/today.mjs', import.meta.url), {
    env: { ...process.env, BENCH_DATA_DIR: hist.dataDir, BENCH_NOW: String(NOW) },
    ...(server.execPath ? { execPath: server.execPath } : {}),
    execArgv: server.execArgv,
    stdio: 'inherit',
  });
  const exited = once(child, 'exit');
  let aborted;
  let appended = 0;
  let phase = 'starting';
  const checkpoints = [];
  const pages = { today: [], '30d': [] };
  const rss = rssWatch(child, rssCapMb, (bytes) => {
    if (aborted) return;
    aborted = `the server's RSS passed ${rssCapMb} MB (${round(bytes / MB)} MB) with ${appended.toLocaleString('en')} events of today stored; it was killed`;
    log(`today: ${aborted}`);
    child.kill('SIGKILL');
  });
  const out = {
    history_events: hist.events,
    today_events: 0,
    today_events_target: todayEvents,
    batch_events: BATCH,
    server_heap: server.server_heap,
    history: { fill_s: hist.fill_s, seal_s: hist.seal_s, cached: hist.cached },
  };
  try {
    const { port } = await Promise.race([once(child, 'message').then(([m]) => m), exited.then(() => Promise.reject(new Error('the server exited before listening')))]);
    const url = `http://127.0.0.1:${port}`;
    out.rss_start_mb = round((rss.now() ?? Number(await (await fetch(`${url}/__rss`)).text())) / MB);
    const get = async (path) => {
      const t = performance.now();
      const res = await fetch(`${url}${path}`);
      const body = await res.text();
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 300)}`);
      return performance.now() - t;
    };
    const api = (panel, period) => `/_analytics/api/${panel}${panel.includes('?') ? '&' : '?'}period=${period}`;
    // Fast is not enough: today's summary must count every event appended, exactly.
    const truth = { pageviews: 0, visitors: new Set(), visits: new Set() };
    const append = async (batch) => {
      const res = await fetch(`${url}/__append`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
      if (res.status !== 204) throw new Error(`POST /__append: ${res.status} ${await res.text()}`);
      appended += batch.length;
      for (const e of batch) {
        if (e.kind === 'pageview') truth.pageviews++;
        truth.visitors.add(e.visitor);
        truth.visits.add(e.session);
      }
    };
    const check = async () => {
      const res = await fetch(`${url}${api('summary', 'today')}`);
      const got = await res.json();
      const expected = { pageviews: truth.pageviews, visitors: truth.visitors.size, visits: truth.visits.size };
      const reported = { pageviews: got.pageviews, visitors: got.visitors, visits: got.visits };
      const ok = Object.keys(expected).every((k) => expected[k] === reported[k]);
      if (!ok) log(`today: WRONG COUNTS: today's summary says ${JSON.stringify(reported)}, ${JSON.stringify(expected)} were appended`);
      return { ok, expected, reported };
    };

    // Filling: batches back to back; every `every` events the dashboard is read while the next
    // batches keep going in, as an owner looks at it while the site takes traffic.
    const take = todayStream(todayEvents + TRICKLE.reserve);
    const every = Math.max(BATCH, Math.round(todayEvents / 20 / BATCH) * BATCH);
    let reading = Promise.resolve();
    log(`today: appending ${todayEvents.toLocaleString('en')} events of today in batches of ${BATCH}, reading the dashboard every ${every.toLocaleString('en')}`);
    phase = 'filling';
    rss.reset();
    const filling = performance.now();
    for (let nextRead = every; appended < todayEvents && !aborted; ) {
      const batch = take(Math.min(BATCH, todayEvents - appended));
      if (batch.length === 0) break;
      await append(batch);
      await rss.sample(url);
      if (appended < nextRead || appended >= todayEvents) continue;
      nextRead += every;
      await reading;
      const at = appended;
      reading = (async () => {
        const point = { events: at, page_today_ms: round(await get('/_analytics?period=today')), page_30d_ms: round(await get('/_analytics?period=30d')) };
        for (const panel of ['summary', 'timeseries', 'breakdown?property=page&limit=10']) await get(api(panel, 'today'));
        Object.assign(point, { rss_mb: round((rss.now() ?? 0) / MB), ...rss.parts(), main_thread: await (await fetch(`${url}/__mem`)).json() });
        checkpoints.push(point);
        log(
          `today: ${at.toLocaleString('en')} appended: page today ${point.page_today_ms} ms, 30d ${point.page_30d_ms} ms, server RSS ${point.rss_mb} MB (young generation ${point.main_thread.spaces_mb.new} MB, array buffers ${point.main_thread.array_buffers_mb} MB)`,
        );
      })();
      reading.catch(() => {});
    }
    await reading;
    const fill_s = (performance.now() - filling) / 1000;
    out.today_events = appended;
    out.fill = { seconds: round(fill_s), events_per_s: Math.round(appended / fill_s), rss_peak_mb: rss.peakMb(), checkpoints };
    log(`today: ${appended.toLocaleString('en')} events appended in ${out.fill.seconds} s, RSS peak ${out.fill.rss_peak_mb} MB`);
    if (aborted) throw new Error(aborted);
    out.check = { after_fill: await check() };

    // Filled: the two pages, interleaved, then every API panel for today, while a trickle of
    // writes goes on.
    phase = 'reading';
    rss.reset();
    let trickling = true;
    const trickle = (async () => {
      while (trickling && !aborted) {
        const batch = take(TRICKLE.events);
        if (batch.length === 0) break;
        await append(batch);
        await new Promise((r) => setTimeout(r, TRICKLE.everyMs));
      }
    })();
    trickle.catch(() => {});
    for (let i = 0; i < ROUNDS.pages && !aborted; i++) {
      for (const period of ['today', '30d']) pages[period].push(await get(`/_analytics?period=${period}`));
      await rss.sample(url);
    }
    out.pages = { today: stats(pages.today), '30d': stats(pages['30d']) };
    log(`today: page today p50 ${out.pages.today.p50} ms p95 ${out.pages.today.p95} ms; 30d p50 ${out.pages['30d'].p50} ms p95 ${out.pages['30d'].p95} ms`);
    const perPanel = Object.fromEntries(panels.map((p) => [p, []]));
    for (let i = 0; i < ROUNDS.panels && !aborted; i++) {
      for (const panel of panels) perPanel[panel].push(await get(api(panel, 'today')));
      await rss.sample(url);
    }
    trickling = false;
    await trickle;
    out.reading_rss_peak_mb = rss.peakMb();
    out.check.after_reading = await check();
    out.check.ok = out.check.after_fill.ok && out.check.after_reading.ok;
    out.reading_appended_events = appended - out.today_events;
    out.panels_today_ms = Object.fromEntries(Object.entries(perPanel).map(([k, v]) => [k, stats(v)]));
    out.rss_end_mb = round((rss.now() ?? 0) / MB);
    out.rss_end_parts = { ...rss.parts(), main_thread: await (await fetch(`${url}/__mem`)).json() };
    log(`today: RSS peak while reading ${out.reading_rss_peak_mb} MB`);
  } catch (error) {
    // A run the cap stopped still reports what it measured before.
    if (!aborted) throw error;
    out.today_events ||= appended;
    out.aborted = aborted;
    if (phase === 'filling') out.fill = { rss_peak_mb: rss.peakMb(), checkpoints };
    if (phase === 'reading') {
      out.reading_rss_peak_mb = rss.peakMb();
      if (pages.today.length) out.pages = { today: { ...stats(pages.today), samples: pages.today.length }, '30d': { ...stats(pages['30d']), samples: pages['30d'].length } };
    }
  } finally {
    rss.stop();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    server.cleanup();
    rmSync(hist.dataDir, { recursive: true, force: true });
  }
  return out;
}

/** traffic() rounds per day: 1,000,002 events of history read as 1 M. */
const millions = (n) => (n >= 1e6 ? `${round(n / 1e6)} M` : n.toLocaleString('en'));

/** printTable's rows for results.today, each figure beside its target. */
export function todayRows(t) {
  const h = t.server_heap;
  const server = h?.as_on_server_mb ? `, as on a ${h.as_on_server_mb.toLocaleString('en')} MB server (${h.how === 'cgroup' ? 'memory cgroup' : 'heap flags'})` : '';
  const label = `${t.today_events.toLocaleString('en')} today + ${millions(t.history_events)} history${server}`;
  const rows = [];
  if (t.aborted) rows.push([`today at scale (${label})`, `aborted: ${t.aborted}`, '']);
  if (t.check)
    rows.push(["today at scale: today's summary counts every event appended", t.check.ok ? 'yes' : `NO: ${JSON.stringify(t.check.after_reading ?? t.check.after_fill)}`, 'yes']);
  for (const period of ['today', '30d']) {
    const p = t.pages?.[period];
    if (p)
      rows.push([
        `today at scale: page ${period} (${label})`,
        `p50 ${p.p50} ms, p95 ${p.p95} ms${p.samples ? ` (${p.samples} reads before the kill)` : ''}`,
        '<= 200 ms p50, <= 300 ms p95',
      ]);
  }
  if (t.fill)
    rows.push([
      `today at scale: RSS while filling${server}`,
      `${t.fill.rss_peak_mb} MB${t.fill.events_per_s ? ` (${t.fill.events_per_s.toLocaleString('en')} events/s appended)` : ''}`,
      '<= 300 MB',
    ]);
  if (t.reading_rss_peak_mb !== undefined) rows.push([`today at scale: RSS while reading${server}`, `${t.reading_rss_peak_mb} MB`, '<= 300 MB']);
  return rows;
}
