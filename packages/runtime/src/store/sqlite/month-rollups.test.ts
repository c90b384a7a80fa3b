import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { computeBreakdown, computeTimeseries, computeTotals } from '../../../../../test/support/raw-answers.ts';
import { intervalsOf, resolvePeriod } from '../../stats/periods.ts';
import { localParts, startOfDay } from '../../time/zone.ts';
import { bucketAt } from '../../visitor/buckets.ts';
import { monthOf, monthStart } from './month-rollups.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { StoredEvent } from '../../model/events.ts';
import type { Filter, Goal, PropertyName } from '../../model/stats.ts';
import { parseGoals } from '../../stats/goals.ts';

/** Goals ride along on every query: event goals read rollups (months included), page patterns raw events. */
const GOALS = parseGoals(['Signup', { event: 'Download', revenue: 'amount' }, { page: '/blog/**' }]) as readonly Goal[];

/**
 * Property test for month rollups: over four months of random traffic, answers from month
 * rollups + bucket rollups + raw edges equal raw answers, for whole months, partial months, the
 * chart, and after pruning cuts a month (planner.test.ts covers the planner on two weeks).
 */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 12);
const DAYS = 125;
const PAGES = ['/', '/blog', '/blog/a', '/pricing', '/docs'];

function traffic(seed: number, rotationHours: number, tz: string): StoredEvent[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const events: StoredEvent[] = [];
  for (let v = 0; v < 700; v++) {
    let ts = START + Math.floor(r() * DAYS * DAY);
    const bucket = bucketAt(ts, rotationHours, tz).start;
    const visitor = createHash('sha256')
      .update(`p${Math.floor(r() * 60)}|${bucket}`)
      .digest('hex')
      .slice(0, 32);
    const attrs = { source: pick([undefined, 'Google', 'Reddit']), country: pick(['GB', 'US', undefined]) };
    for (let i = 0, n = 1 + Math.floor(r() * 3); i < n; i++) {
      const path = pick(PAGES);
      events.push({ ts, kind: 'pageview', bucket, visitor, session: `s${v}`, path, ...attrs });
      if (r() < 0.3)
        events.push({
          ts: ts + 5000,
          kind: 'event',
          bucket,
          visitor,
          session: `s${v}`,
          path,
          name: pick(['Signup', 'Download']),
          props: { plan: pick(['free', 'pro']), amount: pick(['12.5', '3', 'none']) },
          ...attrs,
        });
      if (r() < 0.5) {
        const scroll = r() < 0.8 ? { scroll: Math.floor(r() * 101) } : {};
        events.push({ ts: ts + 9000, kind: 'engagement', bucket, visitor, session: `s${v}`, path, engaged: 1000 + Math.floor(r() * 60_000), ...scroll, ...attrs });
      }
      ts += Math.floor(r() * 30 * 60_000);
    }
  }
  return events.filter((e) => bucketAt(e.ts, rotationHours, tz).start === e.bucket).sort((a, b) => a.ts - b.ts);
}

/** Every `months` row sums exactly the bucket rollups of the sealed buckets in [first, last]. */
function expectMonthsExact(file: string): number {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const months = db.prepare('SELECT month, first, last FROM months ORDER BY month').all() as { month: number; first: number; last: number }[];
    const sums =
      'sum(visitors), sum(visits), sum(pageviews), sum(events), sum(bounces), sum(visit_pageviews), sum(duration_ms), sum(engaged_ms), sum(scroll_sum), sum(scroll_count)';
    for (const m of months) {
      expect(monthOf(m.first)).toBe(m.month);
      expect(monthOf(m.last)).toBe(m.month);
      const fromMonth = db.prepare(`SELECT property, value, ${sums} FROM month_rollups WHERE month = ? GROUP BY property, value ORDER BY property, value`).all(m.month);
      const fromBuckets = db
        .prepare(`SELECT property, value, ${sums} FROM rollups WHERE bucket BETWEEN ? AND ? GROUP BY property, value ORDER BY property, value`)
        .all(m.first, m.last);
      expect(fromMonth, `month ${m.month}`).toEqual(fromBuckets);
    }
    // No month rollup rows without their month, and no sealed bucket left out of a month.
    expect(db.prepare('SELECT count(*) AS n FROM month_rollups WHERE month NOT IN (SELECT month FROM months)').get()).toEqual({ n: 0 });
    const sealed = (db.prepare('SELECT bucket FROM sealed').all() as { bucket: number }[]).map((r) => r.bucket);
    for (const b of sealed)
      expect(
        months.some((m) => m.first <= b && b <= m.last),
        `bucket ${b}`,
      ).toBe(true);
    return months.length;
  } finally {
    db.close();
  }
}

