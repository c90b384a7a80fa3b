// A built Astro site (@astrojs/node standalone) as the bench starts it: ASTRO_ENTRY names its
// dist/server/entry.mjs. The port is chosen by the system and reported to the parent.
process.env.HOST = '127.0.0.1';
process.env.PORT = '0';
process.env.ASTRO_NODE_AUTOSTART = 'disabled';
process.env.ASTRO_NODE_LOGGING = 'disabled';

const { startServer } = await import(process.env.ASTRO_ENTRY);
const { server } = startServer();
const http = server.server;
// The bench reads the RSS on its own path; Astro's listener never sees that request.
const astro = http.listeners('request');
http.removeAllListeners('request');
http.on('request', (req, res) => {
  if (req.url === '/__rss') return res.end(String(process.memoryUsage().rss));
  for (const listener of astro) listener.call(http, req, res);
});
http.once('listening', () => process.send?.({ port: http.address().port }));
// SIGINT exits normally, so `--cpu-prof` gets to write its profile.
process.on('SIGINT', () => process.exit(0));
