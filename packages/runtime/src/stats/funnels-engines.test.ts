import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedClickHouse, uniqueDatabase } from '../../../../test/support/clickhouse-server.ts';
import { computeFunnel } from '../../../../test/support/raw-answers.ts';
import { ClickHouseStore } from '../store/clickhouse/clickhouse-store.ts';
import { JsonStore } from '../store/json/json-store.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';
import type { Store } from '../store/types.ts';
import { bucketAt } from '../visitor/buckets.ts';
import { answerFunnel, parseFunnels, type Funnel } from './funnels.ts';
import { parseGoals } from './goals.ts';
import { resolvePeriod } from './periods.ts';
import type { EventRow, StoredEvent } from '../model/events.ts';
import type { Filter, Goal, StatsQuery } from '../model/stats.ts';

/**
 * Funnels on every engine (FOOTFALL_TEST_ENGINES=sqlite,json picks): constructed traffic with
 * hand-counted steps, and random traffic and funnels against a brute-force count from raw events.
 */
type Engine = Store & { rows(f: number, t: number): Promise<readonly EventRow[]> };
const ENGINES: Record<string, (dir: string) => Promise<Engine>> = {
  sqlite: async (dir) => new SqliteStore(dir),
  json: (dir) => JsonStore.open(dir),
  clickhouse: async () => ClickHouseStore.open({ url: (await sharedClickHouse()).url, username: 'default', password: '', database: uniqueDatabase() }, { saltSettleMs: 50 }),
};
const selected = (process.env.FOOTFALL_TEST_ENGINES ?? 'sqlite,json,clickhouse').split(',');
afterAll(async () => {
  if (selected.includes('clickhouse')) await (await sharedClickHouse()).stop();
});

const B = Date.UTC(2026, 2, 10);
const B2 = B + 86_400_000;
const T0 = B + 10 * 3_600_000;
const T1 = B2 + 10 * 3_600_000;
const s = 1000;
const v = (n: number) => String(n).repeat(32);

function visit(visitor: number, session: string, bucket: number, start: number, country: string, steps: readonly string[]): StoredEvent[] {
  return steps.map((step, i) => {
    const base = { ts: start + i * 10 * s, bucket, visitor: v(visitor), session: `${visitor}${session}`, country };
    return step.startsWith('/') ? { ...base, kind: 'pageview', path: step } : { ...base, kind: 'event', path: '/', name: step };
  });
}

/** Day 1 (sealed in half the tests), day 2 (open). Each visitor's best visit is noted. */
const EVENTS: StoredEvent[] = [
  ...visit(1, 'a', B, T0, 'GB', ['/pricing', 'Signup', 'Purchase']), // 3
  ...visit(2, 'a', B, T0 + 100 * s, 'GB', ['Signup', '/pricing', 'Purchase']), // 1: out of order
  ...visit(3, 'a', B, T0 + 200 * s, 'GB', ['/pricing', 'Signup']), // 2
  ...visit(3, 'b', B, T0 + 3_600_000, 'GB', ['/pricing']), // 1
  ...visit(4, 'a', B, T0 + 300 * s, 'GB', ['/pricing']), // 1
  ...visit(4, 'b', B, T0 + 7_200_000, 'GB', ['/', '/pricing', '/about', 'Signup', 'Download', 'Purchase']), // 3: in the second visit only
  ...visit(5, 'a', B, T0 + 400 * s, 'GB', ['Signup', 'Purchase']), // 0
  ...visit(5, 'b', B, T0 + 7_200_000, 'GB', ['/pricing']), // 1
  ...visit(6, 'a', B, T0 + 500 * s, 'GB', ['/pricing', 'Signup']), // 2
  ...visit(6, 'b', B, T0 + 7_200_000, 'GB', ['Purchase']), // 0: the purchase is another visit's
  ...visit(7, 'a', B2, T1, 'US', ['/pricing/', 'Signup', 'Signup', 'Purchase']), // 3
  ...visit(8, 'a', B2, T1 + 100 * s, 'US', ['/pricing', 'Purchase', 'Signup']), // 2
  ...visit(9, 'a', B2, T1 + 200 * s, 'US', ['/pricing', '/about', '/pricing']), // 1
];
const GOALS = parseGoals(['Signup', { event: 'Purchase', revenue: 'amount' }, { page: '/pricing' }]) as readonly Goal[];
const FUNNELS = parseFunnels(
  [
    { name: 'Checkout', steps: [{ page: '/pricing' }, 'Signup', { event: 'Purchase' }] },
    { name: 'Twice', steps: ['Visit /pricing', 'Visit /pricing'] },
    { name: 'Skip', steps: [{ page: '/pricing' }, 'Purchase'] },
  ],
  GOALS,
) as readonly Funnel[];
const [CHECKOUT, TWICE, SKIP] = FUNNELS as [Funnel, Funnel, Funnel];
const TWO_DAYS: StatsQuery = { from: B, to: B2 + 86_400_000, filters: [], goals: GOALS };

