import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { sharedClickHouse, uniqueDatabase } from '../../../../test/support/clickhouse-server.ts';
import { ClickHouseStore } from './clickhouse/clickhouse-store.ts';
import { JsonStore } from './json/json-store.ts';
import { migrate } from './migrate.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './types.ts';
import type { StoredEvent } from '../model/events.ts';

afterAll(async () => (await sharedClickHouse()).stop());

const DAY = 86_400_000;
const B = Date.UTC(2026, 2, 10);
const events: StoredEvent[] = [];
for (let d = 0; d < 3; d++) {
  for (let v = 0; v < 5; v++) {
    const bucket = B + d * DAY;
    const base = { bucket, visitor: `${d}${v}`.padEnd(32, 'c'), session: `s${v}`, source: v % 2 ? 'Google' : undefined, country: 'GB' };
    events.push({ ts: bucket + v * 3_600_000, kind: 'pageview', path: '/', ...base });
    events.push({ ts: bucket + v * 3_600_000 + 60_000, kind: 'pageview', path: '/docs', ...base });
    events.push({ ts: bucket + v * 3_600_000 + 70_000, kind: 'event', path: '/docs', name: 'Signup', props: { plan: 'pro' }, ...base });
    events.push({ ts: bucket + v * 3_600_000 + 90_000, kind: 'engagement', path: '/docs', engaged: 12_000, scroll: 10 * v + d, ...base });
  }
}
const ALL = { from: B, to: B + 3 * DAY, filters: [] };

it.each(['sqlite', 'json'] as const)('copies a %s data directory into ClickHouse with the same answers, idempotently', async (engine) => {
  const dir = mkdtempSync(join(tmpdir(), `footfall-migrate-${engine}-`));
  const source: Store = engine === 'sqlite' ? new SqliteStore(dir) : await JsonStore.open(dir);
  await source.append(events);
  const expected = { totals: await source.totals(ALL), pages: await source.breakdown(ALL, 'page', 10), sources: await source.breakdown(ALL, 'source', 10) };
  const salt = await source.salt(B + 2 * DAY);
  await source.close();
  expect(expected.pages.find((p) => p.value === '/docs')?.scroll_depth).toBe(21); // every visit's 10 v + d, averaged

  const settings = { url: (await sharedClickHouse()).url, username: 'default', password: '', database: uniqueDatabase() };
  const toClickHouse = () => migrate('clickhouse', { dataDir: dir, clickhouse: settings }, B + 2 * DAY);
  const first = await toClickHouse();
  expect(first).toMatchObject({ source: engine, target: 'clickhouse', events: events.length, copiedDays: 3, skippedDays: 0, salts: 1 });
  const again = await toClickHouse();
  expect(again).toMatchObject({ events: 0, copiedDays: 0, skippedDays: 3 });

  const ch = await ClickHouseStore.open(settings, { saltSettleMs: 10 });
  try {
    // A run cut short in the middle of a day left part of it: that day is redone, not doubled.
    await ch.importEvents(
      B + DAY,
      B + 2 * DAY,
      events.filter((e) => e.ts >= B + DAY && e.ts < B + DAY + 3_600_000),
    );
    // An instance already writing live to that day: its events are not the migration's to redo.
    await ch.append([{ ts: B + DAY + 30 * 60_000, kind: 'pageview', path: '/live', bucket: B + DAY, visitor: 'live'.padEnd(32, 'c'), session: 'live' }]);
    const redo = await toClickHouse();
    expect(redo).toMatchObject({ copiedDays: 1, skippedDays: 2 });
    const live = { ...ALL, filters: [{ property: 'page' as const, values: ['/live'] }] };
    expect(await ch.totals(live)).toMatchObject({ visitors: 1, pageviews: 1 });
    const copied = { ...ALL, filters: [{ property: 'page' as const, values: ['/', '/docs'] }] };
    expect(await ch.totals(copied)).toMatchObject({ visitors: expected.totals.visitors, pageviews: expected.totals.pageviews });
    expect(await ch.breakdown(copied, 'page', 10)).toEqual(expected.pages);
    expect(await ch.breakdown(copied, 'source', 10)).toEqual(expected.sources);
    // The open bucket's salt came along: visitors keep their hash across the switch.
    expect(Buffer.from(await ch.salt(B + 2 * DAY)).equals(Buffer.from(salt))).toBe(true);
  } finally {
    await ch.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
