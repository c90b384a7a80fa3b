import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { expect, it } from 'vitest';
import { computeBreakdown, computeTimeseries, computeTotals } from '../../../../../test/support/raw-answers.ts';
import { SqliteStore } from './sqlite-store.ts';
import { parseGoals } from '../../stats/goals.ts';
import type { StoredEvent } from '../../model/events.ts';
import type { Goal, Interval, StatsQuery } from '../../model/stats.ts';

it("lets two processes on one data dir agree on the salt and see each other's events", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-sqlite-'));
  const a = new SqliteStore(dir);
  const b = new SqliteStore(dir);
  const [sa, sb] = [await a.salt(1000), await b.salt(1000)];
  expect(Buffer.from(sa).equals(Buffer.from(sb))).toBe(true);
  await a.append([{ ts: 5, kind: 'pageview', bucket: 1000, visitor: 'c'.repeat(32), session: 'x', path: '/' }]);
  await b.append([{ ts: 6, kind: 'pageview', bucket: 1000, visitor: 'c'.repeat(32), session: 'x', path: '/2' }]);
  expect(await a.totals({ from: 0, to: 10, filters: [] })).toMatchObject({ visits: 1, pageviews: 2 });
  await a.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

it('runs in WAL mode with secure_delete, so deleted rows leave no residue', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-sqlite-'));
  const store = new SqliteStore(dir);
  const db = new DatabaseSync(store.file);
  expect(db.prepare('PRAGMA journal_mode').get()).toMatchObject({ journal_mode: 'wal' });
  db.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('answers a question read from raw events afresh once its rows change, and alike while they do not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-sqlite-'));
  const a = new SqliteStore(dir);
  const b = new SqliteStore(dir);
  const e = (ts: number, session: string, kind: 'pageview' | 'event', name?: string): StoredEvent => ({ ts, kind, bucket: 0, visitor: 'f'.repeat(32), session, path: '/a', name });
  await a.append([e(1, 'one', 'pageview'), e(2, 'one', 'event', 'Signup')]);
  // A page and an event filter at once: only raw events answer it (the planner's kept analyses).
  const q = {
    from: 0,
    to: 100,
    filters: [
      { property: 'page' as const, values: ['/a'] },
      { property: 'event' as const, values: ['Signup'] },
    ],
  };
  expect(await a.totals(q)).toMatchObject({ events: 1, visits: 1 });
  expect(await a.totals(q)).toMatchObject({ events: 1, visits: 1 });
  // Written by another process: only the rows on disk say so.
  await b.append([e(3, 'two', 'event', 'Signup')]);
  expect(await a.totals(q)).toMatchObject({ events: 2, visits: 2 });
  await a.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

it("reads a sealed day once for a view's cards and its filtered questions over its first hours, as a comparison asks them while the clock moves", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-sqlite-'));
  const DAY = 86_400_000;
  const B = Date.UTC(2026, 2, 10);
  const goals = parseGoals([{ page: '/blog/**' }]) as Goal[];
  const events: StoredEvent[] = [];
  for (let v = 0; v < 6; v++) {
    const base = { bucket: B, visitor: `${v % 4}`.padStart(32, '0'), session: `s${v}` };
    events.push({ ...base, ts: B + v * 60_000, kind: 'pageview', path: v % 2 ? '/blog/a' : '/' });
    events.push({ ...base, ts: B + v * 60_000 + 5000, kind: 'event', path: '/', name: 'Signup' });
  }
  const store = new SqliteStore(dir);
  await store.append(events);
  await store.seal(B + DAY);
  const all = await store.rows(-Infinity, Infinity);
  const raw: [number, number][] = [];
  const rows = store.rows.bind(store);
  store.rows = (from, to) => {
    raw.push([from, to]);
    return rows(from, to);
  };
  // Yesterday until this time of day: no rollup holds it.
  const partial: StatsQuery = { from: B, to: B + 4 * 60_000, filters: [], goals };
  const views: StatsQuery[] = [
    partial,
    { ...partial, filters: [{ property: 'goal', values: ['Visit /blog/**'] }] },
    {
      ...partial,
      filters: [
        { property: 'page', values: ['/'] },
        { property: 'event', values: ['Signup'] },
      ],
    },
  ];
  for (const round of [1, 2]) for (const q of views) expect(await store.totals(q), `round ${round}`).toEqual(computeTotals(all, q));
  // The comparison's end moves with the clock: each new end is the same sealed day's rows, cut.
  for (const to of [B + 4 * 60_000 + 1000, B + 5 * 60_000 + 2000, B + 6 * 60_000]) {
    for (const q of views) expect(await store.totals({ ...q, to }), `to ${to - B}`).toEqual(computeTotals(all, { ...q, to }));
  }
  expect(raw).toEqual([[B, B + DAY]]);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it("sees another process's new events after it has cached the unsealed tail", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-sqlite-'));
  const a = new SqliteStore(dir);
  const b = new SqliteStore(dir);
  const e = (ts: number, session: string) => ({ ts, kind: 'pageview' as const, bucket: 0, visitor: 'e'.repeat(32), session, path: '/' });
  await a.append([e(1, 'one')]);
  const q = { from: 0, to: 100, filters: [] };
  expect(await a.totals(q)).toMatchObject({ pageviews: 1 });
  await b.append([e(2, 'two')]);
  expect(await a.totals(q)).toMatchObject({ pageviews: 2, visits: 2 });
  await a.append([e(3, 'one')]);
  expect(await a.totals(q)).toMatchObject({ pageviews: 3, visits: 2 });
  await a.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

it('keeps its live rollups exact while another process writes to the same day, before and after it has loaded them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-sqlite-'));
  const a = new SqliteStore(dir);
  const b = new SqliteStore(dir);
  const day = Date.UTC(2026, 10, 30);
  const e = (i: number, kind: 'pageview' | 'event' | 'engagement' = 'pageview') => ({
    ts: day + i * 60_000,
    kind,
    bucket: day,
    visitor: `${i % 5}`.padStart(32, '0'),
    session: `s${i % 7}`,
    path: `/p${i % 3}`,
    ...(kind === 'event' ? { name: 'Signup' } : kind === 'engagement' ? { engaged: 1000 * i } : {}),
  });
  const q = { from: day, to: day + 86_400_000, filters: [] };
  const check = async () => {
    const raw = await a.rows(q.from, q.to);
    expect(await a.totals(q)).toEqual(computeTotals(raw, q));
    expect(await a.breakdown(q, 'exit_page', 10)).toEqual(computeBreakdown(raw, q, 'exit_page', 10));
  };
  const kinds = ['pageview', 'event', 'engagement'] as const;
  for (let i = 0; i < 60; i++) {
    await (i % 3 === 0 ? b : a).append([e(i, kinds[i % 4 === 3 ? 2 : i % 5 === 4 ? 1 : 0])]);
    if (i % 4 === 1) await check();
  }
  await check();
  await a.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });
});

