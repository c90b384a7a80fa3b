import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedClickHouse, uniqueDatabase } from '../../../../test/support/clickhouse-server.ts';
import { storedBytes } from '../../../../test/support/stored-bytes.ts';
import { ClickHouseStore } from './clickhouse/clickhouse-store.ts';
import { JsonStore } from './json/json-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import { ENGINES as REGISTERED } from './engines.ts';
import type { HistoryImport, Store } from './types.ts';
import { type StoredEvent, VISIT_ATTRIBUTES } from '../model/events.ts';
import type { Goal, StatsQuery } from '../model/stats.ts';
import { goalConversions, parseGoals } from '../stats/goals.ts';

/**
 * The one storage contract, run against every engine (FOOTFALL_TEST_ENGINES=sqlite,json picks).
 * The scripted data below has hand-computed answers for every metric definition (stats/compute.ts states them; README.md documents them).
 */
const ENGINES: Record<string, (dir: string) => Promise<Store>> = {
  sqlite: async (dir) => new SqliteStore(dir),
  json: (dir) => JsonStore.open(dir),
  // A real server (scripts/install-system-deps.sh installs it), one fresh database per test.
  clickhouse: async (dir) => ClickHouseStore.open({ url: (await sharedClickHouse()).url, username: 'default', password: '', database: databaseOf(dir) }, { saltSettleMs: 50 }),
};
const selected = (process.env.FOOTFALL_TEST_ENGINES ?? 'sqlite,json,clickhouse').split(',');
const databases = new Map<string, string>();
const databaseOf = (dir: string) => databases.get(dir) ?? databases.set(dir, uniqueDatabase()).get(dir)!;
/** The files an engine keeps: its directory, or the server's data directory. */
const diskOf = async (engine: string, dir: string) => (engine === 'clickhouse' ? (await sharedClickHouse()).files() : filesUnder(dir));
afterAll(async () => {
  if (selected.includes('clickhouse')) await (await sharedClickHouse()).stop();
});

const T0 = Date.UTC(2026, 2, 10, 10, 0, 0);
const DAY = { from: Date.UTC(2026, 2, 10), to: Date.UTC(2026, 2, 11), filters: [] };
const B = Date.UTC(2026, 2, 10);
const s = 1000;
const VA = 'a'.repeat(32);
const VB = 'b'.repeat(32);
const google = { source: 'Google', referrer: 'google.com', country: 'GB', browser: 'Chrome' };

/** Visit A: two pages, 30 s engaged on the last, a signup. B: one page, 20 s. C: A's visitor, one page. */
const EVENTS: StoredEvent[] = [
  { ts: T0, kind: 'pageview', bucket: B, visitor: VA, session: 'sa', path: '/', ...google },
  { ts: T0 + 60 * s, kind: 'pageview', bucket: B, visitor: VA, session: 'sa', path: '/blog', ...google },
  { ts: T0 + 90 * s, kind: 'engagement', bucket: B, visitor: VA, session: 'sa', path: '/blog', engaged: 30_000 },
  { ts: T0 + 100 * s, kind: 'event', bucket: B, visitor: VA, session: 'sa', path: '/blog', name: 'Signup', props: { plan: 'pro' } },
  { ts: T0 + 600 * s, kind: 'pageview', bucket: B, visitor: VB, session: 'sb', path: '/blog', country: 'US', browser: 'Firefox' },
  { ts: T0 + 620 * s, kind: 'engagement', bucket: B, visitor: VB, session: 'sb', path: '/blog', engaged: 20_000 },
  { ts: T0 + 7200 * s, kind: 'pageview', bucket: B, visitor: VA, session: 'sc', path: '/', country: 'GB', browser: 'Chrome' },
];