describe.each(Object.keys(ENGINES).filter((e) => selected.includes(e)))('funnels: %s', (engine) => {
  let dir: string;
  let store: Engine;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), `footfall-funnel-${engine}-`));
    store = await ENGINES[engine]!(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['unsealed', false],
    ['with the first day sealed', true],
  ])('counts each step exactly: in order, within one visit, a visitor once (%s)', async (_, sealed) => {
    await store.append(EVENTS);
    if (sealed) await store.seal(B2);
    expect(await answerFunnel(store, TWO_DAYS, CHECKOUT)).toEqual({
      name: 'Checkout',
      entered: 9,
      steps: [
        { name: 'Visit /pricing', visitors: 9, conversion_rate: 100, dropoff: 0, dropoff_rate: 0 },
        { name: 'Signup', visitors: 6, conversion_rate: 66.7, dropoff: 3, dropoff_rate: 33.3 },
        { name: 'Purchase', visitors: 3, conversion_rate: 33.3, dropoff: 3, dropoff_rate: 50 },
      ],
    });
    // Asked again (kept counts of the sealed day), and per day.
    expect(await store.funnel(TWO_DAYS, CHECKOUT.steps)).toEqual([9, 6, 3]);
    expect(await store.funnel({ ...TWO_DAYS, to: B2 }, CHECKOUT.steps)).toEqual([6, 4, 2]);
    expect(await store.funnel({ ...TWO_DAYS, from: B2 }, CHECKOUT.steps)).toEqual([3, 2, 1]);
    // Another definition over the same sealed day never reads the first one's counts.
    expect(await store.funnel(TWO_DAYS, SKIP.steps)).toEqual([9, 5]);
    // A repeated step needs two matching events in one visit.
    expect(await store.funnel(TWO_DAYS, TWICE.steps)).toEqual([9, 1]);
    // Filters: whole visits by country; a page filter keeps the visits that viewed it.
    expect(await store.funnel({ ...TWO_DAYS, filters: [{ property: 'country', values: ['US'] }] }, CHECKOUT.steps)).toEqual([3, 2, 1]);
    expect(await store.funnel({ ...TWO_DAYS, filters: [{ property: 'page', values: ['/about'] }] }, CHECKOUT.steps)).toEqual([2, 1, 1]);
    expect(await store.funnel({ ...TWO_DAYS, filters: [{ property: 'goal', values: ['Purchase'] }] }, CHECKOUT.steps)).toEqual([5, 4, 3]);
    // Part of a day: only the events in range count.
    expect(await store.funnel({ ...TWO_DAYS, from: T0 + 3_600_000, to: T0 + 7_200_000 + 35 * s }, CHECKOUT.steps)).toEqual([3, 1, 0]);
    expect(await store.funnel({ ...TWO_DAYS, from: B + 86_400_000 * 5, to: B + 86_400_000 * 6 }, CHECKOUT.steps)).toEqual([0, 0, 0]);
  });
});

// Property test: random traffic, random funnels, every engine against computeFunnel.
function rng(seed: number) {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}
const PAGES = ['/', '/pricing', '/signup', '/blog', '/blog/a', '/docs/x', '/docs/x/y'];
const NAMES = ['Signup', 'Purchase', 'Download'];
const START = Date.UTC(2026, 2, 20);

