import { afterAll, describe, expect, it } from 'vitest';
import { sharedClickHouse, uniqueDatabase } from '../../../../../test/support/clickhouse-server.ts';
import { DAY, DAYS, expectRawAnswers, START, traffic } from '../../../../../test/support/month-answers.ts';
import { startOfDay } from '../../time/zone.ts';
import { bucketAt } from '../../visitor/buckets.ts';
import { monthOf } from '../months.ts';
import { ClickHouseStore } from './clickhouse-store.ts';

afterAll(async () => (await sharedClickHouse()).stop());

/** Every marked month sums exactly the chosen rollups of the sealed buckets in [first, last]; returns how many. */
async function expectMonthsExact(store: ClickHouseStore): Promise<number> {
  const c = store.connection;
  const months = await c.rows<Record<string, string>>(
    'SELECT month, argMin(first, sealer) AS lo, argMin(last, sealer) AS hi, min(sealer) AS chosen FROM months GROUP BY month ORDER BY month',
  );
  const sums = 'sum(visitors), sum(visits), sum(pageviews), sum(events), sum(bounces), sum(visit_pageviews), sum(duration_ms), sum(engaged_ms), sum(scroll_sum), sum(scroll_count)';
  for (const m of months) {
    expect(monthOf(Number(m.lo))).toBe(Number(m.month));
    expect(monthOf(Number(m.hi))).toBe(Number(m.month));
    const fromMonth = await c.rows(
      `SELECT property, value, ${sums} FROM month_rollups WHERE month = ${m.month} AND sealer = ${m.chosen} GROUP BY property, value ORDER BY property, value`,
    );
    const fromBuckets = await c.rows(
      `SELECT property, value, ${sums} FROM rollups WHERE bucket >= ${m.lo} AND bucket <= ${m.hi}
       AND (bucket, sealer) IN (SELECT bucket, min(sealer) FROM sealed GROUP BY bucket) GROUP BY property, value ORDER BY property, value`,
    );
    expect(fromMonth, `month ${m.month}`).toEqual(fromBuckets);
  }
  return months.length;
}

// Fewer cases than SQLite's (each takes seconds on a real server): a zone whose months are the
// local ones, one where they straddle, and weekly buckets.
const CASES: [number, string][] = [
  [24, 'Europe/Berlin'],
  [24, 'Pacific/Kiritimati'],
  [168, 'UTC'],
];

describe.each(CASES)('ClickHouse month rollups equal raw answers (%d h buckets, %s)', (rotationHours, tz) => {
  it('for whole and partial months, sealed in steps, by two instances, and pruned', async () => {
    const settings = { url: (await sharedClickHouse()).url, username: 'default', password: '', database: uniqueDatabase() };
    const [store, other] = await Promise.all([ClickHouseStore.open(settings), ClickHouseStore.open(settings)]);
    try {
      await store.append(traffic(rotationHours + tz.length, rotationHours, tz));
      const now = START + (DAYS - 3) * DAY + 5 * 3_600_000;
      // Sealed in steps, the last by both instances at once: each month is built once per sealer.
      for (const at of [START + 20 * DAY, START + 61 * DAY]) await store.seal(bucketAt(at, rotationHours, tz).start);
      await Promise.all([store, other].map((s) => s.seal(bucketAt(now, rotationHours, tz).start)));
      expect(await expectMonthsExact(store)).toBeGreaterThanOrEqual(3);
      await expectRawAnswers(store, rotationHours, tz, now, 1);

      // Retention cuts a month in the middle: its month goes, and the next seal builds it again.
      const before = startOfDay(2026, 3, 12, tz) + 3_600_000;
      await store.prune(before, bucketAt(before, rotationHours, tz).start);
      await store.seal(bucketAt(now, rotationHours, tz).start);
      expect(await expectMonthsExact(store)).toBeGreaterThanOrEqual(2);
      await expectRawAnswers(store, rotationHours, tz, now, 2);
    } finally {
      await Promise.all([store.close(), other.close()]);
    }
  });
});
