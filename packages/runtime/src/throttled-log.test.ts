import { describe, expect, it } from 'vitest';
import { throttledLog } from './throttled-log.ts';

describe('throttled log', () => {
  it('says each kind of trouble once per interval and then how many repeats it held back', () => {
    const lines: string[] = [];
    let t = 0;
    const warn = throttledLog(
      (m) => lines.push(m),
      () => t,
      10_000,
    );
    for (let i = 0; i < 1000; i++) warn('disk', 'disk full');
    warn('other', 'something else');
    expect(lines).toEqual(['disk full', 'something else']);
    t = 10_000;
    warn('disk', 'disk full');
    expect(lines.at(-1)).toBe('disk full (and 999 more like it in the last 10 s)');
    t = 25_000;
    warn('disk', 'disk full');
    expect(lines.at(-1)).toBe('disk full');
  });
});
