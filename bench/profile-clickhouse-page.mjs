// Where a ClickHouse dashboard page's time goes: renders the page N times over a bench database
// that `npm run bench -- --only=clickhouse` left in a running server, then prints, for the last
// render, each store question's time and each SQL statement's. N=renders (4), W=characters of
// SQL shown (160), DUMP=file appends every statement to the file, to time them alone, PID=the
// clickhouse-server's process id adds the server's CPU time per render (from /proc). Today's
// live rollups are loaded before the first render, as a started server loads them.
//   FOOTFALL_BENCH_CLICKHOUSE_URL=http://127.0.0.1:PORT node bench/profile-clickhouse-page.mjs bench_100000000 30d
// Keep the server alive between runs by starting it yourself (test/support/clickhouse-server.ts).
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const { createFootfall } = await import('@footfall/runtime');
const { BENCH_GOALS } = await import('./traffic.mjs');
const db = process.argv[2] ?? 'bench_100000000';
const period = process.argv[3] ?? '30d';
const end = Date.UTC(2026, 10, 20, 15, 0);
const ff = await createFootfall(
  {
    dataDir: mkdtempSync(join(tmpdir(), 'ffp-')),
    timezone: 'UTC',
    publicDashboard: true,
    storage: 'clickhouse',
    clickhouseUrl: process.env.FOOTFALL_BENCH_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123',
    clickhouseDatabase: db,
    goals: BENCH_GOALS,
  },
  { env: {}, now: () => end, timers: false, log: () => {} },
);
const log = [];
for (const m of ['totals', 'timeseries', 'breakdown', 'propKeys', 'realtime', 'funnel']) {
  const f = ff.store[m]?.bind(ff.store);
  if (!f) continue;
  ff.store[m] = async (...a) => {
    const t = performance.now();
    try {
      return await f(...a);
    } finally {
      log.push(
        `${(performance.now() - t).toFixed(0).padStart(6)} ms ${m} ${typeof a[1] === 'string' ? a[1] : ''} ${JSON.stringify(a[0]?.filters ?? '')} ${a[0]?.from ? new Date(a[0].from).toISOString().slice(0, 10) : ''}`,
      );
    }
  };
}
const conn = ff.store.connection;
const sqlLog = [];
const rows0 = conn.rows.bind(conn);
conn.rows = async (q, slow) => {
  const t = performance.now();
  try {
    return await rows0(q, slow);
  } finally {
    if (process.env.DUMP) appendFileSync(process.env.DUMP, `${q.replace(/\s+/g, ' ')}\n`);
    sqlLog.push(`${(performance.now() - t).toFixed(0).padStart(6)} ms SQL ${q.length} ${q.replace(/\s+/g, ' ').slice(0, Number(process.env.W) || 160)}`);
  }
};
/** The server's CPU time so far in ms (utime + stime, in clock ticks of 10 ms), if PID names it. */
const serverCpu = () => {
  if (!process.env.PID) return 0;
  const fields = readFileSync(`/proc/${process.env.PID}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const loading = performance.now();
await ff.store.live();
console.log(`today's live rollups loaded in ${(performance.now() - loading).toFixed(0)} ms`);
const renders = Number(process.env.N) || 4;
for (let i = 0; i < renders; i++) {
  log.length = 0;
  sqlLog.length = 0;
  const t = performance.now();
  const cpu = serverCpu();
  const res = await ff.fetch(new Request(`http://bench.test/_analytics?period=${period}`));
  await res.text();
  console.log(`page ${res.status} ${(performance.now() - t).toFixed(0)} ms${process.env.PID ? `, ClickHouse CPU ${serverCpu() - cpu} ms` : ''}`);
  if (i === renders - 1) console.log(`${log.join('\n')}\n${sqlLog.join('\n')}`);
}
await ff.close();
