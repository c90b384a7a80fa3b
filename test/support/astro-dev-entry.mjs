// Runs `astro dev` for the site at argv[2] on a free port of 127.0.0.1 and prints its URL, the
// way startServer() expects. A child process, not the test's own: under Vitest, Astro's dev()
// answers 404 to everything (it checks process.env.VITEST).
import { dev } from 'astro';

process.env.ASTRO_TELEMETRY_DISABLED = '1';
process.env.ASTRO_DEV_BACKGROUND = '0';
const server = await dev({ root: process.argv[2], logLevel: 'error', server: { host: '127.0.0.1', port: 0 } });
console.log(`listening on http://127.0.0.1:${server.address.port}`);
process.once('SIGTERM', () => server.stop().then(() => process.exit(0)));