it('upgrades a database from before scroll depth: old rollups report none, new reports count', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-sqlite-'));
  const DAY = 86_400_000;
  const B1 = Date.UTC(2026, 2, 10);
  const B2 = B1 + DAY;
  const visitor = 'd'.repeat(32);
  const visit = (bucket: number, session: string, scroll?: number) => [
    { ts: bucket + 3_600_000, kind: 'pageview' as const, bucket, visitor, session, path: '/a' },
    { ts: bucket + 3_660_000, kind: 'engagement' as const, bucket, visitor, session, path: '/a', engaged: 5000, ...(scroll === undefined ? {} : { scroll }) },
  ];
  let store = new SqliteStore(dir);
  await store.append(visit(B1, 'old'));
  await store.seal(B2);
  await store.close();
  // The schema as version 4 left it: no scroll columns anywhere.
  const db = new DatabaseSync(join(dir, 'footfall.db'));
  db.exec(`ALTER TABLE events DROP COLUMN scroll;
    ALTER TABLE rollups DROP COLUMN scroll_sum; ALTER TABLE rollups DROP COLUMN scroll_count;
    ALTER TABLE month_rollups DROP COLUMN scroll_sum; ALTER TABLE month_rollups DROP COLUMN scroll_count;
    PRAGMA user_version = 4`);
  db.close();

  store = new SqliteStore(dir);
  await store.append([...visit(B2, 'new1', 40), ...visit(B2, 'new2', 90)]);
  const range = { from: B1, to: B2 + DAY, filters: [] };
  const scrollOf = async (from: number) => (await store.breakdown({ ...range, from }, 'page', 10))[0]?.scroll_depth;
  expect(await scrollOf(B1)).toBe(65); // the sealed day's rollup row has none; today's two visits: (40 + 90) / 2
  await store.seal(B2 + DAY);
  expect(await scrollOf(B1)).toBe(65);
  const check = new DatabaseSync(join(dir, 'footfall.db'), { readOnly: true });
  expect(check.prepare('PRAGMA user_version').get()).toEqual({ user_version: 6 });
  expect(check.prepare("SELECT sum(scroll_sum) AS s, sum(scroll_count) AS n FROM rollups WHERE property = (SELECT id FROM strings WHERE text = 'page')").get()).toEqual({
    s: 130,
    n: 2,
  });
  check.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it("reads a sealed day's hourly chart (a comparison's yesterday) raw once, then from the kept table, restarts included", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-sqlite-'));
  const HOUR = 3_600_000;
  const B = Date.UTC(2026, 2, 10);
  const events: StoredEvent[] = [];
  for (let v = 0; v < 6; v++) {
    const base = { bucket: B, visitor: `${v % 4}`.padStart(32, '0'), session: `s${v}` };
    // Visit 5 spans two hours: it counts in both, as a visit, once per hour.
    events.push({ ...base, ts: B + v * 3 * HOUR + 60_000, kind: 'pageview', path: '/' });
    events.push({ ...base, ts: B + v * 3 * HOUR + (v === 5 ? HOUR : 120_000), kind: 'pageview', path: '/a' });
  }
  const hours: Interval[] = Array.from({ length: 24 }, (_, h) => ({ start: B + h * HOUR, end: B + (h + 1) * HOUR, label: `${h}` }));
  const q = { from: B, to: B + 24 * HOUR, filters: [] };
  const first = new SqliteStore(dir);
  await first.append(events);
  const expected = computeTimeseries(await first.rows(-Infinity, Infinity), q, hours);
  expect(expected.filter((p) => p.visits > 0)).toHaveLength(7);
  await first.seal(B + 24 * HOUR);
  const raw: [number, number][] = [];
  const watch = (store: SqliteStore) => {
    const rows = store.rows.bind(store);
    store.rows = (from, to) => {
      raw.push([from, to]);
      return rows(from, to);
    };
  };
  watch(first);
  expect(await first.timeseries(q, hours)).toEqual(expected);
  expect(await first.timeseries(q, hours)).toEqual(expected);
  expect(raw).toEqual([[B, B + 24 * HOUR]]);
  await first.close();

  const again = new SqliteStore(dir);
  raw.length = 0;
  watch(again);
  expect(await again.timeseries(q, hours)).toEqual(expected);
  expect(raw).toEqual([]);
  await again.close();
  rmSync(dir, { recursive: true, force: true });
});

