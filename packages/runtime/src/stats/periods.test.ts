import { describe, expect, it } from 'vitest';
import { bucketAt } from '../visitor/buckets.ts';
import { intervalsOf, previousRange, resolvePeriod, type Range } from './periods.ts';

const NOW = Date.UTC(2026, 2, 10, 15, 30); // 2026-03-10 15:30 UTC
const ok = (r: Range | { error: string }) => {
  if ('error' in r) throw new Error(r.error);
  return r;
};

describe('periods in the site time zone', () => {
  it('starts today at local midnight', () => {
    const r = ok(resolvePeriod({ period: 'today' }, 'America/New_York', NOW));
    expect(new Date(r.from).toISOString()).toBe('2026-03-10T04:00:00.000Z'); // EDT since 8 March
    expect(r.firstDay).toBe('2026-03-10');
    expect(r.interval).toBe('hour');
  });

  it('covers 7 and 30 days including today, this month, 12 months and custom ranges', () => {
    expect(ok(resolvePeriod({ period: '7d' }, 'UTC', NOW))).toMatchObject({ firstDay: '2026-03-04', lastDay: '2026-03-10', interval: 'day' });
    expect(ok(resolvePeriod({ period: '30d' }, 'UTC', NOW))).toMatchObject({ firstDay: '2026-02-09', lastDay: '2026-03-10' });
    expect(ok(resolvePeriod({ period: 'month' }, 'UTC', NOW))).toMatchObject({ firstDay: '2026-03-01', lastDay: '2026-03-31' });
    expect(ok(resolvePeriod({ period: '12mo' }, 'UTC', NOW))).toMatchObject({ firstDay: '2025-04-01', lastDay: '2026-03-31', interval: 'month' });
    expect(ok(resolvePeriod({ period: 'custom', from: '2026-01-01', to: '2026-01-31' }, 'UTC', NOW))).toMatchObject({
      firstDay: '2026-01-01',
      lastDay: '2026-01-31',
      interval: 'day',
    });
    expect(ok(resolvePeriod({ period: 'all' }, 'UTC', NOW, Date.UTC(2025, 0, 5)))).toMatchObject({ firstDay: '2025-01-05', interval: 'month' });
  });

  it('rejects bad input with a reason', () => {
    expect(resolvePeriod({ period: 'week' }, 'UTC', NOW)).toMatchObject({ error: expect.stringContaining('period must be one of') });
    expect(resolvePeriod({ period: 'custom', from: '2026-02-30', to: '2026-03-01' }, 'UTC', NOW)).toMatchObject({ error: expect.stringContaining('YYYY-MM-DD') });
    expect(resolvePeriod({ period: 'custom', from: '2026-03-02', to: '2026-03-01' }, 'UTC', NOW)).toMatchObject({ error: expect.stringContaining('after') });
    expect(resolvePeriod({ period: 'today', interval: 'week' }, 'UTC', NOW)).toMatchObject({ error: expect.stringContaining('interval') });
  });

  it('compares a running period with the same elapsed span before it', () => {
    const r = ok(resolvePeriod({ period: 'today' }, 'UTC', NOW));
    const p = previousRange(r, NOW);
    expect(new Date(p.from).toISOString()).toBe('2026-03-09T00:00:00.000Z');
    expect(p.to - p.from).toBe(NOW - r.from + 1);
  });

  it('tiles a DST day with 23 hourly intervals and labels them on the wall clock', () => {
    const spring = Date.UTC(2026, 2, 29, 12); // Europe/Berlin springs forward on 29 March
    const r = ok(resolvePeriod({ period: 'today' }, 'Europe/Berlin', spring));
    const hours = intervalsOf(r, 'Europe/Berlin');
    if ('error' in hours) throw new Error(hours.error);
    expect(hours).toHaveLength(23);
    expect(hours.map((h) => h.label.slice(11))).not.toContain('02:00');
    const days = intervalsOf(ok(resolvePeriod({ period: '7d' }, 'Europe/Berlin', spring)), 'Europe/Berlin');
    if ('error' in days) throw new Error(days.error);
    expect(days.map((d) => d.label)).toEqual(['2026-03-23', '2026-03-24', '2026-03-25', '2026-03-26', '2026-03-27', '2026-03-28', '2026-03-29']);
    expect(days[6]!.end - days[6]!.start).toBe(23 * 3_600_000);
  });
});

describe('rotation buckets', () => {
  it('align 24 h buckets to local midnight, DST days included', () => {
    const b = bucketAt(Date.UTC(2026, 2, 29, 12), 24, 'Europe/Berlin');
    expect(new Date(b.start).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(b.end).toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('align shorter periods that divide a day to local midnight too', () => {
    const b = bucketAt(Date.UTC(2026, 2, 10, 13, 15), 6, 'Asia/Kolkata'); // 18:45 local
    expect(new Date(b.start).toISOString()).toBe('2026-03-10T12:30:00.000Z'); // 18:00 local
    expect(b.end - b.start).toBe(6 * 3_600_000);
  });

  it('give every instant exactly one bucket', () => {
    let t = Date.UTC(2026, 0, 1);
    let prev = bucketAt(t, 7, 'America/New_York');
    for (let i = 0; i < 2000; i++, t += 3_600_000) {
      const b = bucketAt(t, 7, 'America/New_York');
      expect(t >= b.start && t < b.end).toBe(true);
      if (b.start !== prev.start) expect(b.start).toBe(prev.end);
      prev = b;
    }
  });
});
