import { describe, expect, it } from 'vitest';
import { type EventRow, type StoredEvent, type Visit, VISIT_ATTRIBUTES } from '../model/events.ts';
import { rankBreakdown } from './compute.ts';
import { computeBreakdown, computePropKeys, computeTimeseries, computeTotals } from '../../../../test/support/raw-answers.ts';
import { parseGoals } from './goals.ts';
import type { Filter, Goal, PropertyName } from '../model/stats.ts';
import { LIVE_SLOT_MS, LiveBucket } from './live-rollup.ts';
import { rollupBucket, type RollupRow } from './rollup.ts';

/**
 * Property test: live rollups, fed one event at a time in arrival order (out of order by up to
 * minutes, with ties, engagement reports before pageviews and visits of events only), equal at
 * every checkpoint what `rollupBucket` computes from the raw events received so far.
 */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
}

const START = Date.UTC(2026, 10, 30);
const PAGES = ['/', '/a', '/b', '/c/d'];

function arrivals(seed: number, people = 25): (StoredEvent & { visitKey: number })[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const out: (StoredEvent & { visitKey: number })[] = [];
  for (let v = 0; v < 60; v++) {
    const visitor = `v${Math.floor(r() * people)}`.padStart(32, '0');
    const attrs = { source: pick([undefined, 'Google', 'X']), country: pick([undefined, 'GB', 'DE']), browser: pick(['Chrome', 'Safari']) };
    let ts = START + Math.floor(r() * 20) * 600_000 + (r() < 0.2 ? 0 : Math.floor(r() * 600_000));
    const n = 1 + Math.floor(r() * 6);
    for (let i = 0; i < n; i++) {
      const kind = pick(['pageview', 'pageview', 'event', 'engagement'] as const);
      const path = pick(PAGES);
      const e: StoredEvent & { visitKey: number } = { ts, kind, bucket: START, visitor, session: `s${v}`, path, visitKey: v + 1, ...attrs };
      if (kind === 'event')
        Object.assign(e, { name: pick(['Signup', 'Play']), ...(r() < 0.7 ? { props: { plan: pick(['free', 'pro']), ...(r() < 0.3 ? { seat: pick(['1', '2']) } : {}) } } : {}) });
      if (kind === 'engagement') {
        e.engaged = 1000 + Math.floor(r() * 30_000);
        // Most reports carry a scroll depth; a visit's later ones on a page may be lower.
        if (r() < 0.7) e.scroll = Math.floor(r() * 101);
      }
      out.push(e);
      if (r() > 0.3) ts += Math.floor(r() * 20 * 60_000);
    }
  }
  // Arrival order: by time, then shuffled locally (a late beacon, a batch committed late).
  out.sort((a, b) => a.ts - b.ts);
  for (let i = 0; i < out.length; i++) {
    const j = Math.min(out.length - 1, i + Math.floor(r() * 4));
    if (r() < 0.3) [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Raw rows as a store reads them back: sorted by time, ties in arrival order, visits from their first stored event. */
function rawRows(received: readonly (StoredEvent & { visitKey: number })[]): EventRow[] {
  const visits = new Map<number, Visit>();
  const rows = received.map((e) => {
    let visit = visits.get(e.visitKey);
    if (!visit) {
      const v: Record<string, unknown> = { key: e.visitKey, bucket: e.bucket, visitor: e.visitor };
      for (const a of VISIT_ATTRIBUTES) if (e[a] !== undefined) v[a] = e[a];
      visits.set(e.visitKey, (visit = v as unknown as Visit));
    }
    return { ts: e.ts, kind: e.kind, path: e.path, name: e.name, props: e.props, engaged: e.engaged, scroll: e.scroll, visit };
  });
  return rows.sort((a, b) => a.ts - b.ts);
}

const sorted = (rows: readonly RollupRow[]) => rows.filter((r) => r.visits > 0).sort((a, b) => (`${a.property}\u0000${a.value}` < `${b.property}\u0000${b.value}` ? -1 : 1));

function liveRows(live: LiveBucket, properties: readonly string[]): RollupRow[] {
  return properties.flatMap((p) => live.rows(p));
}

describe('live rollups of the open bucket', () => {
  // Seeds 1-8: mostly one or two visits per visitor; 9-12: three visitors with twenty visits each.
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    it(`equal rollupBucket on the raw events at every checkpoint (seed ${seed})`, () => {
      const events = arrivals(seed, seed > 8 ? 3 : 25);
      const live = new LiveBucket(START);
      let checkpoints = 0;
      events.forEach((e, i) => {
        live.add({ ...e, visitKey: e.visitKey, attributes: e });
        if (i % 17 !== 16 && i !== events.length - 1) return;
        const raw = rawRows(events.slice(0, i + 1));
        const expected = sorted(rollupBucket(raw));
        const properties = [...new Set(expected.map((r) => r.property))];
        expect(sorted(liveRows(live, properties)), `after ${i + 1} events`).toEqual(expected);
        // No group exists live that the raw computation lacks.
        for (const p of ['page', 'entry_page', 'exit_page', 'event', 'prop:plan', 'source']) {
          expect(sorted(live.rows(p)).length, p).toBe(expected.filter((r) => r.property === p).length);
        }
        checkpoints++;
      });
      expect(checkpoints).toBeGreaterThan(3);
    });
  }

  it('answers charts per stretch on the 15-minute grid exactly, and refuses edges off it', () => {
    const events = arrivals(11);
    const live = new LiveBucket(START);
    for (const e of events) live.add({ ...e, attributes: e });
    const raw = rawRows(events);
    const hours = Array.from({ length: 24 }, (_, h) => ({ start: START + h * 3_600_000, end: START + (h + 1) * 3_600_000, label: `${h}` }));
    const query = { from: START, to: START + 86_400_000, filters: [] };
    const expected = computeTimeseries(raw, query, hours).map(({ visitors, visits, pageviews }) => ({ visitors, visits, pageviews }));
    expect(live.series(hours)).toEqual(expected);
    // Half-hour and quarter-hour zones' local hours.
    const odd = hours.slice(0, 23).map((h) => ({ ...h, start: h.start + 2 * LIVE_SLOT_MS, end: h.end + 2 * LIVE_SLOT_MS }));
    expect(live.series(odd)).toEqual(computeTimeseries(raw, { ...query, to: odd.at(-1)!.end }, odd).map(({ visitors, visits, pageviews }) => ({ visitors, visits, pageviews })));
    expect(live.series([{ start: START + 60_000, end: START + 3_600_000 }])).toBeUndefined();
  });

  it('counts prop keys, filtered or not, as the raw computation does', () => {
    const events = arrivals(12);
    const live = new LiveBucket(START);
    for (const e of events) live.add({ ...e, attributes: e });
    const raw = rawRows(events);
    const rank = (m: ReadonlyMap<string, number>) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
    const query = { from: START, to: START + 86_400_000, filters: [] };
    expect(rank(live.propKeyCounts())).toEqual(computePropKeys(raw, query, 10));
    for (const filters of [
      [{ property: 'event', values: ['Signup'] }],
      [
        { property: 'event', values: ['Play'] },
        { property: 'source', values: ['Google'] },
      ],
      [{ property: 'browser', values: ['Safari'] }],
      [{ property: 'exit_page', values: ['/a'] }],
    ] as Filter[][]) {
      expect(rank(live.filteredPropKeys(filters)!), JSON.stringify(filters)).toEqual(computePropKeys(raw, { ...query, filters }, 10));
    }
    expect(live.filteredPropKeys([{ property: 'page', values: ['/a'] }])).toBeUndefined();
  });
});

describe("filtered questions answered from the open bucket's visits", () => {
  const FILTERS: Filter[][] = [
    [{ property: 'source', values: ['Google'] }],
    [
      { property: 'source', values: ['Direct / None', 'X'] },
      { property: 'browser', values: ['Chrome'] },
    ],
    [{ property: 'country', values: ['GB'] }],
    [{ property: 'entry_page', values: ['/a'] }],
    [{ property: 'exit_page', values: ['/', '/b'] }],
    [{ property: 'page', values: ['/a'] }],
    [
      { property: 'page', values: ['/b', '/c/d'] },
      { property: 'country', values: ['DE'] },
    ],
    [{ property: 'event', values: ['Signup'] }],
    [
      { property: 'prop:plan', values: ['pro'] },
      { property: 'source', values: ['Google'] },
    ],
    [{ property: 'country', values: ['nowhere'] }],
    // The links and downloads cards: one event's props, with the dashboard's other filters.
    [
      { property: 'event', values: ['Signup'] },
      { property: 'source', values: ['Google', 'X'] },
    ],
  ];
  const PROPERTIES: PropertyName[] = ['page', 'entry_page', 'exit_page', 'source', 'country', 'browser', 'event', 'prop:plan'];

  it('answer from the current state while events keep arriving (selections are cached per state)', () => {
    const events = arrivals(26, 4);
    const live = new LiveBucket(START);
    const query = { from: START, to: START + 86_400_000 };
    let asked = 0;
    events.forEach((e, i) => {
      live.add({ ...e, attributes: e });
      if (i % 11 !== 10) return;
      const raw = rawRows(events.slice(0, i + 1));
      // The same few filters each time (fewer than the cache holds): a stale selection would show.
      for (const filters of FILTERS.slice(0, 3)) {
        expect(live.filteredTotals(filters), `${JSON.stringify(filters)} after ${i + 1}`).toEqual(computeTotals(raw, { ...query, filters }));
        asked++;
      }
    });
    expect(asked).toBeGreaterThan(20);
  });

  it('counts a page goal asked alone as a row of its own from then on, exact as events keep arriving out of order', () => {
    const goals = parseGoals(['Signup', { page: '/b/**' }, { page: '/*' }, { page: '/c/*' }]) as readonly Goal[];
    const names = ['Visit /b/**', 'Visit /*', 'Visit /c/*'];
    for (const seed of [41, 42, 43]) {
      const events = arrivals(seed, 8);
      const live = new LiveBucket(START);
      let asked = 0;
      events.forEach((e, i) => {
        live.add({ ...e, attributes: e });
        if (i % 7 !== 6) return;
        const raw = rawRows(events.slice(0, i + 1));
        // Each goal is first asked at another point: the visits so far join it at once, later pageviews as they come.
        for (const name of names.slice(0, 1 + Math.floor(i / 60))) {
          const filters: Filter[] = [{ property: 'goal', values: [name] }];
          expect(live.filteredTotals(filters, goals), `${seed} ${name} after ${i + 1}`).toEqual(computeTotals(raw, { from: START, to: START + 86_400_000, filters, goals }));
          asked++;
        }
      });
      expect(asked).toBeGreaterThan(30);
      // Goals are settings: the rows sealing writes hold none.
      expect(live.allRows().some((r) => r.property === 'goal')).toBe(false);
      expect(computeTotals(rawRows(events), { from: START, to: START + 86_400_000, filters: [{ property: 'goal', values: ['Visit /c/*'] }], goals }).visits).toBeGreaterThan(0);
    }
  });

  it('answer goal filters from the visits: page patterns count views, event goals their events', () => {
    const goals = parseGoals(['Signup', { page: '/b/**' }, { page: '/*' }]) as readonly Goal[];
    for (const seed of [31, 32, 33]) {
      const events = arrivals(seed, 6);
      const live = new LiveBucket(START);
      for (const e of events) live.add({ ...e, attributes: e });
      const raw = rawRows(events);
      for (const values of [['Signup'], ['Visit /b/**'], ['Visit /*'], ['Signup', 'Visit /b/**']]) {
        for (const filters of [
          [{ property: 'goal', values }],
          [
            { property: 'goal', values },
            { property: 'source', values: ['Google'] },
          ],
        ] as Filter[][]) {
          const q = { from: START, to: START + 86_400_000, filters, goals };
          const label = `${seed} ${JSON.stringify(filters)}`;
          const totals = live.filteredTotals(filters, goals);
          expect(totals, label).toEqual(computeTotals(raw, q));
          for (const property of ['source', 'country', 'entry_page'] as PropertyName[]) {
            expect(rankBreakdown(live.filteredParts(filters, property, goals)!, property, 100), `${label} ${property}`).toEqual(computeBreakdown(raw, q, property, 100));
          }
          expect(live.filteredParts(filters, 'page', goals), label).toBeUndefined();
        }
      }
      // Meaningful only with conversions of each kind.
      expect(computeTotals(raw, { from: START, to: START + 86_400_000, filters: [{ property: 'goal', values: ['Visit /b/**'] }], goals }).pageviews).toBeGreaterThan(0);
      expect(computeTotals(raw, { from: START, to: START + 86_400_000, filters: [{ property: 'goal', values: ['Signup'] }], goals }).events).toBeGreaterThan(0);
    }
  });

  for (const seed of [21, 22, 23, 24, 25]) {
    it(`equal the raw computation for totals, breakdowns and charts (seed ${seed})`, () => {
      const events = arrivals(seed, seed % 2 ? 4 : 25);
      const live = new LiveBucket(START);
      for (const e of events) live.add({ ...e, attributes: e });
      const raw = rawRows(events);
      const query = { from: START, to: START + 86_400_000, filters: [] as Filter[] };
      const hours = Array.from({ length: 24 }, (_, h) => ({ start: START + h * 3_600_000, end: START + (h + 1) * 3_600_000, label: `${h}` }));
      let answered = 0;
      for (const filters of FILTERS) {
        const q = { ...query, filters };
        const label = JSON.stringify(filters);
        expect(live.filteredTotals(filters), label).toEqual(computeTotals(raw, q));
        for (const property of PROPERTIES) {
          const parts = live.filteredParts(filters, property);
          const events = filters.filter((f) => ['page', 'event'].includes(f.property) || f.property.startsWith('prop:'));
          const eventProps = events[0]?.property === 'event' && events[0].values.length === 1 && property.startsWith('prop:');
          if (events.length && ['page', 'event', 'prop:plan'].includes(property) && events[0]!.property !== property && !eventProps) {
            expect(parts, `${label} ${property}`).toBeUndefined();
            continue;
          }
          expect(rankBreakdown(parts!, property, 100), `${label} ${property}`).toEqual(computeBreakdown(raw, q, property, 100));
          answered++;
        }
        const series = live.filteredSeries(filters, hours);
        if (filters.some((f) => ['page', 'event', 'prop:plan'].includes(f.property))) expect(series).toBeUndefined();
        else expect(series, label).toEqual(computeTimeseries(raw, q, hours).map(({ visitors, visits, pageviews }) => ({ visitors, visits, pageviews })));
      }
      expect(answered).toBeGreaterThan(50);
    });
  }
});
