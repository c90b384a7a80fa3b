// The baseline: a bare node:http server that reads the body and answers 202, nothing else.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  if (req.url === '/__rss') return res.end(String(process.memoryUsage().rss));
  req.resume();
  req.on('end', () => {
    res.statusCode = 202;
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
// SIGINT exits normally, so `--cpu-prof` gets to write its profile.
process.on('SIGINT', () => process.exit(0));
