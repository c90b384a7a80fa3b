// ClickHouse figures for `npm run bench` (--only=clickhouse): collector throughput beside SQLite's,
// dashboard page time over 30 days and 12 months at 10 M events (100 M with --full), bytes per
// event on disk. Starts Debian's clickhouse-server as a plain process on a free port (the tests'
// helper) unless FOOTFALL_BENCH_CLICKHOUSE_URL names a running server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFootfall, openStore } from '@footfall/runtime';
import { BENCH_GOALS, traffic } from './traffic.mjs';

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export async function clickhouseBench({ full, log, startServer, load, summarize, panels }) {
  const external = process.env.FOOTFALL_BENCH_CLICKHOUSE_URL;
  const server = external ? undefined : await (await import('../test/support/clickhouse-server.ts')).startClickHouse();
  const url = external ?? server.url;
  const settings = (database) => ({ url, username: 'default', password: '', database });
  try {
    const out = { server_version: undefined, collector: await collector(), dashboard: {} };
    const sizes = process.env.FOOTFALL_BENCH_CLICKHOUSE_SIZES?.split(',').map(Number) ?? [10_000_000, ...(full ? [100_000_000] : [])];
    for (const total of sizes) out.dashboard[total] = await dashboard(total);
    out.server_version = out.dashboard['10000000']?.server_version;
    return out;
  } finally {
    await server?.stop();
  }

  // Same load as the SQLite collector figure, interleaved: SQLite vs ClickHouse behind Footfall.
  async function collector() {
    log('clickhouse collector: Footfall on SQLite vs on ClickHouse, 3 interleaved rounds of 5 s, 32 connections');
    const dataDirs = [mkdtempSync(join(tmpdir(), 'footfall-bench-')), mkdtempSync(join(tmpdir(), 'footfall-bench-'))];
    const sqlite = await startServer('footfall.mjs', { BENCH_DATA_DIR: dataDirs[0] });
    const ch = await startServer('footfall.mjs', { BENCH_DATA_DIR: dataDirs[1], BENCH_STORAGE: 'clickhouse', FOOTFALL_CLICKHOUSE_URL: `${url}/bench_collector` });
    const rounds = { sqlite: [], clickhouse: [] };
    await load(sqlite.url);
    await load(ch.url);
    for (let i = 0; i < 3; i++) {
      rounds.sqlite.push(await load(sqlite.url));
      rounds.clickhouse.push(await load(ch.url));
    }
    // One INSERT per commit: with 32 connections at most 32 events wait per commit. Open-loop
    // traffic (many visitors) makes bigger batches; 256 connections show how it scales.
    rounds.clickhouse_256 = [await load(ch.url, 256)];
    sqlite.child.kill();
    ch.child.kill();
    for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
    return { sqlite: summarize(rounds.sqlite), clickhouse: summarize(rounds.clickhouse), clickhouse_256: summarize(rounds.clickhouse_256) };
  }

  async function dashboard(total) {
    const end = Date.UTC(2026, 10, 20, 15, 0);
    const database = `bench_${total}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'footfall-bench-ch-'));
    const store = await openStore({ storage: 'clickhouse', dataDir, clickhouse: settings(database) });
    const server_version = store.serverVersion;
    let events = Number((await store.connection.rows('SELECT count() AS n FROM events'))[0].n);
    let fill_s = 0;
    const base = 'bench_10000000';
    if (
      events === 0 &&
      total > 10_000_000 &&
      total % 10_000_000 === 0 &&
      Number((await store.connection.rows(`SELECT count() AS n FROM ${base}.events`).catch(() => [{ n: 0 }]))[0].n) > 0
    ) {
      // 100 M: the 10 M traffic with ten visitors for each one (own visitor hashes and visit ids),
      // copied inside ClickHouse: minutes instead of half an hour of INSERTs from Node.
      const copies = total / 10_000_000;
      log(`clickhouse dashboard: ${total.toLocaleString()} events = ${base} x ${copies}, copied inside ClickHouse`);
      const started = performance.now();
      const columns = [
        'ts',
        'bucket',
        'session',
        'visitor',
        'seq',
        'kind',
        'path',
        'name',
        'prop_keys',
        'prop_values',
        'engaged',
        'scroll',
        'hostname',
        'referrer',
        'source',
        'utm_source',
        'utm_medium',
        'utm_campaign',
        'utm_content',
        'utm_term',
        'country',
        'region',
        'city',
        'browser',
        'os',
        'device',
      ];
      const select = columns.map(
        (c) => ({ session: "concat(session, '-', toString(k))", visitor: 'concat(lower(hex(toUInt8(k))), substring(visitor, 3))', seq: `seq * ${copies} + k` })[c] ?? c,
      );
      await store.connection.command(`INSERT INTO events (${columns.join(', ')}) SELECT ${select.join(', ')} FROM ${base}.events ARRAY JOIN range(${copies}) AS k`, true);
      events = Number((await store.connection.rows('SELECT count() AS n FROM events'))[0].n);
      fill_s = round((performance.now() - started) / 1000);
    } else if (events === 0) {
      log(`clickhouse dashboard: filling ${total.toLocaleString()} events over 365 days`);
      const started = performance.now();
      // Bigger INSERTs than a live collector's: a fill is a bulk load.
      let pending = [];
      for (const batch of traffic({ total, days: 365, end })) {
        pending.push(...batch);
        if (pending.length >= 200_000) {
          await store.append(pending);
          events += pending.length;
          pending = [];
        }
      }
      if (pending.length) await store.append(pending);
      events += pending.length;
      fill_s = round((performance.now() - started) / 1000);
      log(`filled in ${fill_s} s`);
    }
    await store.close();
    // The instance loads the open bucket's live rollups as it starts (live-tail.ts): how long
    // until its first answer about today can come from them.
    const opened = performance.now();
    const ff = await createFootfall(
      { dataDir, timezone: 'UTC', publicDashboard: true, storage: 'clickhouse', clickhouseUrl: url, clickhouseDatabase: database, goals: BENCH_GOALS },
      { env: {}, now: () => end, timers: false, log: () => {} },
    );
    await ff.store.live();
    const live_load_s = round((performance.now() - opened) / 1000);
    log(`started, today's live rollups loaded, in ${live_load_s} s`);
    // Ended buckets get their rollups (what maintenance does at start and when a bucket ends).
    const sealStart = performance.now();
    await ff.maintain();
    const seal_s = round((performance.now() - sealStart) / 1000);
    log(`sealed in ${seal_s} s`);
    const [{ raw, all }] = await ff.store.connection.rows(
      `SELECT sumIf(bytes_on_disk, table = 'events') AS raw, sum(bytes_on_disk) AS all FROM system.parts WHERE database = '${database}' AND active`,
    );
    const out = { server_version, events, fill_s, seal_s, live_load_s, bytes_per_event: round(Number(all) / events), bytes_per_event_raw: round(Number(raw) / events), ranges: {} };
    for (const period of ['30d', '12mo']) {
      const page = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const res = await ff.fetch(new Request(`http://bench.test/_analytics?period=${period}`));
        if (res.status !== 200) throw new Error(`page: ${res.status} ${await res.text()}`);
        await res.text();
        page.push(performance.now() - t);
      }
      const perEndpoint = {};
      for (const panel of panels) {
        const t = performance.now();
        const res = await ff.fetch(new Request(`http://bench.test/_analytics/api/${panel}${panel.includes('?') ? '&' : '?'}period=${period}`));
        if (res.status !== 200) throw new Error(`${panel}: ${res.status}`);
        await res.arrayBuffer();
        perEndpoint[panel] = round(performance.now() - t);
      }
      out.ranges[period] = { page_ms: { p50: round(pct(page, 50)), p95: round(pct(page, 95)) }, endpoint_ms: perEndpoint };
      log(`clickhouse ${total.toLocaleString()} ${period}: page p50 ${out.ranges[period].page_ms.p50} ms`);
    }
    await ff.close();
    rmSync(dataDir, { recursive: true, force: true });
    return out;
  }
}
