import { describe, expect, it } from 'vitest';
import { change, countryName, flag, formatDuration, intervalLabel, rangeLabel } from './format.ts';
import { niceMax } from './main-chart.ts';

describe('dashboard formatting', () => {
  it('reads durations at a glance', () => {
    expect([0, 45, 60, 125, 3599, 3600, 7322].map(formatDuration)).toEqual(['0s', '45s', '1m 00s', '2m 05s', '59m 59s', '1h 00m', '2h 02m']);
  });

  it('gives changes as percent, or points for rates, with what is good news', () => {
    expect(change(120, 100, 'count')).toEqual({ direction: 'up', text: '20%', good: true });
    expect(change(80, 100, 'count')).toEqual({ direction: 'down', text: '20%', good: false });
    expect(change(45, 40, 'percent', true)).toEqual({ direction: 'up', text: '5 pts', good: false });
    expect(change(39, 40, 'percent', true)).toEqual({ direction: 'down', text: '1 pt', good: true });
    expect(change(5, 0, 'count')).toEqual({ direction: 'new', text: 'new', good: true });
    expect(change(0, 0, 'count').direction).toBe('flat');
  });

  it('names countries and draws their flags from ISO codes', () => {
    expect(countryName('GB')).toBe('United Kingdom');
    expect(flag('SE')).toBe('\u{1F1F8}\u{1F1EA}');
    expect([countryName('<b>'), flag('<b>')]).toEqual(['<b>', '']);
  });

  it('labels chart intervals and ranges', () => {
    expect(intervalLabel('2026-03-10')).toBe('10 Mar');
    expect(intervalLabel('2026-03-10', true)).toBe('Tue, 10 Mar 2026');
    expect(intervalLabel('2026-03-10 14:00')).toBe('14:00');
    expect(intervalLabel('2026-03')).toBe('Mar 2026');
    expect(rangeLabel('2026-03-01', '2026-03-10')).toBe('1 Mar 2026 – 10 Mar 2026');
  });

  it('rounds the chart axis up to four round steps', () => {
    expect([0, 3, 9, 41, 180, 999, 1234].map(niceMax)).toEqual([4, 4, 10, 80, 200, 1000, 2000]);
  });
});
