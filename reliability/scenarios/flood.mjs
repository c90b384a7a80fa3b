// Flood: beacons as fast as autocannon can send them for a while, the server's resident memory
// sampled every second from /proc. Figures, not limits: requests/s, answers, RSS over time.
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { CHROME_UA, request } from '../lib/http.mjs';
import { rssOf, withServer } from '../lib/server.mjs';

const MB = 2 ** 20;

export async function flood({ seconds = 15, connections = 64, idleSeconds = 5, log = () => {} } = {}) {
  // --expose-gc through NODE_OPTIONS, leaving the command line as a site's: flags on the command
  // line are the node-flags part's business (they once stopped the SQLite worker threads).
  return withServer('flood', { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim() }, async (server) => {
    const heapBefore = (await server.memory()).heapUsed;
    const samples = [rssOf(server.pid)];
    const sampler = setInterval(() => samples.push(rssOf(server.pid)), 1000);
    const result = await autocannon({
      url: `${server.url}/_footfall/e`,
      method: 'POST',
      connections,
      duration: seconds,
      body: JSON.stringify({ k: 'p', u: 'https://site.test/flood', s: 'flood1', r: 'https://www.google.com/' }),
      headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA },
    });
    clearInterval(sampler);
    const end = rssOf(server.pid);
    // Then idle for a few seconds: does the memory come back? (A figure for the report, not a wait for an event.)
    const idle = [];
    for (let i = 0; i < idleSeconds; i++) {
      await sleep(1000);
      idle.push(rssOf(server.pid));
    }
    const heapAfter = (await server.memory()).heapUsed;
    const alive = (await request(server.url, '/_footfall/privacy?format=json')).status === 200;
    const mb = (x) => Math.round((x / MB) * 10) / 10;
    const rss = [...samples, end].filter((x) => x !== undefined).map(mb);
    const out = {
      seconds,
      connections,
      idle_seconds: idleSeconds,
      requests: result.requests.total,
      rps: Math.round(result.requests.average),
      statuses: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
      errors: result.errors,
      timeouts: result.timeouts,
      p99_ms: result.latency.p99,
      rss_mb: { start: rss[0], peak: Math.max(...rss), end: rss.at(-1), after_idle: idle.length ? mb(idle.at(-1)) : undefined, samples: rss },
      // Live heap after a full GC, before and after: growth here would be memory still referenced.
      heap_after_gc_mb: { start: mb(heapBefore), end: mb(heapAfter) },
      alive_after: alive,
      log_lines: server.lines.length,
    };
    log(`flood: ${JSON.stringify(out)}`);
    return out;
  });
}

export function floodRow(r) {
  return {
    name: `flood, ${r.seconds} s, ${r.connections} connections`,
    measured:
      `${r.rps} req/s (${r.requests.toLocaleString('en')} requests: ${Object.entries(r.statuses)
        .map(([k, v]) => `${v}x${k}`)
        .join(' ')}, ${r.errors} errors); ` +
      `RSS ${r.rss_mb.start} MB at start, ${r.rss_mb.peak} MB peak, ${r.rss_mb.end} MB at the end, ${r.rss_mb.after_idle} MB ${r.idle_seconds} s later (live heap after GC ${r.heap_after_gc_mb.start} -> ${r.heap_after_gc_mb.end} MB); server up after: ${r.alive_after}`,
    ok: r.alive_after && !Object.keys(r.statuses).some((k) => Number(k) >= 500 && k !== '503'),
  };
}
