// Production: the built app (dist/) served by Express, with Footfall mounted in one line.
// `npm run serve` builds first. The dashboard is at /_analytics (password: FOOTFALL_PASSWORD).
import express from 'express';
import { createFootfallMiddleware } from '@footfall/vite/node';

const dist = new URL('./dist/', import.meta.url).pathname;
const footfall = createFootfallMiddleware(); // options from FOOTFALL_* variables

const app = express();
app.use(footfall); // before body parsers is best; after them works too
app.use(express.static(dist));
// The client-routed section: every /app/... route is the same page.
app.get('/app/{*route}', (_req, res) => res.sendFile('app/index.html', { root: dist }));

const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? 'localhost', () => {
  const { port } = server.address();
  console.log(`playground-vite: http://localhost:${port}/  dashboard: http://localhost:${port}/_analytics`);
});
// Slow clients (slowloris) get 10 s for their headers and 30 s for the whole request, instead of
// Node's 60 s and 5 min; Footfall's own routes cut a trickling body after 10 s anyway.
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;
server.connectionsCheckingInterval = 1_000; // Node checks the two above only this often (30 s by default)
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => server.close(() => void footfall.close()));
}
