import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sharedClickHouse } from '../../../../test/support/clickhouse-server.ts';
import { GEO_DB, harness, LONDON_IP, pageview, readAll, type Harness } from '../../../../test/support/kit.ts';
import { PRIVACY_MODES, STORAGE_ENGINES } from '../options.ts';

/** A browser UA no other test uses, so finding it anywhere on disk can only mean a leak. */
const PROBE_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15';
const DAY = 86_400_000;

let h: Harness;
afterEach(() => h?.close());
afterAll(async () => (await sharedClickHouse()).stop());

/** Every way an engine might write a salt: raw bytes, base64, hex. */
const saltForms = (salt: Buffer) => [salt, salt.toString('base64'), salt.toString('hex'), salt.toString('hex').toUpperCase()];

function sendAll(h: Harness, ip: string) {
  const headers = { 'user-agent': PROBE_UA };
  return Promise.all([
    h.send(pageview('https://site.test/?utm_source=mail', { r: 'https://news.example.org/post' }), { headers, ip }),
    h.send({ k: 'e', u: 'https://site.test/', s: 'sess1', n: 'Signup', p: { plan: 'pro' } }, { headers, ip }),
    h.send({ k: 'g', u: 'https://site.test/', s: 'sess1', g: 4000, d: 0.5 }, { headers, ip }),
    h.send({ type: 'page_view', url: 'https://site.test/server' }, { headers: { ...headers, 'x-forwarded-for': ip }, ip: '127.0.0.1' }),
  ]);
}

describe.each(STORAGE_ENGINES)('no IP or user agent on disk (%s)', (storage) => {
  it.each(PRIVACY_MODES)('in %s mode, in any file of the data dir', async (privacyMode) => {
    h = await harness({ storage, privacyMode, geoDb: GEO_DB, trustedProxies: '127.0.0.1' });
    const responses = await sendAll(h, LONDON_IP);
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    await h.ff.close();
    const disk = readAll(h.files());
    expect(disk.length).toBeGreaterThan(0);
    expect(disk.includes(LONDON_IP)).toBe(false);
    expect(disk.includes(Buffer.from([81, 2, 69, 142]))).toBe(false);
    expect(disk.includes(PROBE_UA)).toBe(false);
    expect(disk.includes('Version/17.4.1')).toBe(false);
  });
});

describe('privacy modes store exactly their fields', () => {
  const visitAlways = ['id', 'bucket', 'session', 'visitor'];
  const eventAlways = ['ts', 'visit', 'seq', 'kind', 'path'];
  const standardVisit = [...visitAlways, 'hostname', 'referrer', 'source', 'utm_source', 'country', 'region', 'city', 'browser', 'os', 'device'];
  const expected = {
    standard: { visits: standardVisit, events: [...eventAlways, 'name', 'props', 'engaged', 'scroll'] },
    strict: { visits: standardVisit.filter((f) => f !== 'region' && f !== 'city'), events: [...eventAlways, 'name', 'props', 'engaged', 'scroll'] },
    paranoid: { visits: visitAlways, events: [...eventAlways, 'name'] },
  };

  it.each(PRIVACY_MODES)('%s', async (privacyMode) => {
    h = await harness({ privacyMode, geoDb: GEO_DB, trustedProxies: '127.0.0.1' });
    await sendAll(h, LONDON_IP);
    const db = new DatabaseSync(join(h.dir, 'footfall.db'), { readOnly: true });
    const used = (table: string) => {
      const fields = new Set<string>();
      for (const row of db.prepare(`SELECT * FROM ${table}`).all()) for (const [k, v] of Object.entries(row)) if (v !== null) fields.add(k);
      return [...fields].sort();
    };
    expect(used('visits')).toEqual([...expected[privacyMode].visits].sort());
    expect(used('events')).toEqual([...expected[privacyMode].events].sort());
    if (privacyMode === 'paranoid') {
      // The browser's session id is not kept: visits are grouped on the server.
      const sessions = db
        .prepare('SELECT session FROM visits')
        .all()
        .map((r) => r.session);
      expect(sessions).not.toContain('sess1');
    }
    db.close();
  });
});

