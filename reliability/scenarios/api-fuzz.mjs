// API fuzz: thousands of random dashboard and API URLs (periods, dates out of range, filters
// with colons, prop:__proto__, huge limits, path tricks like //, /../, %2e%2e, encoded slashes,
// malformed escapes), signed in with the Bearer password. No answer may be a 5xx.
import { PROPERTIES as KNOWN_PROPERTIES } from '@footfall/runtime';
import { agent, bearer, random, request, runLoops, sendBeacon, tally } from '../lib/http.mjs';
import { PASSWORD, withServer } from '../lib/server.mjs';

const PROTO = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype'];
const PATHS = [
  '/_analytics/api/summary',
  '/_analytics/api/timeseries',
  '/_analytics/api/breakdown',
  '/_analytics/api/realtime',
  '/_analytics/export.csv',
  '/_analytics',
  '/_analytics/',
];
const TRICKS = [
  (p) => p,
  (p) => p,
  (p) => p,
  (p) => `/${p}`,
  (p) => p.replace('/api/', '//api/'),
  (p) => `${p}/`,
  (p) => `${p}//`,
  (p) => p.replace('/_analytics/', '/_analytics/x/../'),
  (p) => p.replace('/_analytics/', '/_analytics/./'),
  (p) => p.replace('/_analytics/', '/_analytics/%2e%2e/_analytics/'),
  (p) => p.replace('/api/', '/api%2f'),
  (p) => p.replace('/api/', '%2fapi%2f'),
  (p) => p.replace('/_analytics', '/%5fanalytics'),
  (p) => p.replace('/_analytics', '/_ANALYTICS'),
  (p) => `/_footfall/..${p}`,
  (p) => `${p}%00`,
  (p) => `${p};jsessionid=1`,
  (p) => `${p}/..%2f..%2f..%2fetc%2fpasswd`,
  (p) => `/_analytics/api/${encodeURIComponent(p)}`,
  (p) => `http://evil.test${p}`,
  (p) => p.replace('/api/', '/api/%2e/'),
  (p) => `/_analytics/api/${PROTO[p.length % PROTO.length]}`,
];
const PERIODS = ['today', 'yesterday', '7d', '30d', 'month', '12mo', 'all', 'custom', '', 'day', '-1d', '99999d', '__proto__', 'constructor', 'TODAY', '7D', 'custom%00', '1e9'];
const PROPERTIES = [
  // Every property the API knows, then the spellings it must refuse.
  ...KNOWN_PROPERTIES,
  'prop:plan',
  'prop:__proto__',
  'prop:constructor',
  'prop:',
  'prop',
  'prop::',
  '__proto__',
  'constructor',
  'toString',
  'PAGE',
  '',
];
const MALFORMED = ['%', '%zz', '%ff', '%ed%a0%80', '%c0%af', '%00', '%e2%82', '%F0%9F%98', '%25', '%u0041'];

function date(rng) {
  if (rng.chance(0.15))
    return rng.pick([
      '',
      'today',
      '2026-02-30',
      '2026-13-01',
      '2026-00-10',
      '0000-01-01',
      '9999-12-31',
      '275760-09-13',
      '-000001-01-01',
      '2026-3-1',
      '2026-03-10T12:00',
      '1e9',
      '__proto__',
    ]);
  const y = rng.pick([1970, 1000, 2000, 2025, 2026, 2026, 2027, 3000, 9999, 0, 99999]);
  return `${String(y).padStart(4, '0')}-${String(rng.int(14)).padStart(2, '0')}-${String(rng.int(33)).padStart(2, '0')}`;
}

function filter(rng) {
  const p = rng.pick(PROPERTIES);
  const v = rng.pick(['/', '/blog/post', 'Google', 'a:b:c', ':', '', 'pro', '__proto__', 'constructor', '%', 'x'.repeat(rng.pick([10, 3000])), '🙂', '\u202e', 'GB', 'Signup']);
  return rng.chance(0.1) ? rng.pick([':', '::', 'prop:', 'prop:plan', 'nocolon', 'prop:__proto__:x', 'prop:constructor:prototype']) : `${p}:${v}`;
}

