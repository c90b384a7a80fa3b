import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { DAY, DAYS, expectRawAnswers, START, traffic } from '../../../../../test/support/month-answers.ts';
import { localParts, startOfDay } from '../../time/zone.ts';
import { bucketAt } from '../../visitor/buckets.ts';
import { monthOf, monthStart } from '../months.ts';
import { SqliteStore } from './sqlite-store.ts';

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