/** Goals over two days: the first sealed (rollups), the second open. See the test for the answers. */
const GOALS = parseGoals(['Signup', { event: 'Purchase', revenue: 'amount' }, { page: '/blog/**' }, { page: '/docs/*' }]) as readonly Goal[];
const B2 = B + 86_400_000;
const T1 = T0 + 86_400_000;
const goalEvent = (ts: number, bucket: number, visitor: string, session: string, path: string, country: string, name?: string, props?: Record<string, string>): StoredEvent => ({
  ts,
  kind: name ? 'event' : 'pageview',
  bucket,
  visitor,
  session,
  path,
  country,
  ...(name ? { name } : {}),
  ...(props ? { props } : {}),
});
const GOAL_EVENTS: StoredEvent[] = [
  // Day 1. V1 (GB): the root, two blog pages, a signup and a purchase of 10.50.
  goalEvent(T0, B, VA, 'g1', '/', 'GB'),
  goalEvent(T0 + 10 * s, B, VA, 'g1', '/blog/a', 'GB'),
  goalEvent(T0 + 20 * s, B, VA, 'g1', '/blog/a/b', 'GB'),
  goalEvent(T0 + 30 * s, B, VA, 'g1', '/blog/a/b', 'GB', 'Signup'),
  goalEvent(T0 + 40 * s, B, VA, 'g1', '/blog/a/b', 'GB', 'Purchase', { amount: '10.50' }),
  // V2 (US): a docs page and one deeper (not /docs/*), purchases of "abc" (no number) and 4.25.
  goalEvent(T0 + 50 * s, B, VB, 'g2', '/docs/x', 'US'),
  goalEvent(T0 + 60 * s, B, VB, 'g2', '/docs/x/y', 'US'),
  goalEvent(T0 + 70 * s, B, VB, 'g2', '/docs/x/y', 'US', 'Purchase', { amount: 'abc' }),
  goalEvent(T0 + 80 * s, B, VB, 'g2', '/docs/x/y', 'US', 'Purchase', { amount: '4.25' }),
  // V3 (US): /blog itself (** is zero segments too) and /about.
  goalEvent(T0 + 90 * s, B, 'c'.repeat(32), 'g3', '/blog', 'US'),
  goalEvent(T0 + 100 * s, B, 'c'.repeat(32), 'g3', '/about', 'US'),
  // Day 2. V4 (US): /blog/ and two signups. V5 (GB): purchases of 20 and one without an amount.
  goalEvent(T1, B2, 'd'.repeat(32), 'g4', '/blog/', 'US'),
  goalEvent(T1 + 10 * s, B2, 'd'.repeat(32), 'g4', '/blog/', 'US', 'Signup'),
  goalEvent(T1 + 20 * s, B2, 'd'.repeat(32), 'g4', '/blog/', 'US', 'Signup'),
  goalEvent(T1 + 30 * s, B2, 'e'.repeat(32), 'g5', '/', 'GB'),
  goalEvent(T1 + 40 * s, B2, 'e'.repeat(32), 'g5', '/', 'GB', 'Purchase', { amount: '20' }),
  goalEvent(T1 + 50 * s, B2, 'e'.repeat(32), 'g5', '/', 'GB', 'Purchase', { other: '1' }),
];
const TWO_DAYS: StatsQuery = { from: B, to: B2 + 86_400_000, filters: [], goals: GOALS };

