import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouse, uniqueDatabase, type ClickHouseServer } from '../../../../../test/support/clickhouse-server.ts';
import { CHROME_UA } from '../../../../../test/support/kit.ts';
import { createFootfall, type Footfall } from '../../footfall.ts';
import { footfallMiddleware } from '../../node.ts';
import { resolveOptions, type ClickHouseSettings } from '../../options.ts';
import { ClickHouseStore } from './clickhouse-store.ts';
import { parseGoals } from '../../stats/goals.ts';
import type { StoredEvent } from '../../model/events.ts';
import type { Goal, StatsQuery } from '../../model/stats.ts';
import { MIGRATIONS } from './schema.ts';

/** What only this engine has: several instances on one server, and a server that goes away. */
let server: ClickHouseServer;
beforeAll(async () => {
  server = await startClickHouse();
});
afterAll(() => server.stop());

const settings = (database = uniqueDatabase()): ClickHouseSettings => ({ url: server.url, username: 'default', password: '', database });
const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);

/** A day of hand-made events: `event(session, ms into the day, path)`, a pageview from GB in Firefox unless `more` says otherwise. */
const DAY = Date.UTC(2026, 2, 10);
const GOALS = parseGoals(['Signup', { page: '/blog/**' }]) as readonly Goal[];
const event = (session: string, at: number, path: string, more: Partial<StoredEvent> = {}): StoredEvent => ({
  ts: DAY + at,
  kind: 'pageview',
  bucket: DAY,
  visitor: session.padStart(32, '0'),
  session,
  path,
  country: 'GB',
  browser: 'Firefox',
  ...more,
});

async function serve(ff: Footfall): Promise<{ origin: string; close(): Promise<void> }> {
  const http: Server = createServer(footfallMiddleware(ff));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}