function param(rng) {
  switch (rng.int(9)) {
    case 0:
      return `period=${rng.pick(PERIODS)}`;
    case 1:
      return `from=${date(rng)}`;
    case 2:
      return `to=${date(rng)}`;
    case 3:
      return `interval=${rng.pick(['hour', 'day', 'month', 'week', 'year', 'minute', '', '__proto__'])}`;
    case 4:
      return `filter=${encodeURIComponent(filter(rng))}`;
    case 5:
      return `property=${encodeURIComponent(rng.pick(PROPERTIES))}`;
    case 6:
      return `limit=${encodeURIComponent(rng.pick(['0', '1', '10', '1000', '1001', '-1', '1e9', '99999999999999999999', '1.5', '+5', ' 5', '0x10', '', 'NaN', '9007199254740993']))}`;
    case 7:
      return `${rng.pick(['filter', 'period', 'tab', 'compare', 'chart', 'x', '__proto__', 'constructor', ''])}=${rng.pick(MALFORMED)}`;
    default:
      return `${rng.pick(['compare', 'tab', 'card', '__proto__[x]', 'hasOwnProperty', 'a[]'])}=${rng.pick(['0', 'off', 'sources', 'referrer', '1', '__proto__'])}`;
  }
}

/** Parameters the API accepts, with hostile values where it takes free text: these reach the stats engine. */
function plausible(rng) {
  const path = rng.pick(PATHS);
  const params = [`period=${rng.pick(['today', '7d', '30d', 'month', '12mo', 'all', 'yesterday'])}`];
  if (path.endsWith('breakdown')) params.push(`property=${encodeURIComponent(rng.pick(PROPERTIES.slice(0, 21)))}`, `limit=${rng.pick([1, 10, 1000])}`);
  if (path.endsWith('timeseries')) params.push(`interval=${rng.pick(['hour', 'day', 'month'])}`);
  for (let i = rng.int(4); i > 0; i--)
    params.push(
      `filter=${encodeURIComponent(`${rng.pick(PROPERTIES.slice(0, 21))}:${rng.pick(['/', '/a:b', '/__proto__', 'constructor', 'pro', 'Google', 'Signup', 'toString', 'a:b:c', ''])}`)}`,
    );
  return `${path}?${params.join('&')}`;
}

/** The widest and oddest questions, always asked first: ten thousand years by the hour, and so on. */
export const EDGE_URLS = [
  '/_analytics/api/timeseries?period=custom&from=0001-01-01&to=9999-12-31&interval=hour',
  '/_analytics/api/timeseries?period=all&interval=hour',
  '/_analytics/export.csv?period=custom&from=0001-01-01&to=9999-12-31',
  '/_analytics?period=custom&from=0001-01-01&to=9999-12-31',
  '/_analytics/api/breakdown?period=all&property=prop%3A__proto__&limit=1000',
  '/_analytics/api/summary?period=all&filter=prop%3A__proto__%3Ax&filter=prop%3Aconstructor%3Ay&filter=page%3A__proto__',
  `/_analytics/api/breakdown?period=12mo&property=page&limit=1000&${Array.from({ length: 200 }, (_, i) => `filter=page%3A%2Fp${i}`).join('&')}`,
  `/_analytics/api/summary?period=12mo&${Array.from({ length: 200 }, (_, i) => `filter=${PROPERTIES[i % 21]}%3Av${i}`).join('&')}`,
];

/** One fuzzed request target (a raw path and query, as node:http sends it) and the path trick used. */
export function fuzzUrl(rng) {
  if (rng.chance(0.35)) return { target: plausible(rng), trick: 'plausible' };
  const trick = rng.pick(TRICKS);
  const path = trick(rng.pick(PATHS));
  const params = Array.from({ length: rng.int(rng.chance(0.05) ? 60 : 7) }, () => param(rng));
  if (rng.chance(0.3)) params.push(`period=custom&from=${date(rng)}&to=${date(rng)}`);
  return { target: params.length ? `${path}?${params.join('&')}` : path, trick: trick('/_analytics/api/summary') };
}