function traffic(seed: number, rotationHours: number, tz: string, until: number): StoredEvent[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const events: StoredEvent[] = [];
  for (let n = 0; n < 150; n++) {
    const person = `p${Math.floor(r() * 40)}`;
    let ts = START + Math.floor(r() * 13 * 86_400_000);
    const bucket = bucketAt(ts, rotationHours, tz).start;
    const visitor = createHash('sha256').update(`${person}|${bucket}`).digest('hex').slice(0, 32);
    const attrs = { source: pick([undefined, 'Google']), country: pick(['GB', 'US']) };
    for (let i = 0, count = 1 + Math.floor(r() * 8); i < count; i++) {
      if (r() < 0.6) events.push({ ts, kind: 'pageview', bucket, visitor, session: `s${n}`, path: pick(PAGES), ...attrs });
      else events.push({ ts, kind: 'event', bucket, visitor, session: `s${n}`, path: pick(PAGES), name: pick(NAMES), ...attrs });
      if (r() < 0.3) events.push({ ts: ts + 1000, kind: 'engagement', bucket, visitor, session: `s${n}`, path: '/', engaged: 5000, ...attrs });
      // Sometimes two events in the same millisecond: neither is later than the other.
      ts += r() < 0.15 ? 0 : Math.floor(r() * 20 * 60_000);
    }
  }
  // Out of order arrival; nothing after the open bucket or outside its own bucket.
  return events.filter((e) => bucketAt(e.ts, rotationHours, tz).start === e.bucket && e.bucket <= bucketAt(until, rotationHours, tz).start).sort(() => r() - 0.5);
}

const STEP_POOL: readonly unknown[] = [
  'Signup',
  'Purchase',
  'Download',
  { event: 'Signup' },
  { page: '/pricing' },
  { page: '/blog/**' },
  { page: '/docs/*' },
  { page: '/' },
  { page: '/signup' },
];
const CASES: [string, number, string][] = [
  ['sqlite', 24, 'Europe/Berlin'],
  ['sqlite', 1, 'UTC'],
  ['json', 24, 'America/New_York'],
  ['clickhouse', 24, 'Europe/Berlin'],
  ['clickhouse', 6, 'Asia/Kolkata'],
];

describe.each(CASES.filter(([engine]) => selected.includes(engine)))('funnels equal a brute-force count (%s, %d h buckets, %s)', (engine, rotationHours, tz) => {
  it('for random funnels, periods and filters, the open bucket included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'footfall-funnel-prop-'));
    const store = await ENGINES[engine]!(dir);
    const now = START + 12 * 86_400_000 + 5 * 3_600_000;
    const events = traffic(rotationHours + tz.length, rotationHours, tz, now);
    await store.append(events);
    await store.seal(bucketAt(now, rotationHours, tz).start);
    const all = await store.rows(-Infinity, Infinity);
    expect(all.length).toBe(events.length);
    const r = rng(rotationHours * 31);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
    const filterChoices: Filter[][] = [
      [],
      [],
      [{ property: 'country', values: ['GB'] }],
      [{ property: 'page', values: ['/pricing'] }],
      [{ property: 'event', values: ['Purchase'] }],
      [{ property: 'entry_page', values: ['/'] }],
      [
        { property: 'source', values: ['Google'] },
        { property: 'page', values: ['/blog'] },
      ],
    ];
    let nonzero = 0;
    for (let i = 0; i < 30; i++) {
      const funnel = parseFunnels([{ name: 'F', steps: Array.from({ length: 2 + Math.floor(r() * 7) }, () => pick(STEP_POOL)) }]) as readonly Funnel[];
      const steps = funnel[0]!.steps;
      const period = pick(['7d', '30d', 'today', 'yesterday', 'custom', 'month']);
      const a = new Date(START + Math.floor(r() * 14 * 86_400_000)).toISOString().slice(0, 10);
      const b = new Date(START + Math.floor(r() * 14 * 86_400_000)).toISOString().slice(0, 10);
      // biome-ignore lint/complexity/useMathMinMax: ISO dates, ordered as strings.
      const range = resolvePeriod({ period, from: a < b ? a : b, to: a < b ? b : a }, tz, now);
      if ('error' in range) throw new Error(range.error);
      const query: StatsQuery = { from: range.from, to: range.to, filters: pick(filterChoices) };
      const expected = computeFunnel(all, query, steps);
      expect(await store.funnel(query, steps), `${period} ${range.firstDay}..${range.lastDay} ${JSON.stringify(query.filters)} ${steps.map((g) => g.name).join(' > ')}`).toEqual(
        expected,
      );
      if (expected[1]! > 0) nonzero++;
    }
    // Meaningful only if funnels got past their first step, over sealed buckets.
    expect(nonzero).toBeGreaterThan(5);
    if (engine !== 'clickhouse')
      expect((await (store as unknown as { sealedBuckets(f: number, t: number): Promise<unknown[]> }).sealedBuckets(-Infinity, Infinity)).length).toBeGreaterThan(0);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
