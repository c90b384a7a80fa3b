// Starts a built standalone Astro server (argv[2] = dist/server/entry.mjs) and prints its URL
// once it listens: the built server logs nothing below its build's logLevel, and PORT=0 needs
// the real port reported back.
import { pathToFileURL } from 'node:url';

process.env.ASTRO_NODE_AUTOSTART = 'disabled';
const { startServer } = await import(pathToFileURL(process.argv[2]).href);
const { server } = startServer();
const http = server.server;
const report = () => {
  const { address, port } = http.address();
  console.log(`listening on http://${address.includes(':') ? `[${address}]` : address}:${port}`);
};
if (http.listening) report();
else http.once('listening', report);
process.once('SIGTERM', () => server.stop().then(() => process.exit(0)));