/** Some traffic to ask about: pages, sources, UTM tags, events with props (prototype names among them). */
async function seed(url, n) {
  const a = agent(4);
  let i = 0;
  await runLoops(4, { maxPerLoop: n, maxMs: 60_000, stop: () => i >= n }, async () => {
    const k = i++;
    const u = `https://site.test/${['', 'blog/post', 'a:b', 'docs/x', '__proto__', 'constructor'][k % 6]}?utm_source=${['news', 'mail', 'toString'][k % 3]}`;
    const body =
      k % 3 === 2
        ? { k: 'e', u, s: `seed${k % 40}`, n: ['Signup', 'constructor', '__proto__'][k % 3 === 2 ? k % 3 : 0], p: { plan: ['pro', 'free'][k % 2], toString: 'x', valueOf: 'y' } }
        : { k: 'p', u, s: `seed${k % 40}`, r: ['https://www.google.com/', 'https://news.ycombinator.com/x', ''][k % 3] };
    await sendBeacon(url, body, { agent: a });
  });
  a.destroy();
}

export async function apiFuzz({ urls = 3000, connections = 4, seedEvents = 300, seed: s = Date.now(), log = () => {} } = {}) {
  const rng = random(s);
  return withServer('afuzz', {}, async (server) => {
    await seed(server.url, seedEvents);
    const statuses = tally();
    const fiveHundreds = [];
    let slowest = { ms: 0, url: '' };
    const byTrick = {};
    const edges = [];
    const a = agent(connections);
    for (const target of EDGE_URLS) {
      const t = performance.now();
      const res = await request(server.url, target, { headers: bearer(PASSWORD), agent: a }).catch((error) => ({ status: 'no answer', body: error.message }));
      statuses.add(res.status);
      edges.push({ target: target.slice(0, 100), status: res.status, ms: Math.round(performance.now() - t), bytes: res.body.length });
      if (!(res.status < 500) && fiveHundreds.length < 10) fiveHundreds.push({ method: 'GET', target, status: res.status, answer: res.body.slice(0, 300) });
    }
    let next = 0;
    await runLoops(connections, { maxPerLoop: urls, maxMs: 240_000, stop: () => next >= urls }, async () => {
      next++;
      const { target, trick } = fuzzUrl(rng);
      // Mostly signed in; some without credentials, some with other methods. Never a wrong
      // password: that would be the password scenario, and throttle the rest of this run.
      const headers = rng.chance(0.9) ? bearer(PASSWORD) : {};
      const method = rng.chance(0.93) ? 'GET' : rng.pick(['HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);
      const t = performance.now();
      let status;
      try {
        const res = await request(server.url, target, { method, headers, agent: a });
        status = res.status;
        if (status >= 500 && fiveHundreds.length < 10) fiveHundreds.push({ method, target, status, answer: res.body.slice(0, 300) });
      } catch (error) {
        status = 'no answer';
        if (fiveHundreds.length < 10) fiveHundreds.push({ method, target, status, answer: error.message });
      }
      const ms = performance.now() - t;
      if (ms > slowest.ms) slowest = { ms: Math.round(ms), url: target };
      statuses.add(status);
      (byTrick[trick] ??= tally()).add(status);
    });
    a.destroy();
    const alive = (await request(server.url, '/_analytics/api/realtime', { headers: bearer(PASSWORD) })).status === 200;
    const out = {
      seed: s,
      urls: next + EDGE_URLS.length,
      statuses: statuses.counts,
      edge_urls: edges,
      // Keyed by the trick as it rewrites /_analytics/api/summary (it leaves paths without /api/ alone).
      by_path_trick: Object.fromEntries(Object.entries(byTrick).map(([k, t]) => [k, t.counts])),
      five_xx: Object.entries(statuses.counts)
        .filter(([k]) => Number(k) >= 500)
        .reduce((n, [, v]) => n + v, 0),
      no_answer: statuses.counts['no answer'] ?? 0,
      five_xx_samples: fiveHundreds,
      slowest,
      alive_after: alive,
      log_lines: server.lines.length,
    };
    log(`API fuzz: ${JSON.stringify(out)}`);
    return out;
  });
}

export function apiFuzzRow(r) {
  return {
    name: `API fuzz, ${r.urls.toLocaleString('en')} URLs`,
    measured: `${Object.entries(r.statuses)
      .sort()
      .map(([k, v]) => `${v}x${k}`)
      .join(' ')}; 5xx: ${r.five_xx}; slowest ${Math.max(r.slowest.ms, ...r.edge_urls.map((e) => e.ms))} ms; server up after: ${r.alive_after}`,
    ok: r.five_xx === 0 && r.no_answer === 0 && r.alive_after,
  };
}