it('keeps page-goal totals and funnel counts of sealed buckets across a restart, and drops them with retention', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-sqlite-'));
  const DAY = 86_400_000;
  const B = Date.UTC(2026, 2, 10);
  const goals = parseGoals(['Signup', { page: '/blog/**' }]) as Goal[];
  const steps = goals.slice().reverse();
  const events: StoredEvent[] = [];
  for (let d = 0; d < 3; d++) {
    for (let v = 0; v < 4; v++) {
      const base = { bucket: B + d * DAY, visitor: `${d}${v}`.padStart(32, '0'), session: `s${d}${v}` };
      events.push({ ...base, ts: B + d * DAY + v * 60_000, kind: 'pageview', path: v % 2 ? '/blog/a' : '/' });
      if (v > 1) events.push({ ...base, ts: B + d * DAY + v * 60_000 + 5000, kind: 'event', path: '/', name: 'Signup' });
    }
  }
  const q = { from: B, to: B + 3 * DAY, filters: [], goals };
  const first = new SqliteStore(dir);
  await first.append(events);
  await first.seal(B + 3 * DAY);
  const expected = { goals: await first.breakdown(q, 'goal', 10), funnel: await first.funnel(q, steps) };
  expect(expected.funnel).toEqual([6, 3]);
  await first.close();

  // A new process: the sealed days' answers come from the kept table, not from raw events.
  const again = new SqliteStore(dir);
  const raw: [number, number][] = [];
  const rows = again.rows.bind(again);
  again.rows = (from, to) => {
    raw.push([from, to]);
    return rows(from, to);
  };
  expect(await again.breakdown(q, 'goal', 10)).toEqual(expected.goals);
  expect(await again.funnel(q, steps)).toEqual(expected.funnel);
  expect(raw).toEqual([]);

  // Retention unseals the days it cuts into: their kept answers go with their rollups.
  await again.prune(B + DAY + 1, B + DAY);
  await again.close();
  const db = new DatabaseSync(join(dir, 'footfall.db'));
  const kept = db
    .prepare('SELECT DISTINCT bucket FROM kept ORDER BY bucket')
    .all()
    .map((r) => Number(r.bucket));
  db.close();
  expect(kept).toEqual([B + 2 * DAY]);
  rmSync(dir, { recursive: true, force: true });
});