describe('what each mode looks up', () => {
  it.each([
    ['standard', 1],
    ['strict', 1],
    ['paranoid', 0],
  ] as const)('in %s mode the address goes to geolocation %i time(s)', async (privacyMode, lookups) => {
    const asked: string[] = [];
    const geo = (ip: string) => {
      asked.push(ip);
      return { country: 'GB' };
    };
    h = await harness({ privacyMode, trustedProxies: '127.0.0.1' }, { geo });
    expect((await h.send(pageview(), { ip: '127.0.0.1', headers: { 'x-forwarded-for': LONDON_IP } })).status).toBe(202);
    expect(asked).toEqual(Array(lookups).fill(LONDON_IP));
  });
});

describe('privacy modes store exactly their fields (clickhouse)', () => {
  // `writer`: the storing instance's random id (live-tail.ts), nothing of the visitor's.
  const always = ['ts', 'bucket', 'session', 'visitor', 'seq', 'writer', 'kind', 'path'];
  const standard = [
    ...always,
    'hostname',
    'referrer',
    'source',
    'utm_source',
    'country',
    'region',
    'city',
    'browser',
    'os',
    'device',
    'name',
    'prop_keys',
    'prop_values',
    'engaged',
    'scroll',
  ];
  const expected = {
    standard,
    strict: standard.filter((f) => f !== 'region' && f !== 'city'),
    paranoid: [...always, 'name'],
  };

  it.each(PRIVACY_MODES)('%s', async (privacyMode) => {
    h = await harness({ storage: 'clickhouse', privacyMode, geoDb: GEO_DB, trustedProxies: '127.0.0.1' });
    await sendAll(h, LONDON_IP);
    const { url } = await sharedClickHouse();
    const database = h.ff.options.clickhouse!.database;
    const query = async (sql: string) =>
      (await (await fetch(`${url}/?database=${database}`, { method: 'POST', body: `${sql} FORMAT JSONEachRow` })).text())
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const fields = new Set<string>();
    for (const row of await query('SELECT * FROM events')) {
      for (const [k, v] of Object.entries(row)) if (v !== null && v !== '' && v !== 0 && v !== '0' && !(Array.isArray(v) && v.length === 0)) fields.add(k);
    }
    expect([...fields].sort()).toEqual([...expected[privacyMode]].sort());
    if (privacyMode === 'paranoid') expect((await query('SELECT DISTINCT session FROM events')).map((r) => r.session)).not.toContain('sess1');
  });
});

describe('salt rotation', () => {
  it.each(STORAGE_ENGINES)("destroys the ended bucket's salt on disk (%s), keeps the data, and re-hashes visitors", async (storage) => {
    h = await harness({ storage, publicDashboard: true });
    await h.send(pageview(), { ip: LONDON_IP });
    const salt = Buffer.from(await h.ff.store.salt(Date.UTC(2026, 2, 10)));
    // The search below can only pass by the salt being gone if it finds the salt before rotation.
    expect(saltForms(salt).some((form) => readAll(h.files()).includes(form))).toBe(true);

    h.clock.now += DAY;
    await h.ff.maintain();
    const disk = readAll(h.files());
    for (const form of saltForms(salt)) expect(disk.includes(form)).toBe(false);

    // Same IP and browser the next day: a different hash, so two visitors over the two days.
    await h.send(pageview('https://site.test/', { s: 'sess2' }), { ip: LONDON_IP });
    expect(await h.api('summary?period=7d')).toMatchObject({ visitors: 2, pageviews: 2 });
  });

  it('rotates on the first event of a new bucket even without the timer', async () => {
    h = await harness({ hashRotationHours: 1 });
    await h.send(pageview());
    const salt = Buffer.from(await h.ff.store.salt(Date.UTC(2026, 2, 10, 12)));
    h.clock.now += 3_600_000;
    await h.send(pageview());
    expect(readAll(h.files()).includes(salt)).toBe(false);
  });
});

