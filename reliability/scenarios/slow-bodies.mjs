// Slow clients (slowloris): connections that send their headers and then trickle the body a
// byte a second, and (beside them) connections that trickle their headers. Measured: how long
// until the server cuts each, and what it answers. Bounded: every socket is closed by `maxMs`.
import { connect } from 'node:net';
import { CHROME_UA, request, tally } from '../lib/http.mjs';
import { withServer } from '../lib/server.mjs';

/** One connection trickling its `slow` part ('body' or 'headers') a byte a second until the server closes it. */
function slowClient(port, { slow, maxMs }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let timer;
    const head = `POST /_footfall/e HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nUser-Agent: ${CHROME_UA}\r\nContent-Length: 4000\r\n\r\n`;
    let sent = 0;
    const trickle = () => {
      if (socket.destroyed) return;
      socket.write(slow === 'body' ? '{' : head[sent++ % head.length]);
    };
    const done = (how) => {
      clearInterval(timer);
      clearTimeout(limit);
      socket.destroy();
      resolve({ seconds: (performance.now() - started) / 1000, status: /^HTTP\/1\.1 (\d+)/.exec(answer)?.[1] ?? how });
    };
    const limit = setTimeout(() => done('still open'), maxMs);
    socket.on('connect', () => {
      if (slow === 'body') socket.write(head);
      timer = setInterval(trickle, 1000);
    });
    socket.setEncoding('utf8');
    socket.on('data', (d) => (answer += d));
    socket.on('error', () => {});
    socket.on('close', () => done('closed'));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x) => Math.round(x * 10) / 10;

export async function slowBodies({ bodies = 100, headers = 20, maxMs = 60_000, log = () => {} } = {}) {
  return withServer('slow', {}, async (server) => {
    const all = await Promise.all([
      ...Array.from({ length: bodies }, () => slowClient(server.port, { slow: 'body', maxMs })),
      ...Array.from({ length: headers }, () => slowClient(server.port, { slow: 'headers', maxMs })),
    ]);
    const alive = (await request(server.url, '/_footfall/privacy?format=json')).status === 200;
    const summarise = (xs) => {
      const t = tally();
      for (const x of xs) t.add(x.status);
      return { count: xs.length, cut_after_s: { median: round(median(xs.map((x) => x.seconds))), max: round(Math.max(...xs.map((x) => x.seconds))) }, answers: t.counts };
    };
    const out = { max_s: maxMs / 1000, bodies: summarise(all.slice(0, bodies)), ...(headers ? { headers: summarise(all.slice(bodies)) } : {}), alive_after: alive };
    log(`slow clients: ${JSON.stringify(out)}`);
    return out;
  });
}

export function slowBodiesRow(r) {
  const part = (x) =>
    `cut after ${x.cut_after_s.median} s (max ${x.cut_after_s.max} s): ${Object.entries(x.answers)
      .map(([k, v]) => `${v}x${k}`)
      .join(' ')}`;
  return {
    name: `slow clients, ${r.bodies.count} bodies + ${r.headers?.count ?? 0} headers a byte/s`,
    measured: `bodies ${part(r.bodies)}${r.headers ? `; headers ${part(r.headers)}` : ''}; server up after: ${r.alive_after}`,
    ok: r.alive_after && !('still open' in r.bodies.answers) && !('still open' in (r.headers?.answers ?? {})),
  };
}
