import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { JsonStore } from './json/json-store.ts';
import { migrate } from './migrate.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { StoredEvent } from '../model/events.ts';

const DAY = 86_400_000;
const B = Date.UTC(2026, 2, 10);
const ALL = { from: 0, to: Number.MAX_SAFE_INTEGER, filters: [] };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-migrate-'));
  dirs.push(dir);
  return dir;
}

function traffic(days: number): StoredEvent[] {
  const events: StoredEvent[] = [];
  for (let d = 0; d < days; d++) {
    for (let i = 0; i < 5; i++) {
      const base = { bucket: B + d * DAY, visitor: `${d}${i}`.padStart(32, '0'), session: `s${d}${i}`, country: i % 2 ? 'GB' : 'US', source: 'Google' };
      events.push({ ...base, ts: B + d * DAY + i * 60_000, kind: 'pageview', path: `/p${i}` });
      events.push({ ...base, ts: B + d * DAY + i * 60_000 + 5000, kind: 'event', path: `/p${i}`, name: 'Signup', props: { plan: 'pro' } });
      events.push({ ...base, ts: B + d * DAY + i * 60_000 + 9000, kind: 'engagement', path: `/p${i}`, engaged: 4000, scroll: 20 * i + d });
    }
  }
  return events;
}

it('copies every event, visit and the open bucket salt from JSON into SQLite, and skips it all when run again', async () => {
  const dir = tempDir();
  const events = traffic(3);
  const json = await JsonStore.open(dir);
  await json.append(events);
  await json.seal(B + DAY);
  const salt = await json.salt(B + 2 * DAY);
  const expected = { totals: await json.totals(ALL), pages: await json.breakdown(ALL, 'page', 100), countries: await json.breakdown(ALL, 'country', 100) };
  await json.close();
  expect(expected.pages.map((p) => p.scroll_depth)).toEqual([1, 21, 41, 61, 81]); // (20 i + 0, 1, 2) / 3 per page

  const report = await migrate('sqlite', { dataDir: dir }, B + 2 * DAY);
  expect(report).toMatchObject({ source: 'json', target: 'sqlite', events: events.length, copiedDays: 3, skippedDays: 0, salts: 1 });
  const sqlite = new SqliteStore(dir);
  expect(await sqlite.totals(ALL)).toEqual(expected.totals);
  expect(await sqlite.breakdown(ALL, 'page', 100)).toEqual(expected.pages);
  expect(await sqlite.breakdown(ALL, 'country', 100)).toEqual(expected.countries);
  expect(Buffer.from(await sqlite.salt(B + 2 * DAY)).equals(Buffer.from(salt))).toBe(true);
  expect((await sqlite.sealedBuckets(0, Number.MAX_SAFE_INTEGER)).length).toBe(2);
  // Sessions came along: an open-bucket visit that goes on after the switch stays one visit.
  await sqlite.append([{ bucket: B + 2 * DAY, visitor: '24'.padStart(32, '0'), session: 's24', ts: B + 2 * DAY + 3_600_000, kind: 'pageview', path: '/later' }]);
  expect(await sqlite.totals(ALL)).toMatchObject({ visits: expected.totals.visits, pageviews: expected.totals.pageviews + 1 });
  await sqlite.close();

  expect(await migrate('sqlite', { dataDir: dir }, B + 2 * DAY)).toMatchObject({ events: 0, copiedDays: 0, skippedDays: 3 });
  const again = new SqliteStore(dir);
  expect(await again.totals(ALL)).toMatchObject({ visits: expected.totals.visits, pageviews: expected.totals.pageviews + 1 });
  await again.close();
});

it('copies a day again when the source gained events, replacing only what it imported and resealing the buckets after it', async () => {
  const dir = tempDir();
  const events = traffic(3);
  const json = await JsonStore.open(dir);
  await json.salt(B);
  await json.append(events.filter((e) => e.ts < B + DAY));
  await json.close();
  await migrate('sqlite', { dataDir: dir }, B + 3 * DAY);
  // SQLite ran live meanwhile, and sealed a later bucket.
  const sqlite = new SqliteStore(dir);
  await sqlite.append(events.filter((e) => e.ts >= B + DAY));
  await sqlite.seal(B + 3 * DAY);
  expect((await sqlite.sealedBuckets(0, Number.MAX_SAFE_INTEGER)).length).toBe(3);
  await sqlite.close();
  // The JSON store had gained a late event on day one, not yet copied.
  const late: StoredEvent = { bucket: B, visitor: '9'.padStart(32, '0'), session: 'late', ts: B + 3_600_000, kind: 'pageview', path: '/late' };
  const json2 = await JsonStore.open(dir);
  await json2.append([late]);
  await json2.close();

  expect(await migrate('sqlite', { dataDir: dir }, B + 3 * DAY)).toMatchObject({ events: 16, copiedDays: 1 });
  const raw = await JsonStore.open(tempDir());
  await raw.append([...events, late].sort((a, b) => a.ts - b.ts));
  const reopened = new SqliteStore(dir);
  try {
    expect(await reopened.totals(ALL)).toEqual(await raw.totals(ALL));
    // Answered from the rebuilt rollups: sealed again, and equal to the raw answers.
    expect((await reopened.sealedBuckets(0, Number.MAX_SAFE_INTEGER)).length).toBe(3);
    expect(await reopened.breakdown(ALL, 'page', 100)).toEqual(await raw.breakdown(ALL, 'page', 100));
    expect(await reopened.breakdown({ from: B, to: B + 3 * DAY, filters: [] }, 'country', 100)).toEqual(
      await raw.breakdown({ from: B, to: B + 3 * DAY, filters: [] }, 'country', 100),
    );
  } finally {
    await reopened.close();
    await raw.close();
  }
});

it('says where to point it when the directory holds no other engine data', async () => {
  await expect(migrate('sqlite', { dataDir: tempDir() }, 0)).rejects.toThrow(/no data to migrate in .*footfall\.json.*--data-dir/);
});

it('refuses a target that cannot take a migration, naming the ones that can', async () => {
  await expect(migrate('json', { dataDir: tempDir() }, 0)).rejects.toThrow(/--to must be one of sqlite, clickhouse \(got json\)/);
});

it('refuses a damaged footfall.json by name instead of migrating it as empty', async () => {
  const dir = tempDir();
  const json = await JsonStore.open(dir);
  await json.salt(B);
  await json.close();
  writeFileSync(join(dir, 'footfall.json'), 'null');
  await expect(migrate('sqlite', { dataDir: dir }, B + DAY)).rejects.toThrow(/footfall\.json is damaged/);
});
