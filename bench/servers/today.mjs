// The dashboard of a live site while today's events arrive: node:http + Footfall's middleware on a
// filled data dir, its clock started at BENCH_NOW (late today) and running as a live server's
// does: a comparison's partial day (yesterday until this time) ends at another millisecond on
// every page, as it does for a real owner. POST /__append takes a JSON
// array of StoredEvents and appends them through this Footfall's own store (ff.store), as the
// collector's group commit does, so an engine that keeps the open bucket's aggregates from its
// own appends sees every one of them. GET /__rss answers process.memoryUsage().rss; GET /__mem
// splits the main thread's memory: V8's heap spaces (new space is the young generation), array
// buffers (typed arrays live there) and the rest.
import { createServer } from 'node:http';
import { getHeapSpaceStatistics } from 'node:v8';
import { createFootfall } from '@footfall/runtime';
import { footfallMiddleware } from '@footfall/runtime/node';
import { BENCH_GOALS } from '../traffic.mjs';

const started = Number(process.env.BENCH_NOW) - performance.now();
const ff = await createFootfall(
  { dataDir: process.env.BENCH_DATA_DIR, storage: process.env.BENCH_STORAGE ?? 'sqlite', timezone: 'UTC', publicDashboard: true, goals: BENCH_GOALS },
  { env: {}, now: () => Math.round(started + performance.now()), timers: false, log: () => {} },
);
const middleware = footfallMiddleware(ff);

/**
 * The harness's batches (1,000 events, ~400 KB of JSON) are gathered in one reused buffer: a real
 * beacon is a few hundred bytes, and garbage buffers of the harness's own would wait for a GC in
 * the server's RSS beside Footfall's memory.
 */
let body = Buffer.allocUnsafe(1 << 20);

async function append(req, res) {
  let length = 0;
  for await (const chunk of req) {
    if (length + chunk.length > body.length) body = Buffer.concat([body.subarray(0, length)], 2 * (length + chunk.length));
    length += chunk.copy(body, length);
  }
  try {
    await ff.store.append(JSON.parse(body.toString('utf8', 0, length)));
    res.statusCode = 204;
    res.end();
  } catch (error) {
    res.statusCode = 500;
    res.end(`${error?.name}: ${error?.message}`);
  }
}

const MB = 2 ** 20;
function memory() {
  const m = process.memoryUsage();
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name.replace(/_space$/, ''), Math.round(s.space_size / MB)]));
  return {
    heap_total_mb: Math.round(m.heapTotal / MB),
    heap_used_mb: Math.round(m.heapUsed / MB),
    array_buffers_mb: Math.round(m.arrayBuffers / MB),
    external_mb: Math.round(m.external / MB),
    spaces_mb: spaces,
  };
}

const server = createServer((req, res) => {
  if (req.url === '/__rss') return res.end(String(process.memoryUsage().rss));
  if (req.url === '/__mem') return res.end(JSON.stringify(memory()));
  if (req.url === '/__append' && req.method === 'POST') return void append(req, res);
  middleware(req, res);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('SIGINT', async () => {
  server.close();
  await ff.close();
  process.exit(0);
});
