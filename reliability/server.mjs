// The server the reliability suite attacks, started as a child process (like bench/servers):
// node:http + Footfall's production middleware, exactly as the README tells a site to run it.
// Options come from FOOTFALL_* variables (the parent sets FOOTFALL_DATA_DIR, FOOTFALL_PASSWORD,
// NODE_ENV=production). Listens on 127.0.0.1, port 0, and tells the parent its port over IPC.
import { createServer } from 'node:http';
import { createFootfallMiddleware } from '@footfall/vite/node';

const footfall = createFootfallMiddleware();
try {
  await footfall.ready;
} catch (error) {
  console.error(`reliability server: Footfall did not start: ${error?.message ?? error}`);
  process.exit(1);
}

const server = createServer((req, res) => {
  footfall(req, res, () => {
    res.statusCode = 404;
    res.end('not found');
  });
});
// As the README's examples: slow clients get 10 s for their headers and 30 s for the request.
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;
server.connectionsCheckingInterval = 1_000; // Node checks the two above only this often (30 s by default)
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  server.close();
  server.closeAllConnections();
  footfall.close().then(
    () => process.exit(0),
    (error) => {
      console.error(`reliability server: close failed: ${error?.message ?? error}`);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
// The parent asks for memory figures; with --expose-gc (the flood starts it so) after a full GC,
// which tells memory still referenced (a leak) from heap V8 has not given back yet.
process.on('message', (m) => {
  if (m?.type !== 'memory') return;
  globalThis.gc?.();
  process.send?.({ type: 'memory', gc: typeof globalThis.gc === 'function', ...process.memoryUsage() });
});
