// Collector fuzz: thousands of random and mutated bodies (JSON fragments, prototype keys, huge
// numbers, lone surrogate escapes, wrong types, random bytes, truncated JSON, deep nesting,
// oversized). No answer may be a 5xx, the server must stay up, and every 202 must be one row.
import { randomBytes } from 'node:crypto';
import { acknowledged, agent, random, request, runLoops, sendBeacon, tally } from '../lib/http.mjs';
import { readStore } from '../lib/store.mjs';
import { withServer } from '../lib/server.mjs';

const PROTO = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', 'isPrototypeOf'];
const FRAGMENTS = [
  '',
  '{',
  '}',
  '[]',
  '[',
  '"',
  'null',
  'true',
  '0',
  '-0',
  '1e999',
  '"k"',
  '{"k"}',
  '{"k":}',
  '{"k":"p",}',
  '{"k":"p" "u":"x"}',
  '{"k":"p","u":',
  '{"k":"p","u":"https://site.test/"',
  '\u0000',
  '{"k":"p","u":"https://site.test/"}garbage',
  '{"k":"p","u":"https://site.test/"}{}',
  '\ufeff{"k":"p","u":"https://site.test/"}',
  '{"k":"p","k":"__proto__","u":"https://site.test/"}',
  "{'k':'p'}",
  '{"k":NaN}',
  '{"k":"p","g":Infinity}',
];
const LONE = ['\\ud800', '\\udfff', '\\ud83d', 'a\\udc00b', '\\ud800\\ud800'];

function value(rng, depth = 0) {
  switch (rng.int(depth > 2 ? 9 : 12)) {
    case 0:
      return rng.pick([0, -1, 1.5, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, Number.MIN_VALUE, 86_400_001]);
    case 1:
      return '';
    case 2:
      return 'x'.repeat(rng.pick([1, 64, 65, 121, 2001, 9000]));
    case 3:
      return rng.pick(PROTO);
    case 4:
      return null;
    case 5:
      return rng.chance(0.5);
    case 6:
      return `https://site.test/${'a/'.repeat(rng.int(50))}?utm_source=${rng.pick(PROTO)}#x`;
    case 7:
      return rng.pick(['javascript:alert(1)', 'data:text/html,x', 'ftp://x/', 'https://', 'http://[::1', '//site.test/', 'https://site.test/\u0007', 'https://site.test/\u202e']);
    case 8:
      return String.fromCharCode(rng.int(0x10000)).repeat(1 + rng.int(3));
    case 9:
      return [value(rng, depth + 1), value(rng, depth + 1)];
    case 10:
      return Object.fromEntries([
        [rng.pick(PROTO), value(rng, depth + 1)],
        [`p${rng.int(40)}`, value(rng, depth + 1)],
      ]);
    default:
      return { __proto__: null, ...Object.fromEntries(Array.from({ length: rng.int(35) }, (_, i) => [`k${i}`, `v${i}`])) };
  }
}

function validBeacon(rng) {
  const u = `https://site.test/f${rng.int(50)}`;
  return rng.pick([
    { k: 'p', u, s: `fz${rng.int(1e6)}`, r: 'https://www.google.com/' },
    { k: 'e', u, s: `fz${rng.int(1e6)}`, n: 'Signup', p: { plan: 'pro' } },
    { k: 'g', u, s: `fz${rng.int(1e6)}`, g: 1234 },
    { k: 'l', u, s: `fz${rng.int(1e6)}`, h: 'https://other.test/file.pdf' },
    { type: 'page_view', url: u, referrer: 'https://news.test/' },
    { type: 'event', url: u, name: 'Buy', props: { sku: 'a1' } },
  ]);
}

