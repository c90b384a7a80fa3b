// A small HTTP client on node:http: raw request targets (fetch would normalise `/../` and `//`),
// keep-alive agents per simulated client, and beacons with ids the suite can find again.
import http from 'node:http';

export const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const REQUEST_TIMEOUT_MS = 30_000;

export function agent(connections = 1) {
  return new http.Agent({ keepAlive: true, maxSockets: connections });
}

/**
 * One request; resolves with status, headers and body text, rejects on a connection error (a
 * killed server) or after 30 s. `path` is sent as it is, after the port.
 */
export function request(base, path, { method = 'GET', headers = {}, body, agent: a } = {}) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method, headers, agent: a ?? false, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs a beacon (an object, or a string/Buffer sent as it is) to the collector. */
export function sendBeacon(base, body, { agent: a, headers = {} } = {}) {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return request(base, '/_footfall/e', {
    method: 'POST',
    agent: a,
    headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA, 'content-length': Buffer.byteLength(payload), ...headers },
    body: payload,
  });
}

/** A pageview whose visit id and path are both `id`: stored, it can be found again by either. */
export function pageview(id) {
  return { k: 'p', u: `https://site.test/${id}`, s: id };
}

/** Whether an answer acknowledges a stored event (a 202 that is not a deliberate drop). */
export function acknowledged(res) {
  return res.status === 202 && res.headers['x-footfall-dropped'] === undefined;
}

/** Counts by key: `{ '202': 10, '400': 3 }`. */
export function tally() {
  const counts = {};
  return { counts, add: (key) => void (counts[key] = (counts[key] ?? 0) + 1) };
}

/** Bearer header for the suite's password. */
export function bearer(password) {
  return { authorization: `Bearer ${password}` };
}

/**
 * `connections` client loops, each awaiting `step(loop, i)` in turn, until a step returns
 * false, `stop()` says so, `maxPerLoop` steps are done or `maxMs` has passed: always bounded.
 */
export async function runLoops(connections, { maxPerLoop, maxMs, stop = () => false }, step) {
  const deadline = Date.now() + maxMs;
  await Promise.all(
    Array.from({ length: connections }, async (_, loop) => {
      for (let i = 0; i < maxPerLoop && Date.now() < deadline && !stop(); i++) {
        if ((await step(loop, i)) === false) break;
      }
    }),
  );
}

/** A seeded PRNG (mulberry32), so a fuzz run that finds something can be replayed with its seed. */
export function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}