describe.each(Object.keys(ENGINES).filter((e) => selected.includes(e)))('store contract: %s', (engine) => {
  let dir: string;
  let store: Store;
  const open = () => ENGINES[engine]!(dir);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), `footfall-${engine}-`));
    store = await open();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('computes every summary metric as the metric definitions say', async () => {
    await store.append(EVENTS);
    expect(await store.totals(DAY)).toEqual({
      visitors: 2,
      visits: 3,
      pageviews: 4,
      events: 1,
      bounces: 2,
      visitPageviews: 4,
      // A: 100 s between first and last event + 30 s engaged after its last pageview; B: 20 s; C: 0.
      durationMs: 150_000,
    });
  });

  it('filters events by page and whole visits by source or entry page', async () => {
    await store.append(EVENTS);
    const page = await store.totals({ ...DAY, filters: [{ property: 'page', values: ['/blog'] }] });
    expect(page).toMatchObject({ visitors: 2, visits: 2, pageviews: 2, events: 1, bounces: 1, visitPageviews: 3 });
    const source = await store.totals({ ...DAY, filters: [{ property: 'source', values: ['Google'] }] });
    expect(source).toMatchObject({ visitors: 1, visits: 1, pageviews: 2, events: 1 });
    const direct = await store.totals({ ...DAY, filters: [{ property: 'source', values: ['Direct / None'] }] });
    expect(direct).toMatchObject({ visitors: 2, visits: 2, pageviews: 2 });
    const entry = await store.totals({ ...DAY, filters: [{ property: 'entry_page', values: ['/'] }] });
    expect(entry).toMatchObject({ visitors: 1, visits: 2, pageviews: 3 });
    const both = await store.totals({
      ...DAY,
      filters: [
        { property: 'country', values: ['GB', 'US'] },
        { property: 'browser', values: ['Firefox'] },
      ],
    });
    expect(both).toMatchObject({ visitors: 1, visits: 1, pageviews: 1 });
  });

  it('breaks down by page with time on page, by source, event and prop', async () => {
    await store.append(EVENTS);
    expect(await store.breakdown(DAY, 'page', 10)).toEqual([
      { value: '/blog', visitors: 2, visits: 2, pageviews: 2, events: 1, time_on_page: 25, scroll_depth: null },
      { value: '/', visitors: 1, visits: 2, pageviews: 2, events: 0, time_on_page: 0, scroll_depth: null },
    ]);
    expect(await store.breakdown(DAY, 'source', 10)).toEqual([
      { value: 'Direct / None', visitors: 2, visits: 2, pageviews: 2, events: 0 },
      { value: 'Google', visitors: 1, visits: 1, pageviews: 2, events: 1 },
    ]);
    expect(await store.breakdown(DAY, 'event', 10)).toEqual([{ value: 'Signup', visitors: 1, visits: 1, pageviews: 0, events: 1 }]);
    expect(await store.breakdown(DAY, 'prop:plan', 10)).toEqual([{ value: 'pro', visitors: 1, visits: 1, pageviews: 0, events: 1 }]);
    expect(await store.breakdown(DAY, 'exit_page', 10)).toEqual([
      { value: '/blog', visitors: 2, visits: 2, pageviews: 3, events: 1 },
      { value: '/', visitors: 1, visits: 1, pageviews: 1, events: 0 },
    ]);
    expect(await store.breakdown(DAY, 'page', 1)).toHaveLength(1);
  });

  it("answers scroll depth per page: each visit's deepest report, averaged, open and sealed alike", async () => {
    const e = (ts: number, kind: StoredEvent['kind'], visitor: string, session: string, path: string, more: Partial<StoredEvent> = {}): StoredEvent => ({
      ts: T0 + ts * s,
      kind,
      bucket: B,
      visitor,
      session,
      path,
      country: visitor === VA ? 'GB' : 'US',
      ...more,
    });
    await store.append([
      // x: three reports on /a, the deepest 70 (reports of one view only grow; a lower one is a re-view).
      e(0, 'pageview', VA, 'x', '/a'),
      e(10, 'engagement', VA, 'x', '/a', { engaged: 1000, scroll: 30 }),
      e(20, 'engagement', VA, 'x', '/a', { engaged: 1000, scroll: 70 }),
      e(30, 'engagement', VA, 'x', '/a', { engaged: 1000, scroll: 50 }),
      // y: /a read to the end, /b at 20.
      e(100, 'pageview', VB, 'y', '/a'),
      e(110, 'engagement', VB, 'y', '/a', { engaged: 1000, scroll: 100 }),
      e(200, 'pageview', VB, 'y', '/b'),
      e(210, 'engagement', VB, 'y', '/b', { engaged: 1000, scroll: 20 }),
      // z: a report on /b without a depth, and one on /a (which it has no pageview of) at 60.
      e(1000, 'pageview', VB, 'z', '/b'),
      e(1010, 'engagement', VB, 'z', '/b', { engaged: 1000 }),
      e(1020, 'engagement', VB, 'z', '/a', { engaged: 1000, scroll: 60 }),
      // w: /c, never reported; q: a report only (no pageview or event), which counts nowhere.
      e(2000, 'pageview', VA, 'w', '/c'),
      e(3000, 'engagement', VA, 'q', '/a', { engaged: 1000, scroll: 1 }),
    ]);
    const depths = async (q: StatsQuery) => Object.fromEntries((await store.breakdown(q, 'page', 10)).map((r) => [r.value, r.scroll_depth]));
    const check = async () => {
      // /a: (70 + 100 + 60) / 3 = 76.7; /b: y's 20 (z reported none); /c: none reported.
      expect(await depths(DAY)).toEqual({ '/a': 77, '/b': 20, '/c': null });
      expect(await depths({ ...DAY, filters: [{ property: 'country', values: ['US'] }] })).toEqual({ '/a': 80, '/b': 20 });
      expect(await depths({ ...DAY, filters: [{ property: 'page', values: ['/a'] }] })).toEqual({ '/a': 77 });
    };
    await check();
    await store.seal(B + 86_400_000);
    await check();
  });

  it('lists the prop keys of the matching custom events, most used first', async () => {
    const event = (ts: number, name: string, props: Record<string, string>): StoredEvent => ({ ts, kind: 'event', bucket: B, visitor: VB, session: 'sp', path: '/', name, props });
    await store.append([
      ...EVENTS,
      event(T0 + 1, 'Signup', { plan: 'team', via: 'footer' }),
      event(T0 + 2, 'Download', { file: 'a.pdf' }),
      event(T0 + 3, 'Signup', { via: 'hero' }),
    ]);
    expect(await store.propKeys(DAY, 10)).toEqual(['plan', 'via', 'file']);
    expect(await store.propKeys({ ...DAY, filters: [{ property: 'event', values: ['Signup'] }] }, 10)).toEqual(['plan', 'via']);
    expect(await store.propKeys({ ...DAY, filters: [{ property: 'event', values: ['Signup'] }] }, 1)).toEqual(['plan']);
    expect(await store.propKeys({ ...DAY, filters: [{ property: 'event', values: ['Nothing'] }] }, 10)).toEqual([]);
  });

  it('splits a time series into the given intervals', async () => {
    await store.append(EVENTS);
    const hour = (h: number) => ({ start: Date.UTC(2026, 2, 10, h), end: Date.UTC(2026, 2, 10, h + 1), label: `${h}` });
    const series = await store.timeseries(DAY, [hour(9), hour(10), hour(11), hour(12)]);
    expect(series).toEqual([
      { date: '9', visitors: 0, visits: 0, pageviews: 0 },
      { date: '10', visitors: 2, visits: 2, pageviews: 3 },
      { date: '11', visitors: 0, visits: 0, pageviews: 0 },
      { date: '12', visitors: 1, visits: 1, pageviews: 1 },
    ]);
  });

  it('counts realtime visitors and knows its earliest event', async () => {
    await store.append(EVENTS);
    expect(await store.realtime(T0 + 7000 * s)).toBe(1);
    expect(await store.realtime(T0)).toBe(2);
    expect(await store.earliest()).toBe(T0);
  });

  it('keeps appended events across a close and reopen, appending to the same visits', async () => {
    await store.append(EVENTS.slice(0, 3));
    await store.close();
    store = await open();
    await store.append(EVENTS.slice(3));
    expect(await store.totals(DAY)).toMatchObject({ visitors: 2, visits: 3, pageviews: 4, events: 1, durationMs: 150_000 });
  });

  it('keeps one salt per bucket across reopen and destroys old ones from its files', async () => {
    expect(await store.storedSalt(B)).toBeUndefined();
    const first = await store.salt(B);
    expect(Buffer.from((await store.storedSalt(B))!).equals(Buffer.from(first))).toBe(true);
    expect(first).toHaveLength(32);
    await store.close();
    store = await open();
    expect(Buffer.from(await store.salt(B)).equals(Buffer.from(first))).toBe(true);
    const next = await store.salt(B + 86_400_000);
    expect(Buffer.from(next).equals(Buffer.from(first))).toBe(false);
    await store.destroySaltsBefore(B + 86_400_000);
    const forms = [Buffer.from(first), Buffer.from(first).toString('base64'), Buffer.from(first).toString('hex'), Buffer.from(first).toString('hex').toUpperCase()];
    for (const file of await diskOf(engine, dir)) for (const form of forms) expect(storedBytes(file).includes(form), file).toBe(false);
    expect(Buffer.from(await store.salt(B + 86_400_000)).equals(Buffer.from(next))).toBe(true);
    expect(await store.storedSalt(B)).toBeUndefined();
  });

  it('exports a range of events as they were appended, each with its visit attributes', async () => {
    const scrolled: StoredEvent = { ts: T0 + 7300 * s, kind: 'engagement', bucket: B, visitor: VA, session: 'sc', path: '/', engaged: 5000, scroll: 40 };
    await store.append([...EVENTS, scrolled]);
    expect(await store.exportEvents(T0 + 60 * s, T0 + 7200 * s)).toEqual(EVENTS.slice(1, 6).map(withVisitAttributes));
    expect(await store.exportEvents(DAY.from, DAY.to)).toEqual([...EVENTS, scrolled].map(withVisitAttributes));
  });

  it('prunes events before a time and the visits of ended buckets', async () => {
    await store.append(EVENTS);
    const later: StoredEvent = { ts: T0 + 86_400_000, kind: 'pageview', bucket: B + 86_400_000, visitor: VB, session: 'sd', path: '/next' };
    await store.append([later]);
    expect(await store.prune(B + 86_400_000, B + 86_400_000)).toBe(EVENTS.length);
    expect(await store.totals({ from: 0, to: Number.MAX_SAFE_INTEGER, filters: [] })).toMatchObject({ visitors: 1, visits: 1, pageviews: 1 });
    expect(await store.earliest()).toBe(later.ts);
  });

  it('keeps several events of one visit in the same millisecond, in one commit or several', async () => {
    const e = (kind: 'pageview' | 'engagement'): StoredEvent => ({
      ts: T0,
      kind,
      bucket: B,
      visitor: VA,
      session: 'same',
      path: '/',
      ...(kind === 'engagement' ? { engaged: 1000 } : {}),
    });
    await store.append([e('engagement'), e('pageview')]);
    await store.append([e('pageview')]);
    expect(await store.totals(DAY)).toMatchObject({ visits: 1, pageviews: 2 });
  });

  it.each([
    ['unsealed', false],
    ['with the first day sealed', true],
  ])('answers goal conversions exactly (%s)', async (_, sealed) => {
    await store.append(GOAL_EVENTS);
    if (sealed) await store.seal(B2);
    expect(await store.breakdown(TWO_DAYS, 'goal', 10)).toEqual([
      { value: 'Visit /blog/**', visitors: 3, visits: 3, pageviews: 4, events: 0 },
      { value: 'Purchase', visitors: 3, visits: 3, pageviews: 0, events: 5, revenue: 34.75, revenue_events: 3 },
      { value: 'Signup', visitors: 2, visits: 2, pageviews: 0, events: 3 },
      { value: 'Visit /docs/*', visitors: 1, visits: 1, pageviews: 1, events: 0 },
    ]);
    expect(await goalConversions(store, TWO_DAYS, 10)).toEqual([
      { value: 'Visit /blog/**', visitors: 3, visits: 3, events: 4, conversion_rate: 60 },
      { value: 'Purchase', visitors: 3, visits: 3, events: 5, conversion_rate: 60, revenue: 34.75, average_revenue: 11.58 },
      { value: 'Signup', visitors: 2, visits: 2, events: 3, conversion_rate: 40 },
      { value: 'Visit /docs/*', visitors: 1, visits: 1, events: 1, conversion_rate: 20 },
    ]);
    // A visit-level filter: GB's two visitors (V1, V5) are the conversion rate's base.
    const gb: StatsQuery = { ...TWO_DAYS, filters: [{ property: 'country', values: ['GB'] }] };
    expect(await goalConversions(store, gb, 10)).toEqual([
      { value: 'Purchase', visitors: 2, visits: 2, events: 3, conversion_rate: 100, revenue: 30.5, average_revenue: 15.25 },
      { value: 'Visit /blog/**', visitors: 1, visits: 1, events: 2, conversion_rate: 50 },
      { value: 'Signup', visitors: 1, visits: 1, events: 1, conversion_rate: 50 },
    ]);
    expect(await store.breakdown(TWO_DAYS, 'goal', 1)).toHaveLength(1);
  });

  it('answers goals afresh after retention cuts a sealed day and it is sealed again', async () => {
    await store.append(GOAL_EVENTS);
    await store.seal(B2);
    expect(await store.breakdown(TWO_DAYS, 'goal', 10)).toHaveLength(4);
    // V1's visit and V2's /docs/x pageview are gone.
    await store.prune(T0 + 55 * s, B);
    await store.seal(B2);
    expect(await store.breakdown(TWO_DAYS, 'goal', 10)).toEqual([
      { value: 'Visit /blog/**', visitors: 2, visits: 2, pageviews: 2, events: 0 },
      { value: 'Purchase', visitors: 2, visits: 2, pageviews: 0, events: 4, revenue: 24.25, revenue_events: 2 },
      { value: 'Signup', visitors: 1, visits: 1, pageviews: 0, events: 2 },
    ]);
    expect(await store.totals({ ...TWO_DAYS, filters: [{ property: 'goal', values: ['Visit /blog/**'] }] })).toMatchObject({ visitors: 2, pageviews: 2 });
  });

  it('answers page goals over 40 sealed days as it did unsealed, when first read and when kept', async () => {
    // More sealed days than one read of kept goal answers takes (ClickHouse reads a month a pass).
    const days = 40;
    const events: StoredEvent[] = [];
    for (let d = 0; d < days; d++) {
      const bucket = B + d * 86_400_000;
      const visitor = d.toString(16).padStart(32, '0');
      const view = (ts: number, session: string, path: string): StoredEvent => ({ ts, kind: 'pageview', bucket, visitor, session, path, country: d % 2 ? 'GB' : 'US' });
      events.push(view(bucket + 3_600_000, `d${d}a`, '/'), view(bucket + 3_660_000, `d${d}a`, d % 3 ? '/blog/a' : '/about'));
      if (d % 4 === 0) events.push(view(bucket + 7_200_000, `d${d}b`, '/docs/x'), view(bucket + 7_260_000, `d${d}b`, '/blog/b/c'));
    }
    await store.append(events);
    const range: StatsQuery = { from: B, to: B + days * 86_400_000, filters: [], goals: GOALS };
    const blog: StatsQuery = { ...range, filters: [{ property: 'goal', values: ['Visit /blog/**'] }] };
    const unsealed = { goals: await store.breakdown(range, 'goal', 10), blog: await store.totals(blog) };
    expect(unsealed.blog).toMatchObject({ visitors: 30, visits: 36, pageviews: 36 });
    await store.seal(B + (days - 1) * 86_400_000);
    for (const ask of ['first read', 'kept']) {
      expect(await store.breakdown(range, 'goal', 10), ask).toEqual(unsealed.goals);
      expect(await store.totals(blog), ask).toEqual(unsealed.blog);
    }
  });

  it.each([
    ['unsealed', false],
    ['with the first day sealed', true],
  ])('filters by a goal as by an event: its conversions (%s)', async (_, sealed) => {
    await store.append(GOAL_EVENTS);
    if (sealed) await store.seal(B2);
    const goal = (...values: string[]): StatsQuery => ({ ...TWO_DAYS, filters: [{ property: 'goal', values }] });
    expect(await store.totals(goal('Visit /blog/**'))).toMatchObject({ visitors: 3, visits: 3, pageviews: 4, events: 0, bounces: 0 });
    expect(await store.totals(goal('Signup'))).toMatchObject({ visitors: 2, visits: 2, pageviews: 0, events: 3 });
    expect(await store.totals(goal('Signup'))).toEqual(await store.totals({ ...TWO_DAYS, filters: [{ property: 'event', values: ['Signup'] }] }));
    // Several goals: any of them (V1's signup, V4's two, V2's /docs/x).
    expect(await store.totals(goal('Signup', 'Visit /docs/*'))).toMatchObject({ visitors: 3, visits: 3, pageviews: 1, events: 3 });
    expect(await store.breakdown(goal('Visit /blog/**'), 'page', 10)).toEqual([
      { value: '/blog', visitors: 1, visits: 1, pageviews: 1, events: 0, time_on_page: 0, scroll_depth: null },
      { value: '/blog/', visitors: 1, visits: 1, pageviews: 1, events: 0, time_on_page: 0, scroll_depth: null },
      { value: '/blog/a', visitors: 1, visits: 1, pageviews: 1, events: 0, time_on_page: 0, scroll_depth: null },
      { value: '/blog/a/b', visitors: 1, visits: 1, pageviews: 1, events: 0, time_on_page: 0, scroll_depth: null },
    ]);
    expect(await store.breakdown(goal('Purchase'), 'country', 10)).toEqual([
      { value: 'GB', visitors: 2, visits: 2, pageviews: 0, events: 3 },
      { value: 'US', visitors: 1, visits: 1, pageviews: 0, events: 2 },
    ]);
    // The goal breakdown under its own filter: only that goal.
    expect(await store.breakdown(goal('Purchase'), 'goal', 10)).toEqual([
      { value: 'Purchase', visitors: 3, visits: 3, pageviews: 0, events: 5, revenue: 34.75, revenue_events: 3 },
    ]);
    const hour = (d: number, h: number) => ({ start: B + d * 86_400_000 + h * 3_600_000, end: B + d * 86_400_000 + (h + 1) * 3_600_000, label: `${d}/${h}` });
    expect(await store.timeseries(goal('Visit /blog/**'), [hour(0, 10), hour(1, 10)])).toEqual([
      { date: '0/10', visitors: 2, visits: 2, pageviews: 3 },
      { date: '1/10', visitors: 1, visits: 1, pageviews: 1 },
    ]);
    // A goal name no goal has matches nothing.
    expect(await store.totals(goal('Nope'))).toMatchObject({ visitors: 0, visits: 0 });
  });

  it('keeps __proto__ and constructor prop keys as plain data', async () => {
    const props = JSON.parse('{"__proto__":"x","constructor":"y"}') as Record<string, string>;
    await store.append([{ ts: T0, kind: 'event', bucket: B, visitor: VA, session: 's1', path: '/', name: 'E', props }]);
    expect(await store.breakdown(DAY, 'prop:__proto__', 10)).toMatchObject([{ value: 'x', events: 1 }]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

/** History in, on the engines a migration can copy into. */
const TARGETS = Object.keys(ENGINES).filter((e) => selected.includes(e) && 'openTarget' in REGISTERED[e as keyof typeof REGISTERED]);
describe.each(TARGETS)('store contract, history import: %s', (engine) => {
  let dir: string;
  let store: Store;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), `footfall-${engine}-`));
    store = await ENGINES[engine]!(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a range, replaces only what earlier imports stored there, and reseals', async () => {
    const target = store as Store & HistoryImport & { sealedBuckets(from: number, to: number): Promise<readonly unknown[]> };
    const live = EVENTS.filter((e) => e.session === 'sb');
    const copied = EVENTS.filter((e) => e.session !== 'sb');
    await target.append(live);
    await target.seal(B + 86_400_000);
    expect(await target.importedCount(DAY.from, DAY.to)).toBe(0);
    // An interrupted earlier run that stored a part of the day; then the whole day.
    await target.importEvents(DAY.from, DAY.to, copied.slice(0, 2));
    expect(await target.importedCount(DAY.from, DAY.to)).toBe(2);
    await target.importEvents(DAY.from, DAY.to, copied);
    expect(await target.importedCount(DAY.from, DAY.to)).toBe(copied.length);
    await target.seal(B + 86_400_000);
    expect(await target.totals(DAY)).toEqual({ visitors: 2, visits: 3, pageviews: 4, events: 1, bounces: 2, visitPageviews: 4, durationMs: 150_000 });
    // From rollups again: the day's bucket was sealed anew after the import.
    expect((await target.sealedBuckets(DAY.from, DAY.to)).length).toBe(1);
    await target.importSalt(B, Buffer.alloc(32, 7));
    expect(Buffer.from(await target.salt(B)).equals(Buffer.alloc(32, 7))).toBe(true);
    // A bucket's own salt is never replaced.
    await target.importSalt(B, Buffer.alloc(32, 8));
    expect(Buffer.from(await target.salt(B)).equals(Buffer.alloc(32, 7))).toBe(true);
  });
});

it('runs the contract on every registered engine', () => {
  expect(Object.keys(ENGINES).sort()).toEqual(Object.keys(REGISTERED).sort());
});

/** An event with the attributes of its visit, which are its visit's first event's. */
function withVisitAttributes(e: StoredEvent): StoredEvent {
  const first = EVENTS.find((f) => f.session === e.session)!;
  const out: StoredEvent = { ...e };
  for (const a of VISIT_ATTRIBUTES) {
    if (first[a] === undefined) delete out[a];
    else out[a] = first[a];
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}