describe('client IP and geolocation', () => {
  const country = async (h: Harness) => (await h.api<{ results: { value: string }[] }>('breakdown?property=country&period=today')).results.map((r) => r.value);

  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    h = await harness({ geoDb: GEO_DB, publicDashboard: true });
    await h.send(pageview(), { ip: '127.0.0.1', headers: { 'x-forwarded-for': LONDON_IP } });
    expect(await country(h)).toEqual([]);
  });

  it('reads X-Forwarded-For right to left through trusted proxies only', async () => {
    h = await harness({ geoDb: GEO_DB, publicDashboard: true, trustedProxies: ['10.0.0.0/8', '127.0.0.1'] });
    // The client wrote a fake left-most entry; the trusted chain ends at the London address.
    await h.send(pageview(), { ip: '127.0.0.1', headers: { 'x-forwarded-for': `1.1.1.1, ${LONDON_IP}, 10.1.2.3` } });
    expect(await country(h)).toEqual(['GB']);
  });

  it('believes the asserted IP of a server-side call with the server key', async () => {
    h = await harness({ geoDb: GEO_DB, publicDashboard: true, serverKey: 'k'.repeat(32) });
    await h.send({ type: 'page_view', url: 'https://site.test/' }, { ip: '198.51.100.7', headers: { 'x-forwarded-for': LONDON_IP, authorization: `Bearer ${'k'.repeat(32)}` } });
    await h.send({ type: 'page_view', url: 'https://site.test/' }, { ip: '198.51.100.7', headers: { 'x-forwarded-for': LONDON_IP, authorization: 'Bearer wrong' } });
    expect(await h.api<{ results: unknown[] }>('breakdown?property=country&period=today')).toMatchObject({ results: [{ value: 'GB', pageviews: 1 }] });
  });

  it('puts a Zenovay-shaped server-side event from a trusted proxy in the country and city breakdowns', async () => {
    h = await harness({ geoDb: GEO_DB, publicDashboard: true, trustedProxies: '127.0.0.1' });
    const res = await h.send({ type: 'page_view', url: 'https://yoursite.com/page' }, { ip: '127.0.0.1', headers: { 'x-forwarded-for': LONDON_IP } });
    expect(res.status).toBe(202);
    expect(await h.api('breakdown?property=country&period=today')).toMatchObject({ results: [{ value: 'GB', visitors: 1, pageviews: 1 }] });
    expect(await h.api('breakdown?property=region&period=today')).toMatchObject({ results: [{ value: 'England', visitors: 1 }] });
    expect(await h.api('breakdown?property=city&period=today')).toMatchObject({ results: [{ value: 'London', visitors: 1, pageviews: 1 }] });
  });

  it('shows countries for public addresses with no geolocation set-up, from the built-in database', async () => {
    h = await harness({ publicDashboard: true });
    // Public resolvers and registries whose country the registries' data has long known.
    const addresses = { '8.8.8.8': 'US', '2001:4860:4860::8888': 'US', '1.1.1.1': 'AU', '193.0.6.139': 'NL', [LONDON_IP]: 'GB' };
    for (const [i, ip] of Object.keys(addresses).entries()) expect((await h.send(pageview(undefined, { s: `visit${i}` }), { ip })).status).toBe(202);
    const rows = (await h.api<{ results: { value: string; visitors: number }[] }>('breakdown?property=country&period=today')).results;
    expect(Object.fromEntries(rows.map((r) => [r.value, r.visitors]))).toEqual({ US: 2, AU: 1, NL: 1, GB: 1 });
    expect(Object.values(addresses).sort()).toEqual(['AU', 'GB', 'NL', 'US', 'US']);
    // Country precision only: no region or city is invented.
    expect((await h.api<{ results: unknown[] }>('breakdown?property=city&period=today')).results).toEqual([]);
  });

  it('never geolocates private or loopback addresses', async () => {
    h = await harness({ geoDb: GEO_DB, publicDashboard: true });
    for (const ip of ['127.0.0.1', '10.0.0.5', '192.168.1.1', '::1']) await h.send(pageview(), { ip });
    expect(await country(h)).toEqual([]);
  });
});

