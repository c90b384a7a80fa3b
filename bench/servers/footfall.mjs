// The collector as a site runs it: node:http + Footfall's middleware, SQLite, durable group commit.
// BENCH_RUNTIME points at another build's dist/ (an A/B against an earlier version).
import { createServer } from 'node:http';

const runtime = process.env.BENCH_RUNTIME;
const { createFootfall } = await import(runtime ? `${runtime}/index.js` : '@footfall/runtime');
const { footfallMiddleware } = await import(runtime ? `${runtime}/node.js` : '@footfall/runtime/node');

const ff = await createFootfall(
  { dataDir: process.env.BENCH_DATA_DIR, storage: process.env.BENCH_STORAGE ?? 'sqlite', clickhouseUrl: process.env.FOOTFALL_CLICKHOUSE_URL },
  { env: {}, log: () => {} },
);
const middleware = footfallMiddleware(ff);
const server = createServer((req, res) => {
  if (req.url === '/__rss') return res.end(String(process.memoryUsage().rss));
  middleware(req, res);
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('SIGINT', () => process.exit(0));