/** One fuzzed body and the kind of fuzz it is. Strings are sent as they are (JSON escapes included). */
export function fuzzBody(rng) {
  const kind = rng.pick(['mutated', 'mutated', 'mutated', 'fragment', 'truncated', 'bytes', 'huge-number', 'surrogate', 'prototype', 'deep', 'oversized', 'valid']);
  const base = validBeacon(rng);
  switch (kind) {
    case 'valid':
      return { kind, body: JSON.stringify(base) };
    case 'mutated': {
      const o = { ...base };
      for (let i = 0, n = 1 + rng.int(3); i < n; i++) {
        const keys = [...Object.keys(o), 'k', 'u', 's', 'r', 'n', 'p', 'g', 'h', 'type', 'url', 'props', 'name', 'session_id'];
        const key = rng.pick(keys);
        if (rng.chance(0.2)) delete o[key];
        else o[key] = value(rng);
      }
      return { kind, body: JSON.stringify(o) };
    }
    case 'fragment':
      return { kind, body: rng.pick(FRAGMENTS) };
    case 'truncated': {
      const text = JSON.stringify(base);
      return { kind, body: text.slice(0, rng.int(text.length)) };
    }
    case 'bytes':
      return { kind, body: randomBytes(rng.int(2048)) };
    case 'huge-number': {
      const n = rng.pick(['1e999', '-1e999', '1e-400', '9007199254740993', '123456789012345678901234567890', '-0', '0.0000001', `1${'0'.repeat(400)}`]);
      return {
        kind,
        body: rng.pick([
          `{"k":"g","u":"https://site.test/","s":"h1","g":${n}}`,
          `{"k":"p","u":"https://site.test/","s":${n}}`,
          `{"k":${n},"u":"https://site.test/"}`,
          `{"k":"e","u":"https://site.test/","n":"E","p":{"a":${n}}}`,
        ]),
      };
    }
    case 'surrogate': {
      const l = rng.pick(LONE);
      return {
        kind,
        body: rng.pick([
          `{"k":"p","u":"https://site.test/${l}","s":"s1"}`,
          `{"k":"e","u":"https://site.test/","n":"${l}"}`,
          `{"k":"e","u":"https://site.test/","n":"E","p":{"${l}":"v"}}`,
          `{"k":"e","u":"https://site.test/","n":"E","p":{"k":"${l}"}}`,
          `{"k":"p","u":"https://site.test/","r":"https://r.test/${l}"}`,
          `{"${l}":"p","u":"https://site.test/"}`,
        ]),
      };
    }
    case 'prototype': {
      const key = rng.pick(PROTO);
      return {
        kind,
        body: rng.pick([
          `{"__proto__":{"k":"p","u":"https://site.test/polluted"}}`,
          `{"k":"p","u":"https://site.test/","__proto__":{"admin":true}}`,
          `{"k":"e","u":"https://site.test/","n":"${key}","p":{"${key}":"x"}}`,
          `{"k":"e","u":"https://site.test/","n":"E","p":{"__proto__":{"x":"y"}}}`,
          `{"constructor":{"prototype":{"k":"p"}},"k":"p","u":"https://site.test/"}`,
          `{"k":"p","u":"https://site.test/${key}","s":"${key}"}`,
          `{"type":"event","url":"https://site.test/","name":"${key}","props":{"${key}":"${key}"}}`,
          `{"k":"${key}","u":"https://site.test/"}`,
        ]),
      };
    }
    case 'deep': {
      const depth = 100 + rng.int(7000);
      return {
        kind,
        body: rng.chance(0.5) ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `{"k":"e","u":"https://site.test/","n":"E","p":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
      };
    }
    default:
      return { kind: 'oversized', body: JSON.stringify({ ...base, n: 'x'.repeat(16_384 + rng.int(50_000)) }) };
  }
}

export async function collectorFuzz({ bodies = 5000, connections = 8, seed = Date.now(), log = () => {} } = {}) {
  const rng = random(seed);
  return withServer('cfuzz', {}, async (server, dataDir) => {
    const statuses = tally();
    const byKind = {};
    const fiveHundreds = [];
    let stored = 0;
    let next = 0;
    const a = agent(connections);
    await runLoops(connections, { maxPerLoop: bodies, maxMs: 120_000, stop: () => next >= bodies }, async () => {
      next++;
      const { kind, body } = fuzzBody(rng);
      // Some with other content types or none: the collector must not care.
      const headers = rng.chance(0.1) ? { 'content-type': rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) } : {};
      let status;
      try {
        const res = await sendBeacon(server.url, body, { agent: a, headers });
        status = res.status;
        if (acknowledged(res)) stored++;
        if (status >= 500 && fiveHundreds.length < 10) fiveHundreds.push({ kind, status, body: String(body).slice(0, 200), answer: res.body.slice(0, 200) });
      } catch {
        status = 'no answer';
      }
      statuses.add(status);
      (byKind[kind] ??= tally()).add(status);
    });
    a.destroy();
    const alive = (await request(server.url, '/_footfall/privacy?format=json')).status === 200;
    const logLines = server.lines.length;
    await server.stop();
    const store = readStore(dataDir);
    const out = {
      seed,
      bodies: next,
      statuses: statuses.counts,
      by_kind: Object.fromEntries(Object.entries(byKind).map(([k, t]) => [k, t.counts])),
      five_xx: Object.entries(statuses.counts)
        .filter(([k]) => Number(k) >= 500)
        .reduce((n, [, v]) => n + v, 0),
      no_answer: statuses.counts['no answer'] ?? 0,
      five_xx_samples: fiveHundreds,
      acknowledged: stored,
      rows: store.events,
      integrity: store.integrity,
      alive_after: alive,
      log_lines: logLines,
    };
    log(`collector fuzz: ${JSON.stringify(out)}`);
    return out;
  });
}

export function collectorFuzzRow(r) {
  const ok = r.five_xx === 0 && r.alive_after && r.acknowledged === r.rows && r.integrity === 'ok';
  return {
    name: `collector fuzz, ${r.bodies.toLocaleString('en')} bodies`,
    measured: `${Object.entries(r.statuses)
      .sort()
      .map(([k, v]) => `${v}x${k}`)
      .join(' ')}; 5xx: ${r.five_xx}; ${r.acknowledged} acknowledged = ${r.rows} rows stored; server up after: ${r.alive_after}`,
    ok,
  };
}