async function expectRawAnswers(store: SqliteStore, rotationHours: number, tz: string, now: number, seed: number): Promise<void> {
  const all = await store.rows(-Infinity, Infinity);
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const day = (offset: number) => new Date(START + offset * DAY).toISOString().slice(0, 10);
  const filters: Filter[][] = [
    [],
    [],
    [{ property: 'page', values: ['/blog'] }],
    [{ property: 'source', values: ['Direct / None'] }],
    [{ property: 'event', values: ['Signup'] }],
    [{ property: 'country', values: ['GB', 'US'] }],
    [{ property: 'goal', values: ['Download'] }],
    [{ property: 'goal', values: ['Visit /blog/**'] }],
  ];
  const properties: PropertyName[] = ['page', 'entry_page', 'exit_page', 'source', 'country', 'event', 'prop:plan', 'goal'];
  const ranges = [
    { period: '12mo' },
    { period: 'all' },
    { period: 'month' },
    { period: '30d' },
    { period: '7d' },
    // Whole local months, a month and a half, and ranges cutting months at random.
    { period: 'custom', from: '2026-02-01', to: '2026-03-31' },
    { period: 'custom', from: '2026-01-15', to: '2026-03-10' },
    { period: 'custom', from: '2026-03-01', to: '2026-03-31' },
    { period: 'custom', from: '2026-02-28', to: '2026-04-01' },
    ...Array.from({ length: 14 }, () => {
      const [a, b] = [Math.floor(r() * DAYS), Math.floor(r() * DAYS)].sort((x, y) => x - y);
      return { period: 'custom', from: day(a!), to: day(b!) };
    }),
  ];
  for (const params of ranges) {
    const range = resolvePeriod(params, tz, now, params.period === 'all' ? await store.earliest() : undefined);
    if ('error' in range) throw new Error(range.error);
    const intervals = intervalsOf({ ...range, interval: pick(['day', 'month'] as const) }, tz);
    if ('error' in intervals) throw new Error(intervals.error);
    for (const f of [[], pick(filters)]) {
      const query = { from: range.from, to: range.to, filters: f, goals: GOALS };
      const label = `${rotationHours} h ${tz} ${range.firstDay}..${range.lastDay} ${JSON.stringify(f)}`;
      expect(await store.totals(query), label).toEqual(computeTotals(all, query));
      expect(await store.timeseries(query, intervals), label).toEqual(computeTimeseries(all, query, intervals));
      const property = pick(properties);
      expect(await store.breakdown(query, property, 1000), `${label} ${property}`).toEqual(computeBreakdown(all, query, property, 1000));
    }
    const byEvent = { from: range.from, to: range.to, filters: [{ property: 'event' as const, values: ['Download'] }] };
    expect(await store.breakdown(byEvent, 'prop:plan', 1000)).toEqual(computeBreakdown(all, byEvent, 'prop:plan', 1000));
    const goals = { from: range.from, to: range.to, filters: [], goals: GOALS };
    expect(await store.breakdown(goals, 'goal', 1000), `goals ${range.firstDay}..${range.lastDay}`).toEqual(computeBreakdown(all, goals, 'goal', 1000));
  }
  // Meaningful only if every goal converts, the revenue goal with revenue.
  const converted = computeBreakdown(all, { from: -Infinity, to: Infinity, filters: [], goals: GOALS }, 'goal', 1000);
  expect(converted.map((g) => g.value).sort()).toEqual(GOALS.map((g) => g.name).sort());
  expect(converted.find((g) => g.value === 'Download')?.revenue).toBeGreaterThan(0);
}

const CASES: [number, string][] = [
  [24, 'Europe/Berlin'],
  [24, 'Pacific/Auckland'], // UTC+13 in January: still the local month
  [24, 'Pacific/Kiritimati'], // UTC+14: months straddle local months, answers stay exact
  [24, 'America/Los_Angeles'],
  [6, 'Asia/Kolkata'],
  [168, 'UTC'],
];

describe.each(CASES)('month rollups equal raw answers (%d h buckets, %s)', (rotationHours, tz) => {
  it('for whole and partial months, sealed in steps, pruned, and rebuilt by the migration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'footfall-months-'));
    let store = new SqliteStore(dir);
    const events = traffic(rotationHours + tz.length, rotationHours, tz);
    await store.append(events);
    const now = START + (DAYS - 3) * DAY + 5 * 3_600_000;
    // Sealed in three steps, so later buckets are added to months that already exist.
    for (const at of [START + 20 * DAY, START + 61 * DAY, now]) await store.seal(bucketAt(at, rotationHours, tz).start);
    expect(expectMonthsExact(store.file)).toBeGreaterThanOrEqual(4);
    await expectRawAnswers(store, rotationHours, tz, now, 1);

    // Retention cuts a month in the middle (and later one just after a month starts).
    for (const before of [START + 40 * DAY + 7 * 3_600_000, startOfDay(2026, 4, 2, tz) + 3_600_000]) {
      await store.prune(before, bucketAt(before, rotationHours, tz).start);
      expectMonthsExact(store.file);
      await expectRawAnswers(store, rotationHours, tz, now, 2);
    }

    // A database whose month rollups went stale (an older version wrote to it) has them rebuilt.
    await store.close();
    const db = new DatabaseSync(join(dir, 'footfall.db'));
    const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    db.exec(`DELETE FROM month_rollups WHERE value % 3 = 0; UPDATE months SET last = first; PRAGMA user_version = ${version - 1}`);
    db.close();
    store = new SqliteStore(dir);
    expect(expectMonthsExact(store.file)).toBeGreaterThanOrEqual(2);
    await expectRawAnswers(store, rotationHours, tz, now, 3);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('month of a bucket', () => {
  it('is the local month of a day starting at local midnight, from UTC-10 to UTC+13', () => {
    const zones = [
      'Pacific/Honolulu',
      'America/Anchorage',
      'America/Los_Angeles',
      'America/Sao_Paulo',
      'UTC',
      'Europe/Berlin',
      'Asia/Kolkata',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
      'Pacific/Auckland',
      'Pacific/Tongatapu',
    ];
    for (const tz of zones) {
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += DAY) {
        const d = new Date(t);
        const start = startOfDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), tz);
        expect(monthOf(start), `${tz} ${d.toISOString()}`).toBe(d.getUTCFullYear() * 12 + d.getUTCMonth());
        const local = localParts(start, tz);
        expect([local.hour, local.minute]).toEqual([0, 0]);
      }
    }
  });

  it('starts where the previous month ends', () => {
    for (let m = 1970 * 12; m < 2100 * 12; m += 7) {
      expect(monthOf(monthStart(m))).toBe(m);
      expect(monthOf(monthStart(m) - 1)).toBe(m - 1);
    }
  });
});
