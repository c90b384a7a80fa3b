// Month rollups' property test, shared by the engines that keep them (sqlite/, clickhouse/
// month-rollups.test.ts): four months of random traffic, and answers over whole and partial
// months compared with raw answers.
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { intervalsOf, resolvePeriod } from '../../packages/runtime/src/stats/periods.ts';
import { bucketAt } from '../../packages/runtime/src/visitor/buckets.ts';
import { parseGoals } from '../../packages/runtime/src/stats/goals.ts';
import type { EventRow, StoredEvent } from '../../packages/runtime/src/model/events.ts';
import type { Filter, Goal, PropertyName } from '../../packages/runtime/src/model/stats.ts';
import type { Store } from '../../packages/runtime/src/store/types.ts';
import { computeBreakdown, computeTimeseries, computeTotals } from './raw-answers.ts';

/** Goals ride along on every query: event goals read rollups (months included), page patterns raw events. */
export const GOALS = parseGoals(['Signup', { event: 'Download', revenue: 'amount' }, { page: '/blog/**' }]) as readonly Goal[];

/**
 * Property test for month rollups: over four months of random traffic, answers from month
 * rollups + bucket rollups + raw edges equal raw answers, for whole months, partial months, the
 * chart, and after pruning cuts a month (planner.test.ts covers the planner on two weeks).
 */
export function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}

export const DAY = 86_400_000;
export const START = Date.UTC(2026, 0, 12);
export const DAYS = 125;
const PAGES = ['/', '/blog', '/blog/a', '/pricing', '/docs'];

export function traffic(seed: number, rotationHours: number, tz: string): StoredEvent[] {
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

export async function expectRawAnswers(
  store: Store & { rows(from: number, to: number): Promise<readonly EventRow[]> },
  rotationHours: number,
  tz: string,
  now: number,
  seed: number,
): Promise<void> {
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
