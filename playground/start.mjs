// Serves the BUILT playground (`npm run build -w footfall-playground` first; the repository's
// `npm start` does both) with @astrojs/node's standalone server, on PORT/HOST
// (default 127.0.0.1:4321), and prints where the site and its dashboard are.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const entry = new URL('./dist/server/entry.mjs', import.meta.url);
if (!existsSync(entry)) {
  console.error('The playground is not built. Run `npm start` at the repository root, or `npm run build -w footfall-playground`.');
  process.exit(1);
}

process.env.HOST ??= '127.0.0.1';
process.env.PORT ??= '4321';
// We print the addresses ourselves, once the server really listens (PORT=0 picks a free port).
process.env.ASTRO_NODE_AUTOSTART = 'disabled';
process.env.ASTRO_NODE_LOGGING ??= 'disabled';

// A production server keeps the dashboard locked until it has a password. The playground is a
// demo on your own machine: open it, unless you chose otherwise.
let access;
if (process.env.FOOTFALL_PASSWORD) {
  access = 'protected by FOOTFALL_PASSWORD';
} else if (process.env.FOOTFALL_PUBLIC_DASHBOARD === undefined) {
  process.env.FOOTFALL_PUBLIC_DASHBOARD = 'true';
  access = 'public: FOOTFALL_PUBLIC_DASHBOARD was unset, so start.mjs set it to true (set FOOTFALL_PASSWORD to protect it)';
} else {
  access = `FOOTFALL_PUBLIC_DASHBOARD=${process.env.FOOTFALL_PUBLIC_DASHBOARD}`;
}

// Footfall reads FOOTFALL_* as the server module loads: the environment above must come first.
const { startServer } = await import(entry.href);
const { server } = startServer();
const http = server.server;
// Slow clients (slowloris) get 10 s for their headers and 30 s for the whole request, instead of
// Node's 60 s and 5 min; Footfall's own routes cut a trickling body after 10 s anyway.
http.headersTimeout = 10_000;
http.requestTimeout = 30_000;
http.connectionsCheckingInterval = 1_000; // Node checks the two above only this often (30 s by default)

http.once('listening', () => {
  const { address, port } = http.address();
  const host = address.includes(':') ? `[${address}]` : address;
  const site = `http://${host}:${port}`;
  console.log(`Footfall playground listening on ${site}`);
  console.log(`  Site:      ${site}/`);
  console.log(`  Dashboard: ${site}/_analytics  (${access})`);
  console.log(`  Privacy:   ${site}/_footfall/privacy`);
  console.log(`  Data:      ${resolve(process.env.FOOTFALL_DATA_DIR ?? '.footfall')}`);
  console.log('Press Ctrl+C to stop.');
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    server.stop().then(() => process.exit(0));
  });
}