describe('public privacy statement', () => {
  it('is derived from the effective configuration', async () => {
    h = await harness({ privacyMode: 'strict', hashRotationHours: 12, retentionDays: 400, geoDb: GEO_DB });
    const facts = (await (await h.get('/_footfall/privacy?format=json')).json()) as Record<string, unknown>;
    expect(facts).toMatchObject({ privacy_mode: 'strict', retention_days: 400, geolocation: 'country', cookies: false, visitor_hash: { rotation_hours: 12 } });
    const page = await (await h.get('/_footfall/privacy')).text();
    expect(page).toContain('replaced every 12 hours');
    expect(page).toContain('older than 400 days');
    expect(page).not.toContain('the city');
  });

  it.each([
    ['standard', true],
    ['strict', true],
    ['paranoid', false],
  ] as const)('in %s mode lists scroll depth as stored: %s', async (privacyMode, listed) => {
    h = await harness({ privacyMode });
    const facts = (await (await h.get('/_footfall/privacy?format=json')).json()) as { stored: string[] };
    expect(facts.stored.includes('how far down the page was scrolled (a percentage)')).toBe(listed);
    expect(facts.stored.includes('time the page was visible')).toBe(listed);
  });

  it('says goals are counted from stored event names and paths, and that paranoid mode counts no revenue', async () => {
    const goals = ['Signup', { event: 'Purchase', revenue: 'amount' }, { page: '/blog/**' }];
    h = await harness({ goals });
    const facts = (await (await h.get('/_footfall/privacy?format=json')).json()) as { goals: string };
    expect(facts.goals).toBe(
      'Goals (Signup, Purchase, Visit /blog/**) are counted from the event names and page addresses already stored; nothing more is collected for them. Revenue is summed from the event property the site sends with the amount.',
    );
    expect(await (await h.get('/_footfall/privacy')).text()).toContain('<h2>Goals</h2>');
    await h.close();
    h = await harness({ goals, privacyMode: 'paranoid' });
    expect(((await (await h.get('/_footfall/privacy?format=json')).json()) as { goals: string }).goals).toContain(
      'Revenue is not counted: it comes from event properties, which the paranoid privacy mode does not store.',
    );
    await h.close();
    h = await harness();
    expect(await (await h.get('/_footfall/privacy?format=json')).json()).toMatchObject({ goals: null });
    expect(await (await h.get('/_footfall/privacy')).text()).not.toContain('Goals');
  });

  it('says geolocation is off when it is turned off', async () => {
    h = await harness({ geoDb: false });
    const facts = (await (await h.get('/_footfall/privacy?format=json')).json()) as { stored: string[] };
    expect(facts).toMatchObject({ geolocation: 'off', geolocation_database: null });
    expect(facts.stored).not.toContain('the country');
    expect(await (await h.get('/_footfall/privacy')).text()).toContain('Location is not determined.');
  });

  it('names the built-in country database when no database is configured, and claims no city', async () => {
    h = await harness();
    const facts = (await (await h.get('/_footfall/privacy?format=json')).json()) as { stored: string[] };
    expect(facts).toMatchObject({ geolocation: 'country', geolocation_database: expect.stringContaining('built-in ip-location-db') });
    expect(facts.stored).toContain('the country');
    expect(facts.stored).not.toContain('the city');
    expect(facts.stored).not.toContain('the region');
    expect(await (await h.get('/_footfall/privacy')).text()).toContain(
      'to country precision, in the built-in ip-location-db geo-whois-asn-country database (registry data by the NRO, nro.net, CC BY 4.0)',
    );
  });

  it('names the configured database files', async () => {
    h = await harness({ geoDb: GEO_DB });
    expect(await (await h.get('/_footfall/privacy?format=json')).json()).toMatchObject({
      geolocation: 'country, region and city',
      geolocation_database: 'GeoLite2-City-Test.mmdb',
    });
  });
});

// Keep the probe honest: the UA above must be one the collector accepts (not a bot), or the
// leak test would pass by dropping everything.
it('the probe user agent is counted, not dropped', async () => {
  h = await harness({ publicDashboard: true });
  const res = await h.send(pageview(), { headers: { 'user-agent': PROBE_UA } });
  expect(res.headers.get('x-footfall-dropped')).toBeNull();
  expect(readFileSync(join(h.dir, 'footfall.db')).length).toBeGreaterThan(0);
});
