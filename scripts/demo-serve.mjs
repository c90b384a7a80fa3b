// `npm run demo:serve`: the dashboard over the demo data (or any data dir), on node:http with
// Footfall's own middleware. Public unless FOOTFALL_PASSWORD is set; 127.0.0.1:4322 by default.
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { createFootfall } from '@footfall/runtime';
import { DEMO_FUNNELS, DEMO_GOALS } from '@footfall/runtime/demo';
import { footfallMiddleware } from '@footfall/runtime/node';

const dataDir = resolve(process.env.FOOTFALL_DATA_DIR || '.footfall-demo');
const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 4322);
// The demo's locations come from MaxMind's test database; say so in the privacy panel too.
const geoDb = new URL('../test/fixtures/geo/GeoLite2-City-Test.mmdb', import.meta.url).pathname;
// The demo's goals and funnels (FOOTFALL_GOALS and FOOTFALL_FUNNELS override them), so their cards have data.
const ff = await createFootfall({ dataDir, geoDb: [geoDb], publicDashboard: !process.env.FOOTFALL_PASSWORD, goals: DEMO_GOALS, funnels: DEMO_FUNNELS });
const footfall = footfallMiddleware(ff);
const base = ff.options.dashboardBase;

// Slow clients get 10 s for their headers and 30 s for the whole request (Node allows 60 s and
// 5 min); Footfall's own routes cut a trickling body after 10 s anyway.
const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 }, (req, res) => {
  if (req.url === '/' || req.url === '') return void res.writeHead(302, { location: base }).end();
  footfall(req, res);
});
server.listen(port, host, () => console.log(`Footfall dashboard: http://${host}:${port}${base} (data: ${dataDir}; Ctrl+C stops)`));
const stop = () => server.close(() => ff.close().then(() => process.exit(0)));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