describe('several Footfall servers sharing one ClickHouse', () => {
  it('count one visitor browsing through both as 1 visitor and 1 visit, and show the same numbers', async () => {
    const database = uniqueDatabase();
    const dirs = [mkdtempSync(join(tmpdir(), 'footfall-a-')), mkdtempSync(join(tmpdir(), 'footfall-b-'))];
    const env = { FOOTFALL_STORAGE: 'clickhouse', FOOTFALL_CLICKHOUSE_URL: `${server.url}/${database}` };
    const instances = await Promise.all(
      dirs.map((dataDir) => createFootfall({ dataDir, timezone: 'UTC', publicDashboard: true }, { env, now: () => NOW, timers: false, log: () => {} })),
    );
    const servers = await Promise.all(instances.map(serve));
    try {
      expect(instances.map((ff) => ff.store.engine)).toEqual(['clickhouse', 'clickhouse']);
      const beacon = (origin: string, url: string) =>
        fetch(`${origin}/_footfall/e`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA },
          body: JSON.stringify({ k: 'p', u: url, s: 'visit-1', r: 'https://news.example.org/' }),
        });
      // Both instances meet the new bucket at once: they must settle on one salt.
      const first = await Promise.all([beacon(servers[0]!.origin, 'https://site.test/'), beacon(servers[1]!.origin, 'https://site.test/pricing')]);
      expect(first.map((r) => r.status)).toEqual([202, 202]);
      expect((await beacon(servers[1]!.origin, 'https://site.test/docs')).status).toBe(202);
      const summaries = await Promise.all(servers.map(async (s) => (await fetch(`${s.origin}/_analytics/api/summary?period=today`)).json()));
      expect(summaries[0]).toMatchObject({ visitors: 1, visits: 1, pageviews: 3 });
      expect(summaries[1]).toEqual(summaries[0]);
      const pages = await Promise.all(servers.map(async (s) => (await fetch(`${s.origin}/_analytics/api/breakdown?property=page&period=today`)).json()));
      expect(pages[1]).toEqual(pages[0]);
      expect((pages[0] as { results: unknown[] }).results).toHaveLength(3);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
      await Promise.all(instances.map((ff) => ff.close()));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });

  it("agree on a new bucket's salt when they create it at the same moment", async () => {
    const database = uniqueDatabase();
    const stores = await Promise.all([0, 1, 2].map(() => ClickHouseStore.open(settings(database), { saltSettleMs: 300 })));
    try {
      const salts = await Promise.all(stores.map((s) => s.salt(NOW)));
      expect(Buffer.from(salts[1]!).equals(Buffer.from(salts[0]!))).toBe(true);
      expect(Buffer.from(salts[2]!).equals(Buffer.from(salts[0]!))).toBe(true);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

describe('a database an older version created', () => {
  it('is upgraded for scroll depth, by two instances migrating at once', async () => {
    const database = uniqueDatabase();
    const sql = async (query: string) => {
      const res = await fetch(`${server.url}/?database=${query.startsWith('CREATE DATABASE') ? 'default' : database}`, { method: 'POST', body: query });
      expect(res.status, `${query}: ${await res.clone().text()}`).toBe(200);
      return res.text();
    };
    // Versions 1 and 2, as an older Footfall left them, with a sealed-era event.
    await sql(`CREATE DATABASE ${database}`);
    await sql('CREATE TABLE schema_version (version UInt32) ENGINE = MergeTree ORDER BY version');
    for (const statement of [...(await MIGRATIONS[0]!(undefined as never)), ...(await MIGRATIONS[1]!(undefined as never))]) await sql(statement);
    await sql('INSERT INTO schema_version VALUES (1), (2)');
    const B = Date.UTC(2026, 2, 10);
    await sql(`INSERT INTO events (ts, bucket, session, visitor, seq, kind, path, engaged) VALUES (${B + 1000}, ${B}, 'old', '${'e'.repeat(32)}', 1, 0, '/a', 0)`);

    const [a, b] = await Promise.all([ClickHouseStore.open(settings(database)), ClickHouseStore.open(settings(database))]);
    try {
      const visitor = 'f'.repeat(32);
      await a.append([
        { ts: B + 2000, kind: 'pageview', bucket: B, visitor, session: 'new', path: '/a' },
        { ts: B + 3000, kind: 'engagement', bucket: B, visitor, session: 'new', path: '/a', engaged: 1000, scroll: 64 },
      ]);
      const day = { from: B, to: B + 86_400_000, filters: [] };
      expect(await b.breakdown(day, 'page', 10)).toMatchObject([{ value: '/a', visits: 2, scroll_depth: 64 }]);
      await b.seal(B + 86_400_000);
      expect(await a.breakdown(day, 'page', 10)).toMatchObject([{ value: '/a', visits: 2, scroll_depth: 64 }]);
      expect((await sql('SELECT version FROM schema_version ORDER BY version FORMAT CSV')).trim().split('\n').map(Number).at(-1)).toBe(MIGRATIONS.length);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('answers kept from sealed days', () => {
  it("a page goal's totals of a sealed day are read once, then every instance finds them, restarts included", async () => {
    const database = uniqueDatabase();
    const day = Date.UTC(2026, 2, 9);
    const goals = parseGoals([{ page: '/blog/**' }]) as readonly Goal[];
    const view = (session: string, visitor: string, path: string, at: number): StoredEvent => ({ ts: day + at, kind: 'pageview', bucket: day, visitor, session, path });
    const first = await ClickHouseStore.open(settings(database), { saltSettleMs: 50 });
    await first.append([view('s1', 'a'.repeat(32), '/', 1000), view('s1', 'a'.repeat(32), '/blog/x', 2000), view('s2', 'b'.repeat(32), '/blog/y', 3000)]);
    await first.seal(day + 86_400_000);
    const q: StatsQuery = { from: day, to: day + 86_400_000, filters: [{ property: 'goal', values: ['Visit /blog/**'] }], goals };
    const answer = await first.totals(q);
    expect(answer).toMatchObject({ visitors: 2, visits: 2, pageviews: 2 });
    // The day's raw events are gone (a partition dropped): only the kept answer still knows them.
    await first.connection.command('ALTER TABLE events DROP PARTITION 202603', true);
    await first.close();
    const restarted = await ClickHouseStore.open(settings(database), { saltSettleMs: 50 });
    try {
      expect(await restarted.totals({ ...q, from: day + 1 })).toMatchObject({ visits: 0 }); // a partial day reads raw events: none
      expect(await restarted.totals({ ...q, filters: [] })).toMatchObject({ visitors: 2 }); // from rollups
      expect(await restarted.totals(q)).toEqual(answer);
      expect((await restarted.breakdown({ ...q, filters: [] }, 'goal', 10))[0]).toMatchObject({ value: 'Visit /blog/**', visitors: 2, visits: 2 });
    } finally {
      await restarted.close();
    }
  });
});

describe("a dashboard page's questions over today", () => {
  it('that need visits are answered by one query when asked at once, with the answers each gets alone', async () => {
    // Without live rollups, as a range's raw edges (a comparison's partial day) are still asked.
    const store = await ClickHouseStore.open(settings(), { saltSettleMs: 50, live: false });
    try {
      const us = { country: 'US' } as const;
      await store.append([
        event('s1', 1000, '/'),
        event('s1', 2000, '/blog/a'),
        event('s2', 3000, '/pricing', { source: 'Google', ...us }),
        event('s2', 4000, '/pricing', { kind: 'event', name: 'Signup', ...us }),
        event('s3', 5000, '/blog/b', { source: 'Google', ...us }),
      ]);
      const q: StatsQuery = { from: DAY, to: DAY + 86_400_000, filters: [], goals: GOALS };
      const ask = () =>
        Promise.all([
          store.totals(q),
          store.breakdown(q, 'source', 10),
          store.breakdown(q, 'country', 10),
          store.breakdown(q, 'browser', 10),
          store.breakdown(q, 'entry_page', 10),
          store.breakdown(q, 'goal', 10),
        ]);
      const alone = [];
      for (const question of [() => store.totals(q), ...(['source', 'country', 'browser', 'entry_page', 'goal'] as const).map((p) => () => store.breakdown(q, p, 10))]) {
        alone.push(await question());
      }
      const rows = store.connection.rows.bind(store.connection);
      let raw = 0;
      store.connection.rows = (sql, slow) => {
        if (sql.includes('GROUP BY bucket, session')) raw++;
        return rows(sql, slow);
      };
      const together = await ask();
      expect(together).toEqual(alone);
      expect(raw).toBe(1);
      expect(together[0]).toMatchObject({ visitors: 3, visits: 3, pageviews: 4, events: 1 });
      expect(together[5]).toEqual(
        expect.arrayContaining([expect.objectContaining({ value: 'Signup', visits: 1 }), expect.objectContaining({ value: 'Visit /blog/**', visits: 2 })]),
      );
    } finally {
      await store.close();
    }
  });
});

describe("the open bucket's live rollups", () => {
  const day = DAY;
  const today: StatsQuery = { from: day, to: day + 86_400_000, filters: [], goals: GOALS };
  /**
   * A dashboard's questions about today, filtered ones included, once the instance's live
   * rollups are loaded (until then it answers in SQL).
   */
  const page = async (store: ClickHouseStore) => {
    await store.live();
    return askPage(store);
  };
  const askPage = (store: ClickHouseStore) =>
    Promise.all([
      store.totals(today),
      store.totals({ ...today, filters: [{ property: 'goal', values: ['Visit /blog/**'] }] }),
      store.totals({ ...today, filters: [{ property: 'country', values: ['GB', 'FR'] }] }),
      store.timeseries(
        today,
        [0, 6, 12, 18].map((h) => ({ label: `${h}`, start: day + h * 3_600_000, end: day + (h + 6) * 3_600_000 })),
      ),
      ...(['page', 'entry_page', 'exit_page', 'country', 'source', 'goal'] as const).map((p) => store.breakdown(today, p, 10)),
      store.breakdown({ ...today, filters: [{ property: 'page', values: ['/blog/a'] }] }, 'country', 10),
      store.propKeys(today, 10),
    ]);
  /** An instance with live rollups and one answering in SQL only, on a new database. */
  const liveAndSql = () => {
    const database = uniqueDatabase();
    return Promise.all([ClickHouseStore.open(settings(database), { saltSettleMs: 50 }), ClickHouseStore.open(settings(database), { saltSettleMs: 50, live: false })]);
  };
  /** Counts the SQL statements that group raw events into visits, and the live rollups' syncs. */
  const counted = (store: ClickHouseStore) => {
    const rows = store.connection.rows.bind(store.connection);
    const n = { raw: 0, syncs: 0 };
    store.connection.rows = (sql, slow) => {
      if (sql.includes('GROUP BY bucket, session')) n.raw++;
      if (sql.includes('GROUP BY writer')) n.syncs++;
      return rows(sql, slow);
    };
    return n;
  };

  it("take in every instance's rows, answer as SQL does, and read no raw events for today", async () => {
    const database = uniqueDatabase();
    const [a, b, sql] = await Promise.all([
      ClickHouseStore.open(settings(database), { saltSettleMs: 50 }),
      ClickHouseStore.open(settings(database), { saltSettleMs: 50 }),
      ClickHouseStore.open(settings(database), { saltSettleMs: 50, live: false }),
    ]);
    try {
      await a.append([event('s1', 1000, '/'), event('s1', 2000, '/blog/a'), event('s2', 3000, '/pricing', { source: 'Google', country: 'FR' })]);
      await b.append([event('s2', 4000, '/pricing', { kind: 'event', name: 'Signup', props: { plan: 'pro' } }), event('s3', 5000, '/blog/b', { source: 'Google' })]);
      expect(await page(a)).toEqual(await page(sql));
      expect(await page(b)).toEqual(await page(sql));
      expect((await a.totals(today)).visits).toBe(3);
      // Later rows of both, one visit going on through the other instance.
      await b.append([event('s1', 7 * 3_600_000, '/blog/c'), event('s4', 7 * 3_600_000, '/', { country: 'FR' })]);
      await a.append([event('s4', 7 * 3_600_000 + 10_000, '/blog/a'), event('s4', 7 * 3_600_000 + 20_000, '/blog/a', { kind: 'engagement', engaged: 5000, scroll: 80 })]);
      const n = counted(a);
      const answers = await page(a);
      expect(answers).toEqual(await page(sql));
      // One sync for live() before the page, one shared by the page's questions.
      expect(n).toEqual({ raw: 0, syncs: 2 });
      expect(answers[0]).toMatchObject({ visitors: 4, visits: 4, pageviews: 7, events: 1 });
      expect((await a.live()).within(-Infinity, Infinity).map((l) => l.start)).toEqual([day]);
    } finally {
      await Promise.all([a.close(), b.close(), sql.close()]);
    }
  });

  it('take in rows numbered past 2^53 (copied or imported ones may be) once, without loading again', async () => {
    const [a, sql] = await liveAndSql();
    try {
      const big = 17962326367739928n; // above Number.MAX_SAFE_INTEGER: as a number it would round
      const row = (session: string, at: number, seq: bigint) => ({
        ts: day + at,
        bucket: day,
        session,
        visitor: session.padStart(32, '0'),
        seq: String(seq),
        writer: 0,
        kind: 0,
        path: '/',
      });
      await a.connection.insert('events', [row('s1', 1000, big), row('s1', 2000, big + 1n), row('s2', 3000, big + 3n)]);
      expect(await page(a)).toEqual(await page(sql));
      await a.connection.insert('events', [row('s2', 4000, big + 5n)]);
      const n = counted(a);
      const rows = a.connection.rows.bind(a.connection);
      let loads = 0;
      a.connection.rows = (q, slow) => {
        if (q.includes('FROM sealed')) loads++;
        return rows(q, slow);
      };
      expect(await page(a)).toEqual(await page(sql));
      expect(await page(a)).toEqual(await page(sql));
      expect({ ...n, loads }).toEqual({ raw: 0, syncs: 4, loads: 0 });
    } finally {
      await Promise.all([a.close(), sql.close()]);
    }
  });

  it('answer in SQL while today is being loaded, without waiting for it', async () => {
    const database = uniqueDatabase();
    const sql = await ClickHouseStore.open(settings(database), { saltSettleMs: 50, live: false });
    await sql.append([event('s1', 1000, '/'), event('s1', 2000, '/blog/a'), event('s2', 3000, '/pricing')]);
    const a = await ClickHouseStore.open(settings(database), { saltSettleMs: 50 });
    try {
      // The instance started loading as it opened; its first page does not wait for that.
      const n = counted(a);
      const first = await askPage(a);
      expect(first).toEqual(await askPage(sql));
      expect(n.raw).toBeGreaterThan(0);
      // Loaded, the same questions read no raw events.
      await a.live();
      const m = counted(a);
      expect(await askPage(a)).toEqual(first);
      expect(m.raw).toBe(0);
    } finally {
      await Promise.all([a.close(), sql.close()]);
    }
  });

  it("load again when rows change behind their back: a visit's earlier row landing late, rows deleted", async () => {
    const [a, sql] = await liveAndSql();
    try {
      await a.append([event('s1', 60_000, '/blog/a'), event('s1', 120_000, '/pricing'), event('s2', 130_000, '/', { country: 'US' })]);
      expect(await page(a)).toEqual(await page(sql));
      // An INSERT that timed out here but landed later: s1's first row, with other attributes.
      await a.connection.insert('events', [
        { ts: day + 1000, bucket: day, session: 's1', visitor: 's1'.padStart(32, '0'), seq: 1, writer: 0, kind: 0, path: '/', country: 'FR', browser: 'Safari' },
      ]);
      const late = await page(a);
      expect(late).toEqual(await page(sql));
      expect(late[7]).toEqual(expect.arrayContaining([expect.objectContaining({ value: 'FR', visits: 1 })]));
      // Retention or an import deleting rows of the open bucket.
      await a.connection.command("ALTER TABLE events DELETE WHERE session = 's2'");
      while ((await a.connection.rows<{ n: string }>('SELECT count() AS n FROM system.mutations WHERE database = currentDatabase() AND is_done = 0'))[0]!.n !== '0')
        await new Promise((r) => setTimeout(r, 50));
      const deleted = await page(a);
      expect(deleted).toEqual(await page(sql));
      expect(deleted[0]).toMatchObject({ visitors: 1, visits: 1 });
    } finally {
      await Promise.all([a.close(), sql.close()]);
    }
  });
});

describe('when ClickHouse is unreachable', () => {
  it('answers 503 with Retry-After, acknowledges nothing unsaved, and reconnects by itself', async () => {
    const store = await ClickHouseStore.open(settings(), { requestTimeoutMs: 1500, saltSettleMs: 50 });
    const dataDir = mkdtempSync(join(tmpdir(), 'footfall-outage-'));
    const ff = await createFootfall({ dataDir, timezone: 'UTC', publicDashboard: true }, { env: {}, now: () => NOW, timers: false, log: () => {}, store });
    const send = (s: string) =>
      ff.fetch(
        new Request('http://site.test/_footfall/e', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': CHROME_UA },
          body: JSON.stringify({ k: 'p', u: 'https://site.test/', s }),
        }),
        { clientAddress: '203.0.113.9' },
      );
    try {
      expect((await send('before')).status).toBe(202);
      server.pause();
      let down: Response;
      try {
        down = await send('during');
      } finally {
        server.resume();
      }
      expect(down.status).toBe(503);
      expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
      // No restart, no reconnect call: the next event simply goes through.
      expect((await send('after')).status).toBe(202);
      const summary = await (await ff.fetch(new Request('http://site.test/_analytics/api/summary?period=today'), { clientAddress: '127.0.0.1' })).json();
      // Both acknowledged events are there (the refused one may or may not have landed).
      expect((summary as { visits: number }).visits).toBeGreaterThanOrEqual(2);
    } finally {
      await ff.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a message naming the server', async () => {
    await expect(ClickHouseStore.open({ url: 'http://127.0.0.1:9', username: 'default', password: '', database: 'x' }, { requestTimeoutMs: 1000 })).rejects.toThrow(
      /cannot reach ClickHouse at http:\/\/127\.0\.0\.1:9/,
    );
  });
});

describe('FOOTFALL_CLICKHOUSE_* settings', () => {
  const resolve = (env: Record<string, string>) => resolveOptions({}, { FOOTFALL_STORAGE: 'clickhouse', ...env }, '/srv');

  it('take user, password and database from the URL or their own variables', () => {
    expect(resolve({ FOOTFALL_CLICKHOUSE_URL: 'https://ff:s%40cret@ch.example.com:8443/stats' }).clickhouse).toEqual({
      url: 'https://ch.example.com:8443',
      username: 'ff',
      password: 's@cret',
      database: 'stats',
    });
    expect(
      resolve({ FOOTFALL_CLICKHOUSE_URL: 'http://127.0.0.1:8123', FOOTFALL_CLICKHOUSE_USER: 'u', FOOTFALL_CLICKHOUSE_PASSWORD: 'p', FOOTFALL_CLICKHOUSE_DATABASE: 'db' })
        .clickhouse,
    ).toEqual({ url: 'http://127.0.0.1:8123', username: 'u', password: 'p', database: 'db' });
    expect(resolve({ FOOTFALL_CLICKHOUSE_URL: 'http://127.0.0.1:8123' }).clickhouse).toMatchObject({ username: 'default', password: '', database: 'footfall' });
    expect(resolveOptions({}, {}, '/srv').clickhouse).toBeUndefined();
  });

  it('are validated at start, never echoing the password', () => {
    expect(() => resolve({})).toThrow(/needs FOOTFALL_CLICKHOUSE_URL/);
    expect(() => resolve({ FOOTFALL_CLICKHOUSE_URL: 'tcp://u:hunter2@host:9000' })).toThrow(/http: or https:/);
    expect(() => resolve({ FOOTFALL_CLICKHOUSE_URL: 'tcp://u:hunter2@host:9000' })).not.toThrow(/hunter2/);
    expect(() => resolve({ FOOTFALL_CLICKHOUSE_URL: 'not a url' })).toThrow(/not a URL/);
    expect(() => resolve({ FOOTFALL_CLICKHOUSE_URL: 'http://h:8123', FOOTFALL_CLICKHOUSE_DATABASE: 'a;DROP' })).toThrow(/FOOTFALL_CLICKHOUSE_DATABASE|letters, digits/);
  });
});
