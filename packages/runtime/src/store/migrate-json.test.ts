import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { JsonStore } from './json/json-store.ts';
import { migrateJsonToSqlite } from './migrate-json.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { StoredEvent } from '../model/events.ts';

const DAY = 86_400_000;
const B = Date.UTC(2026, 2, 10);

it('copies every event, visit and surviving salt from JSON into SQLite, once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-migrate-'));
  const json = await JsonStore.open(dir);
  const events: StoredEvent[] = [];
  for (let d = 0; d < 3; d++) {
    for (let i = 0; i < 5; i++) {
      const base = { bucket: B + d * DAY, visitor: `${d}${i}`.padStart(32, '0'), session: `s${d}${i}`, country: i % 2 ? 'GB' : 'US', source: 'Google' };
      events.push({ ...base, ts: B + d * DAY + i * 60_000, kind: 'pageview', path: `/p${i}` });
      events.push({ ...base, ts: B + d * DAY + i * 60_000 + 5000, kind: 'event', path: `/p${i}`, name: 'Signup', props: { plan: 'pro' } });
      events.push({ ...base, ts: B + d * DAY + i * 60_000 + 9000, kind: 'engagement', path: `/p${i}`, engaged: 4000, scroll: 20 * i + d });
    }
  }
  await json.append(events);
  await json.seal(B + DAY);
  const salt = await json.salt(B + 2 * DAY);
  const all = { from: 0, to: Number.MAX_SAFE_INTEGER, filters: [] };
  const expected = { totals: await json.totals(all), pages: await json.breakdown(all, 'page', 100), countries: await json.breakdown(all, 'country', 100) };
  await json.close();
  expect(expected.pages.map((p) => p.scroll_depth)).toEqual([1, 21, 41, 61, 81]); // (20 i + 0, 1, 2) / 3 per page

  const report = await migrateJsonToSqlite(dir, B + 2 * DAY);
  expect(report).toMatchObject({ events: events.length, buckets: 3, salts: 1 });
  const sqlite = new SqliteStore(dir);
  expect(await sqlite.totals(all)).toEqual(expected.totals);
  expect(await sqlite.breakdown(all, 'page', 100)).toEqual(expected.pages);
  expect(await sqlite.breakdown(all, 'country', 100)).toEqual(expected.countries);
  expect(Buffer.from(await sqlite.salt(B + 2 * DAY)).equals(Buffer.from(salt))).toBe(true);
  expect((await sqlite.sealedBuckets(0, Number.MAX_SAFE_INTEGER)).length).toBe(2);
  await sqlite.close();

  await expect(migrateJsonToSqlite(dir, B + 2 * DAY)).rejects.toThrow(/already holds events/);
  rmSync(dir, { recursive: true, force: true });
});

it('says where to point it when the directory holds no JSON store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-migrate-'));
  await expect(migrateJsonToSqlite(dir, 0)).rejects.toThrow(/footfall\.json is missing.*--data-dir/);
  rmSync(dir, { recursive: true, force: true });
});

it('refuses a damaged footfall.json by name instead of migrating it as empty', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footfall-migrate-'));
  const json = await JsonStore.open(dir);
  await json.salt(B);
  await json.close();
  writeFileSync(join(dir, 'footfall.json'), 'null');
  await expect(migrateJsonToSqlite(dir, B + DAY)).rejects.toThrow(/footfall\.json is damaged/);
  rmSync(dir, { recursive: true, force: true });
});
